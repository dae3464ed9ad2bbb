namespace Nulecule.Spec;

/// <summary>
/// Where an artifact reference points: a local path (file or directory) or a URL.
/// <see cref="IsDirectory"/> says the reference ends with `/`; whether a local path is a directory
/// on disk is for the reader to find out. A relative local path is already resolved on disk, link
/// by link, inside the application directory (<see cref="SafeFiles.ResolveInside"/>).
/// </summary>
public sealed record ArtifactLocation(string? LocalPath, Uri? Url, bool IsDirectory, bool IsAbsolute = false);

/// <summary>
/// Interprets artifact references. `file://x` and `file:x` are relative to the application
/// directory (what every real app writes, whatever the spec's prose says); `file:///x` is absolute
/// on purpose; `http(s)://` is fetched. A relative path may not leave the application directory.
/// </summary>
public static class ArtifactPath
{
    // The real path of each application directory, resolved once per process: an app's thousands
    // of artifacts share it, and the links inside the app are still followed file by file.
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, string> RealRoots = new(StringComparer.Ordinal);

    public static ArtifactLocation Resolve(string reference, string appDirectory, SourceLocation at)
    {
        if (reference.StartsWith("http://", StringComparison.OrdinalIgnoreCase) || reference.StartsWith("https://", StringComparison.OrdinalIgnoreCase))
        {
            if (!Uri.TryCreate(reference, UriKind.Absolute, out var url))
            {
                throw new NuleculeException($"artifact URL '{reference}' is not a valid URL", at);
            }

            return new ArtifactLocation(null, url, reference.EndsWith('/'));
        }

        string path;
        bool absolute;
        if (reference.StartsWith("file:///", StringComparison.Ordinal))
        {
            path = reference["file://".Length..];
            absolute = true;
        }
        else if (reference.StartsWith("file://", StringComparison.Ordinal))
        {
            path = reference["file://".Length..];
            absolute = false;
        }
        else if (reference.StartsWith("file:", StringComparison.Ordinal))
        {
            path = reference["file:".Length..];
            absolute = path.StartsWith('/');
        }
        else if (reference.Contains("://", StringComparison.Ordinal))
        {
            throw new NuleculeException($"artifact '{reference}' uses a scheme this tool does not read", at, "use file://relative/path, file:///absolute/path or http(s)://");
        }
        else
        {
            // A bare path: relative to the application directory, as `file:` would be.
            path = reference;
            absolute = Path.IsPathRooted(path);
        }

        path = Uri.UnescapeDataString(path);
        var isDirectory = path.EndsWith('/');
        var full = Path.GetFullPath(absolute ? path : Path.Combine(appDirectory, path));
        if (!absolute)
        {
            var root = Path.GetFullPath(appDirectory).TrimEnd('/') + "/";
            if (!(full + "/").StartsWith(root, StringComparison.Ordinal))
            {
                throw new NuleculeException($"artifact '{reference}' points outside the application directory", at,
                    "keep artifacts inside the application directory, or write an absolute file:///path on purpose");
            }
        }

        if (!absolute)
        {
            // The text stays inside; now the file system must too: follow each link by hand.
            try
            {
                var given = Path.GetFullPath(appDirectory);
                full = SafeFiles.ResolveInside(given, RealRoots.GetOrAdd(given, SafeFiles.RealPath), Path.GetRelativePath(given, full));
            }
            catch (UnsafeFileException ex)
            {
                throw new NuleculeException($"artifact '{reference}' cannot be read safely: {ex.Message}", at,
                    "symbolic links in an application must stay inside its directory");
            }
        }

        return new ArtifactLocation(full, null, isDirectory, absolute);
    }
}

/// <summary>
/// Where the artifact references of one application directory resolved when it was loaded, by
/// reference and declaring place. The loader looks at every path on disk, link by link, to
/// report a bad one before anything runs; reading the artifacts a moment later takes the same
/// answer instead of walking each path again.
/// </summary>
internal sealed class ResolvedArtifactPaths(string appDirectory, Dictionary<(string Reference, SourceLocation At), ArtifactLocation> locations)
{
    /// <summary>The location resolved for <paramref name="reference"/> declared at <paramref name="at"/> in <paramref name="directory"/>; null when not resolved then.</summary>
    public ArtifactLocation? Find(string reference, SourceLocation at, string directory) =>
        directory == appDirectory && locations.TryGetValue((reference, at), out var location) ? location : null;
}
