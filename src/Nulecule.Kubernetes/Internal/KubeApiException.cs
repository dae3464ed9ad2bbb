using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Nulecule.Kubernetes.Internal;

/// <summary>A non-2xx answer of the API server with its Status object (reason, message, causes).</summary>
internal sealed class KubeApiException : Exception
{
    private KubeApiException(string message, HttpStatusCode statusCode, string? reason, IReadOnlyList<StatusCause> causes)
        : base(message)
    {
        StatusCode = statusCode;
        Reason = reason;
        Causes = causes;
    }

    public HttpStatusCode StatusCode { get; }

    /// <summary>Status.reason: `NotFound`, `AlreadyExists`, `Conflict`, `Invalid` ...</summary>
    public string? Reason { get; }

    /// <summary>Status.details.causes: for a conflict the fields and their other managers, for Invalid the bad fields.</summary>
    public IReadOnlyList<StatusCause> Causes { get; }

    public static KubeApiException From(HttpMethod method, string path, HttpStatusCode code, string body)
    {
        string? message = null, reason = null;
        var causes = new List<StatusCause>();
        try
        {
            if (JsonNode.Parse(body) is JsonObject status)
            {
                message = (string?)status["message"];
                reason = (string?)status["reason"];
                if (status["details"]?["causes"] is JsonArray list)
                {
                    foreach (var cause in list.OfType<JsonObject>())
                    {
                        causes.Add(new StatusCause((string?)cause["type"], (string?)cause["field"], (string?)cause["message"]));
                    }
                }
            }
        }
        catch (JsonException)
        {
            message = body.Length > 300 ? body[..300] : body;
        }

        var text = $"{method} {path}: {(int)code} {reason ?? code.ToString()}";
        return new KubeApiException(message is null ? text : $"{text}: {message}", code, reason, causes);
    }
}

internal sealed record StatusCause(string? Type, string? Field, string? Message);
