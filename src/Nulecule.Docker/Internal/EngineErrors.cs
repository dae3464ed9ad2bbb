using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Docker.DotNet;
using Docker.DotNet.Models;
using Nulecule.Answers;
using Nulecule.Docker.Planning;

namespace Nulecule.Docker.Internal;

/// <summary>
/// The engine's errors in the user's terms: its message text (never the JSON it came in), and for a
/// host port that is taken, the component, the port, what holds it and the param that sets it.
/// </summary>
internal static partial class EngineErrors
{
    /// <summary>The engine's message: the `message` of its JSON error body, else the body, else the exception's.</summary>
    public static string MessageOf(DockerApiException e)
    {
        var body = e.ResponseBody?.Trim();
        if (string.IsNullOrEmpty(body))
        {
            return e.Message;
        }

        try
        {
            using var json = JsonDocument.Parse(body);
            if (json.RootElement.ValueKind == JsonValueKind.Object && json.RootElement.TryGetProperty("message", out var message) && message.ValueKind == JsonValueKind.String)
            {
                return message.GetString()!.Trim();
            }
        }
        catch (JsonException)
        {
            // Not JSON: the body is the message.
        }

        return body;
    }

    /// <summary>The host port of a "port is already allocated" (another container) or "address already in use" (a process) start error.</summary>
    public static (int Port, bool ByContainer)? PortInUse(string engineMessage)
    {
        var allocated = Allocated().Match(engineMessage);
        if (allocated.Success)
        {
            return (int.Parse(allocated.Groups["port"].Value, CultureInfo.InvariantCulture), true);
        }

        var bind = AddressInUse().Match(engineMessage);
        return bind.Success ? (int.Parse(bind.Groups["port"].Value, CultureInfo.InvariantCulture), false) : null;
    }

    /// <summary>
    /// `component web: host port 8080 is already in use by container X (release Y); it is set by
    /// param 'port' (the engine said: ...)`; null when the error is not about a host port.
    /// </summary>
    public static async Task<string?> DescribePortInUseAsync(IDockerClient client, PlannedContainer container, string engineMessage, ResolvedValues? values)
    {
        if (PortInUse(engineMessage) is not { } taken)
        {
            return null;
        }

        var holder = taken.ByContainer ? await HolderAsync(client, taken.Port, container.ContainerName) : null;
        var by = holder ?? (taken.ByContainer ? "another container" : "a process on this host (not a container)");
        var text = taken.Port.ToString(CultureInfo.InvariantCulture);
        var parameters = (values?.Params ?? [])
            .Where(p => p.Value?.Text == text && (p.Scope == container.Component || p.Scope == AnswerSection.General))
            .Select(p => $"'{p.Name}'")
            .Distinct()
            .ToList();
        var fix = parameters.Count switch
        {
            0 => "free the port, or publish another one in the artifact",
            1 => $"free the port, or set param {parameters[0]} to another port (--set {container.Component}.{parameters[0].Trim('\'')}=PORT)",
            _ => $"free the port, or set one of the params {string.Join(", ", parameters)} to another port",
        };
        return $"component {container.Component}: host port {text} is already in use by {by} ({container.Arguments.Location}); {fix} (the engine said: {engineMessage})";
    }

    private static async Task<string?> HolderAsync(IDockerClient client, int port, string self)
    {
        try
        {
            var holders = await client.Containers.ListContainersAsync(new ContainersListParameters
            {
                Filters = new Dictionary<string, IDictionary<string, bool>> { ["publish"] = new Dictionary<string, bool> { [port.ToString(CultureInfo.InvariantCulture)] = true } },
            });
            var other = holders.FirstOrDefault(c => DockerObjects.NameOf(c) != self && !DockerObjects.NameOf(c).StartsWith(self + "--", StringComparison.Ordinal));
            if (other is null)
            {
                return null;
            }

            var release = DockerObjects.Label(other, Providers.Labels.Release);
            return $"container {DockerObjects.NameOf(other)}" + (release is null ? "" : $" (release '{release}')");
        }
        catch (DockerApiException)
        {
            return null;
        }
    }

    [GeneratedRegex(@"Bind for \S*?:(?<port>\d+) failed: port is already allocated")]
    private static partial Regex Allocated();

    [GeneratedRegex(@"listen (?:tcp|udp)[46]? \S*?:(?<port>\d+): bind: address already in use")]
    private static partial Regex AddressInUse();
}
