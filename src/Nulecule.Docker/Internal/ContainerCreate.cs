using System.Text.Json.Nodes;
using Docker.DotNet;
using Docker.DotNet.Handler.Abstractions;
using Docker.DotNet.Models;
using Nulecule.Docker.Run;

namespace Nulecule.Docker.Internal;

/// <summary>
/// Container create with the fields Docker.DotNet's models lack (<see cref="RawCreateFields"/>):
/// the request is made by the client as always, and <see cref="RawCreateFieldsHandler"/>, which
/// every client of <see cref="Endpoints.DockerConnector"/> has in its pipeline, adds the fields to
/// the JSON body of that one request. The fields travel with the call (an AsyncLocal), so
/// concurrent creates never see each other's, and a client without the handler is an error
/// rather than a container silently made without them.
/// </summary>
internal static class ContainerCreate
{
    private static readonly AsyncLocal<Pending?> Current = new();

    public static async Task<CreateContainerResponse> CreateAsync(
        IDockerClient client, CreateContainerParameters parameters, RawCreateFields? fields, CancellationToken cancellationToken)
    {
        if (fields is null || fields.IsEmpty)
        {
            return await client.Containers.CreateContainerAsync(parameters, cancellationToken);
        }

        var pending = new Pending(fields);
        Current.Value = pending;
        try
        {
            var response = await client.Containers.CreateContainerAsync(parameters, cancellationToken);
            if (!pending.Applied)
            {
                // Not reachable with DockerConnector's clients; a container without the asked-for fields would be wrong.
                try
                {
                    await client.Containers.RemoveContainerAsync(response.ID, new ContainerRemoveParameters { Force = true }, CancellationToken.None);
                }
                catch (DockerApiException)
                {
                    // best effort
                }

                throw new InvalidOperationException("this Docker client cannot send " + string.Join(", ", fields.Names) + " (build it with DockerConnector)");
            }

            return response;
        }
        finally
        {
            Current.Value = null;
        }
    }

    internal static Pending? Take() => Current.Value is { Applied: false } pending ? pending : null;

    internal sealed class Pending(RawCreateFields fields)
    {
        public RawCreateFields Fields { get; } = fields;

        public bool Applied { get; set; }
    }
}

/// <summary>Adds <see cref="RawCreateFields"/> to the body of the container create being sent.</summary>
internal sealed class RawCreateFieldsHandler(HttpMessageHandler inner) : DelegatingHandler(inner)
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (request.Method == HttpMethod.Post
            && request.RequestUri?.AbsolutePath.EndsWith("/containers/create", StringComparison.Ordinal) == true
            && request.Content is { } content
            && ContainerCreate.Take() is { } pending)
        {
            var body = JsonNode.Parse(await content.ReadAsByteArrayAsync(cancellationToken))!.AsObject();
            pending.Fields.WriteTo(body);
            var replaced = new ByteArrayContent(System.Text.Encoding.UTF8.GetBytes(body.ToJsonString()));
            replaced.Headers.ContentType = content.Headers.ContentType;
            request.Content = replaced;
            content.Dispose();
            pending.Applied = true;
        }

        return await base.SendAsync(request, cancellationToken);
    }
}

/// <summary>
/// Puts <see cref="RawCreateFieldsHandler"/> into a client's pipeline, around any TLS provider's
/// handler, and outermost the <see cref="Providers.EngineCallHandler"/> that `-v` reads.
/// </summary>
internal sealed class RawCreateFieldsProvider(IAuthProvider? inner) : IAuthProvider
{
    public bool TlsEnabled => inner?.TlsEnabled ?? false;

    public HttpMessageHandler ConfigureHandler(HttpMessageHandler handler) =>
        new Providers.EngineCallHandler("docker", new RawCreateFieldsHandler(inner?.ConfigureHandler(handler) ?? handler));
}
