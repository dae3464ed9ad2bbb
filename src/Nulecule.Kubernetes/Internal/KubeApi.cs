using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;

namespace Nulecule.Kubernetes.Internal;

/// <summary>
/// Raw REST calls with JSON bodies, through the KubernetesClient's configured HttpClient (TLS,
/// client certificates, token refresh). Raw because the objects are arbitrary kinds: no typed
/// model and no reflection, so it stays NativeAOT-clean.
/// </summary>
/// <remarks>
/// Calls that complete ask for HTTP/2 (falling back to HTTP/1.1 when the server does not offer
/// it), as kubectl does: requests sent side by side then share one TLS connection instead of
/// each opening its own, and each handshake costs both sides several milliseconds of CPU.
/// Streams (logs, watches) stay on HTTP/1.1 connections of their own: a server caps the streams
/// of one HTTP/2 connection (Go's default: 250), and `logs --follow` of many containers must not
/// queue behind that cap.
/// </remarks>
internal sealed class KubeApi
{
    private static readonly TimeSpan CallTimeout = TimeSpan.FromSeconds(60);
    private readonly k8s.Kubernetes _client;
    private readonly string _base;
    private readonly string? _tlsHint;
    private bool _metadataRefused;

    /// <param name="tlsHint">What to check when the server's certificate is refused (where its authority comes from).</param>
    public KubeApi(k8s.Kubernetes client, string? tlsHint = null)
    {
        _client = client;
        _tlsHint = tlsHint;
        _base = client.BaseUri.ToString().TrimEnd('/');
    }

    public string Server => _base;

    /// <summary>
    /// The Accept of <see cref="Answer.Metadata"/>: the object's metadata alone
    /// (PartialObjectMetadata, served since Kubernetes 1.15 for reads, lists and writes alike), or
    /// else plain JSON, which a server that cannot transform its answers picks instead.
    /// </summary>
    internal string MetadataAccept { get; init; } = "application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1,application/json";

    /// <summary>The Accept of <see cref="Answer.ItemsMetadata"/>: a list of the items' metadata, or else plain JSON.</summary>
    internal string ItemsMetadataAccept { get; init; } = "application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1,application/json";

    private const string WholeAccept = "application/json";

    /// <summary>
    /// Every item of a collection, page by page (<paramref name="query"/> is added to each page's
    /// `limit`/`continue`); null when the server does not let this user list it (403 or 405).
    /// </summary>
    /// <param name="metadataOnly">The caller reads nothing but the items' metadata (<see cref="Answer.ItemsMetadata"/>).</param>
    public async Task<List<JsonObject>?> ListAllAsync(string collection, string query, CancellationToken cancellationToken, bool metadataOnly = false)
    {
        var items = new List<JsonObject>();
        string? next = null;
        do
        {
            JsonNode? page;
            try
            {
                page = await GetAsync($"{collection}?{query}{(query.Length > 0 ? "&" : "")}limit={ListPage}{(next is null ? "" : "&continue=" + Uri.EscapeDataString(next))}", cancellationToken, metadataOnly ? Answer.ItemsMetadata : Answer.Whole);
            }
            catch (KubeApiException e) when (e.StatusCode is System.Net.HttpStatusCode.Forbidden or System.Net.HttpStatusCode.MethodNotAllowed)
            {
                return null;
            }

            items.AddRange((page?["items"] as JsonArray ?? []).OfType<JsonObject>());
            next = (string?)page?["metadata"]?["continue"] is { Length: > 0 } token ? token : null;
        }
        while (next is not null);

        return items;
    }

    /// <summary>How many items a list asks for at once.</summary>
    private const int ListPage = 500;

