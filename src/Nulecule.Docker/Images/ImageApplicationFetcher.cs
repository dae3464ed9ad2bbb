using System.Net;
using Docker.DotNet;
using Docker.DotNet.Models;

namespace Nulecule.Docker.Images;

/// <summary>
/// Copies a Nulecule application out of its image: `/application-entity` of a container that is
/// created from the image and never started, then removed.
/// </summary>
public sealed class ImageApplicationFetcher
{
    public const string ApplicationPath = "/application-entity";
    private const int MaxDepth = 8;

    private readonly IDockerClient _client;

    public ImageApplicationFetcher(IDockerClient client)
    {
        _client = client;
    }

    public long MaxBytes { get; init; } = SafeTarExtractor.DefaultMaxBytes;

    /// <summary>Fetches <paramref name="image"/> (with or without `docker://`) into <paramref name="destination"/>.</summary>
    /// <param name="replace">Replace a non-empty destination (`fetch --update`); otherwise it is an error.</param>
    public async Task FetchAsync(string image, string destination, bool replace = false, CancellationToken cancellationToken = default)
    {
        image = StripScheme(image);
        destination = Path.GetFullPath(destination);
        if (Directory.Exists(destination) && Directory.EnumerateFileSystemEntries(destination).Any())
        {
            if (!replace)
            {
                throw new NuleculeException($"{destination} already exists and is not empty", hint: "fetch into an empty directory, or update it explicitly");
            }
        }

        await EnsureImageAsync(image, cancellationToken);
        var container = await _client.Containers.CreateContainerAsync(
            new CreateContainerParameters
            {
                Image = image,
                // Never started; a command is only given so images without CMD can be created.
                Cmd = ["nulecule-fetch"],
                Labels = new Dictionary<string, string> { [Providers.Labels.ManagedBy] = Providers.Labels.ManagedByValue },
            },
            cancellationToken);
        var staging = destination + ".fetching-" + Guid.NewGuid().ToString("N")[..8];
        try
        {
            ContainerArchiveResponse archive;
            try
            {
                archive = await _client.Containers.GetArchiveFromContainerAsync(container.ID, new ContainerPathStatParameters { Path = ApplicationPath }, false, cancellationToken);
            }
            catch (DockerApiException e) when (e.StatusCode == HttpStatusCode.NotFound)
            {
                throw new NuleculeException($"image {image} has no {ApplicationPath}: it is not a Nulecule application image");
            }

            await using (var stream = archive.Stream ?? throw new OperationFailedException($"the engine returned no archive of {ApplicationPath} for {image}"))
            {
                // The engine's stream only reads asynchronously; TarReader reads synchronously. Buffer it,
                // bounded: tar headers and padding are small next to the content bound.
                using var buffer = await BufferAsync(stream, image, cancellationToken);
                SafeTarExtractor.Extract(buffer, staging, image, "application-entity", MaxBytes);
            }

            if (Directory.Exists(destination))
            {
                Directory.Delete(destination, recursive: true);
            }

            Directory.CreateDirectory(Path.GetDirectoryName(destination)!);
            Directory.Move(staging, destination);
        }
        finally
        {
            if (Directory.Exists(staging))
            {
                Directory.Delete(staging, recursive: true);
            }

            await _client.Containers.RemoveContainerAsync(container.ID, new ContainerRemoveParameters { Force = true }, CancellationToken.None);
        }
    }

    /// <summary>
    /// Fetches an app and, recursively, the apps of its `source: docker://IMAGE` components into
    /// `external/&lt;name&gt;/`. <paramref name="nestedSources"/> reads a fetched app directory and
    /// returns its nested components (the caller owns Nulecule parsing).
    /// </summary>
    public async Task<IReadOnlyList<string>> FetchWithDependenciesAsync(
        string image,
        string destination,
        Func<string, IEnumerable<(string Name, string Image)>> nestedSources,
        bool replace = false,
        CancellationToken cancellationToken = default)
    {
        var fetched = new List<string>();
        await FetchTreeAsync(StripScheme(image), Path.GetFullPath(destination), nestedSources, replace, [], fetched, cancellationToken);
        return fetched;
    }

    private async Task FetchTreeAsync(
        string image, string destination, Func<string, IEnumerable<(string Name, string Image)>> nestedSources, bool replace,
        List<string> chain, List<string> fetched, CancellationToken cancellationToken)
    {
        if (chain.Contains(image, StringComparer.Ordinal))
        {
            throw new NuleculeException($"nested applications form a cycle: {string.Join(" -> ", chain.Append(image))}");
        }

        if (chain.Count >= MaxDepth)
        {
            throw new NuleculeException($"nested applications are deeper than {MaxDepth} levels: {string.Join(" -> ", chain.Append(image))}");
        }

        await FetchAsync(image, destination, replace, cancellationToken);
        fetched.Add(destination);
        chain.Add(image);
        foreach (var (name, nested) in nestedSources(destination))
        {
            if (name.Length == 0 || name is "." or ".." || name.IndexOfAny(['/', '\\']) >= 0)
            {
                throw new NuleculeException($"component name '{name}' cannot be used as a directory under external/");
            }

            // external/ came out of an image: resolve it on disk, link by link, inside the app.
            string target;
            try
            {
                target = SafeFiles.ResolveInside(destination, $"external/{name}");
            }
            catch (UnsafeFileException ex)
            {
                throw new NuleculeException($"refusing to fetch nested application '{name}' of {image}: {ex.Message}",
                    hint: "the image's external/ must be a plain directory inside the application");
            }

            await FetchTreeAsync(StripScheme(nested), target, nestedSources, replace, chain, fetched, cancellationToken);
        }

        chain.RemoveAt(chain.Count - 1);
    }

    private async Task<MemoryStream> BufferAsync(Stream stream, string image, CancellationToken cancellationToken)
    {
        var limit = MaxBytes + (16L * 1024 * 1024);
        var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = await stream.ReadAsync(chunk, cancellationToken)) > 0)
        {
            buffer.Write(chunk, 0, read);
            if (buffer.Length > limit)
            {
                await buffer.DisposeAsync();
                throw new NuleculeException($"refusing to extract {image}: {ApplicationPath} is larger than {MaxBytes / (1024 * 1024)} MiB");
            }
        }

        buffer.Position = 0;
        return buffer;
    }

    private async Task EnsureImageAsync(string image, CancellationToken cancellationToken)
    {
        try
        {
            await _client.Images.InspectImageAsync(image, cancellationToken);
            return;
        }
        catch (DockerApiException e) when (e.StatusCode == HttpStatusCode.NotFound)
        {
        }

        string? error = null;
        try
        {
            var (repository, tag) = Internal.EngineResources.SplitImage(image);
            await _client.Images.CreateImageAsync(
                new ImagesCreateParameters { FromImage = repository, Tag = tag }, null, new Progress<JSONMessage>(m => error = m.Error?.Message ?? error), cancellationToken);
            await _client.Images.InspectImageAsync(image, cancellationToken);
        }
        catch (DockerApiException e)
        {
            throw new OperationFailedException($"image {image} is not present locally and could not be pulled: {error ?? Internal.DockerObjects.Describe(e)}", e);
        }
    }

    private static string StripScheme(string image) =>
        image.StartsWith("docker://", StringComparison.Ordinal) ? image["docker://".Length..] : image;
}
