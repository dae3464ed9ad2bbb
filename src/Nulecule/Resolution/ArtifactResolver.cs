using Nulecule.Spec;

namespace Nulecule.Resolution;

/// <summary>One artifact file to render: its text and where it came from.</summary>
public sealed record ArtifactFile(string Provider, string Display, string Text, PointerArtifact? Pointers, SourceLocation DeclaredAt)
{
    /// <summary>The file on disk (null for a URL): compose files resolve their includes, env files and binds from its directory.</summary>
    public string? FullPath { get; init; }
}

/// <summary>
/// Turns a component's artifact entries for one provider into files: paths and directories
/// read, `inherit` followed, URLs fetched. Order is entry order; a directory gives its regular,
/// non-hidden files sorted by name.
/// </summary>
public sealed class ArtifactResolver(HttpClient? http = null)
{

    /// <summary>URL artifacts are small text files; refuse anything larger.</summary>
    public const long MaxDownloadBytes = 8 * 1024 * 1024;

    /// <param name="displayRoot">Paths in <see cref="ArtifactFile.Display"/> are relative to it (the root app's directory).</param>
    public async Task<IReadOnlyList<ArtifactFile>> ResolveAsync(Application app, Component component, string provider, string? displayRoot = null, CancellationToken cancellationToken = default)
    {
        var files = new List<ArtifactFile>();
        await CollectAsync(app, component, provider, provider, displayRoot ?? app.Directory, files, [], cancellationToken).ConfigureAwait(false);
        return files;
    }

    private async Task CollectAsync(Application app, Component component, string provider, string renderAs, string root, List<ArtifactFile> files, HashSet<string> visiting, CancellationToken ct)
    {
        if (!component.Artifacts.TryGetValue(provider, out var entries) || !visiting.Add(provider))
        {
            return; // unknown targets and cycles are reported by validation
        }

        foreach (var entry in entries)
        {
            switch (entry)
            {
                case InheritArtifact inherit:
                    foreach (var target in inherit.Providers)
                    {
                        await CollectAsync(app, component, target, renderAs, root, files, visiting, ct).ConfigureAwait(false);
                    }

                    break;
                case PathArtifact path:
                    await AddAsync(app, component, path.Reference, path.Location, null, renderAs, root, files, ct).ConfigureAwait(false);
                    break;
                case PointerArtifact pointer:
                    await AddAsync(app, component, pointer.Resource, pointer.Location, pointer, renderAs, root, files, ct).ConfigureAwait(false);
                    break;
                case RepositoryArtifact repo:
                    throw new NuleculeException($"component '{component.Name}' takes artifacts from repository {repo.Source}; fetching repositories is not supported yet",
                        repo.Location, "copy the files into the application and list them as file:// paths");
            }
        }

        visiting.Remove(provider);
    }

    private async Task AddAsync(Application app, Component component, string reference, SourceLocation at, PointerArtifact? pointers, string provider, string root, List<ArtifactFile> files, CancellationToken ct)
    {
        var location = app.ResolvedPaths?.Find(reference, at, app.Directory) ?? ArtifactPath.Resolve(reference, app.Directory, at);
        if (location.Url is { } url)
        {
            if (location.IsDirectory)
            {
                throw new NuleculeException($"artifact URL '{reference}' names a directory; URLs must name one file", at);
            }

            files.Add(new ArtifactFile(provider, url.ToString(), await DownloadAsync(url, at, ct).ConfigureAwait(false), pointers, at));
            return;
        }

        var local = location.LocalPath!;
        var kind = location.IsAbsolute ? KindFollowingLinks(local) : SafeFiles.KindOf(local);
        if (kind == FileKind.Regular)
        {
            files.Add(new ArtifactFile(provider, Display(root, local), Read(local, reference, at), pointers, at) { FullPath = local });
            return;
        }

        if (kind == FileKind.Missing)
        {
            throw new NuleculeException($"{provider} artifact '{reference}' of component '{component.Name}' does not exist (looked for {NuleculeLoader.DisplayPath(local)})", at,
                "check the path: file:// paths are relative to the directory of the Nulecule file");
        }

        if (kind != FileKind.Directory)
        {
            throw new NuleculeException($"artifact '{reference}' is {SafeFiles.Describe(kind)}, not a regular file or a directory", at,
                "an artifact is a text file (or a directory of them)");
        }

        // A directory gives its regular files: links, FIFOs and devices in it are skipped.
        var entries = new DirectoryInfo(local).EnumerateFiles()
            .Where(f => !f.Name.StartsWith('.') && (f.Attributes & FileAttributes.Hidden) == 0 && SafeFiles.KindOf(f.FullName) == FileKind.Regular)
            .OrderBy(f => f.Name, StringComparer.Ordinal);
        foreach (var file in entries)
        {
            files.Add(new ArtifactFile(provider, Display(root, file.FullName), Read(file.FullName, reference, at), pointers, at) { FullPath = file.FullName });
        }
    }

    private static FileKind KindFollowingLinks(string path)
    {
        try
        {
            return SafeFiles.KindOf(SafeFiles.RealPath(path));
        }
        catch (UnsafeFileException)
        {
            return FileKind.SymbolicLink;
        }
    }

    private static string Read(string path, string reference, SourceLocation at)
    {
        try
        {
            return TextFile.Read(path, SafeFiles.MaxArtifactBytes);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new NuleculeException($"artifact '{reference}' cannot be read: {e.Message}", at,
                $"an artifact is a regular text file of at most {SafeFiles.Limit(SafeFiles.MaxArtifactBytes)}");
        }
    }

    private async Task<string> DownloadAsync(Uri url, SourceLocation at, CancellationToken ct)
    {
        var client = http ?? SharedClient.Value;
        try
        {
            using var response = await client.GetAsync(url, HttpCompletionOption.ResponseHeadersRead, ct).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
            {
                throw new NuleculeException($"artifact {url} could not be fetched: HTTP {(int)response.StatusCode} {response.ReasonPhrase}", at);
            }

            if (response.Content.Headers.ContentLength > MaxDownloadBytes)
            {
                throw new NuleculeException($"artifact {url} is larger than {MaxDownloadBytes / 1024 / 1024} MiB", at);
            }

            await using var stream = await response.Content.ReadAsStreamAsync(ct).ConfigureAwait(false);
            using var buffer = new MemoryStream();
            var chunk = new byte[81920];
            int read;
            while ((read = await stream.ReadAsync(chunk, ct).ConfigureAwait(false)) > 0)
            {
                buffer.Write(chunk, 0, read);
                if (buffer.Length > MaxDownloadBytes)
                {
                    throw new NuleculeException($"artifact {url} is larger than {MaxDownloadBytes / 1024 / 1024} MiB", at);
                }
            }

            return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
        }
        catch (HttpRequestException ex)
        {
            throw new NuleculeException($"artifact {url} could not be fetched: {ex.Message}", at);
        }
        catch (TaskCanceledException) when (!ct.IsCancellationRequested)
        {
            throw new NuleculeException($"artifact {url} could not be fetched: timed out", at);
        }
    }

    private static readonly Lazy<HttpClient> SharedClient = new(() => new HttpClient { Timeout = TimeSpan.FromSeconds(30) });

    private static string Display(string root, string path)
    {
        var relative = Path.GetRelativePath(root, path);
        return relative.StartsWith("..", StringComparison.Ordinal) ? path : relative;
    }
}