    /// <summary>GET a JSON document; null when the server answers 404.</summary>
    public async Task<JsonNode?> GetAsync(string path, CancellationToken cancellationToken, Answer answer = Answer.Whole)
    {
        try
        {
            return await SendAsync(HttpMethod.Get, path, null, null, cancellationToken, answer);
        }
        catch (KubeApiException e) when (e.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    /// <param name="answer">What the caller reads of the answer: when only metadata, the server
    /// need not encode the rest, nor this process parse it (<see cref="Answer"/>).</param>
    public async Task<JsonNode> SendAsync(HttpMethod method, string path, JsonNode? body, string? contentType, CancellationToken cancellationToken, Answer answer = Answer.Whole)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(CallTimeout);
        var part = answer != Answer.Whole && !Volatile.Read(ref _metadataRefused);
        var (status, bytes) = await SendForAnswerAsync(method, path, body, contentType, !part ? WholeAccept : answer == Answer.Metadata ? MetadataAccept : ItemsMetadataAccept, timeout.Token);
        if (part && status == HttpStatusCode.NotAcceptable)
        {
            // The server serves neither that answer nor plain JSON as the second choice: ask once
            // more for the whole answer, and from now on only for it. Negotiation comes before a
            // request does anything; and a server-side apply sent again is the same apply.
            Volatile.Write(ref _metadataRefused, true);
            (status, bytes) = await SendForAnswerAsync(method, path, body, contentType, WholeAccept, timeout.Token);
        }

        if ((int)status is < 200 or > 299)
        {
            throw KubeApiException.From(method, path, status, Encoding.UTF8.GetString(bytes));
        }

        // Parsed from the bytes as they came: no string of the whole answer first.
        return (bytes.Length == 0 ? null : JsonNode.Parse(bytes)) ?? new JsonObject();
    }

    private async Task<(HttpStatusCode Status, byte[] Body)> SendForAnswerAsync(HttpMethod method, string path, JsonNode? body, string? contentType, string accept, CancellationToken cancellationToken)
    {
        using var response = await SendRawAsync(method, path, body, contentType, accept, HttpCompletionOption.ResponseContentRead, HttpVersion.Version20, cancellationToken);
        return (response.StatusCode, await response.Content.ReadAsByteArrayAsync(cancellationToken));
    }

    /// <summary>A streamed GET (logs); the caller disposes the response.</summary>
    public async Task<HttpResponseMessage> StreamAsync(string path, CancellationToken cancellationToken)
    {
        var response = await SendRawAsync(HttpMethod.Get, path, null, null, WholeAccept, HttpCompletionOption.ResponseHeadersRead, HttpVersion.Version11, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            var text = await response.Content.ReadAsStringAsync(cancellationToken);
            response.Dispose();
            throw KubeApiException.From(HttpMethod.Get, path, response.StatusCode, text);
        }

        return response;
    }

    private async Task<HttpResponseMessage> SendRawAsync(HttpMethod method, string path, JsonNode? body, string? contentType, string accept, HttpCompletionOption completion, Version version, CancellationToken cancellationToken)
    {
        // Or lower: HTTP/1.1 where TLS does not agree on h2, and always over plain http.
        using var request = new HttpRequestMessage(method, _base + path) { Version = version, VersionPolicy = HttpVersionPolicy.RequestVersionOrLower };
        request.Headers.TryAddWithoutValidation("Accept", accept);
        if (body is not null)
        {
            request.Content = new StringContent(body.ToJsonString(), Encoding.UTF8);
            request.Content.Headers.ContentType = new MediaTypeHeaderValue(contentType ?? "application/json");
        }

        if (_client.Credentials is not null)
        {
            await _client.Credentials.ProcessHttpRequestAsync(request, cancellationToken);
        }

        try
        {
            return await _client.HttpClient.SendAsync(request, completion, cancellationToken);
        }
        catch (HttpRequestException e) when (e.InnerException is System.Security.Authentication.AuthenticationException)
        {
            // Not "gone": the server answered and its certificate (or ours) was refused.
            throw new NuleculeException($"the TLS handshake with the Kubernetes API server at {_base} failed: {e.InnerException.Message}", hint: _tlsHint);
        }
        catch (HttpRequestException e)
        {
            throw Unreachable($"the Kubernetes API server at {_base} did not answer ({e.Message})", e);
        }
        catch (OperationCanceledException e) when (!cancellationToken.IsCancellationRequested || e.CancellationToken != cancellationToken)
        {
            throw Unreachable($"the Kubernetes API server at {_base} did not answer {method} {path} in time", e);
        }
    }

    /// <summary>
    /// The API server itself is gone (connection refused or reset, no answer in time), as opposed
    /// to an answer that refuses the request: callers then add what they were working on.
    /// </summary>
    public static bool IsUnreachable(Exception e) =>
        e is ApiServerUnreachableException || e.InnerException is { } inner && IsUnreachable(inner);

    private OperationFailedException Unreachable(string message, Exception cause) =>
        new(message, new ApiServerUnreachableException(_base, message, cause));
}

/// <summary>Marks an <see cref="OperationFailedException"/> as "no answer from <see cref="Server"/>" (see <see cref="KubeApi.IsUnreachable"/>).</summary>
internal sealed class ApiServerUnreachableException(string server, string message, Exception cause) : Exception(message, cause)
{
    public string Server { get; } = server;
}

/// <summary>What a call reads of its answer.</summary>
internal enum Answer
{
    /// <summary>The whole object (or list), as the server holds it.</summary>
    Whole,

    /// <summary>The object's metadata alone: name, uid, resourceVersion, labels, annotations, managedFields.</summary>
    Metadata,

    /// <summary>A list whose items carry their metadata alone.</summary>
    ItemsMetadata,
}
