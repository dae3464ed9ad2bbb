using System.Formats.Tar;

namespace Nulecule.Docker.Images;

/// <summary>
/// Extracts an application archive without trusting it: no absolute names, no `..`, no links
/// pointing outside the destination, no devices or fifos, and a bound on the total size. It
/// extracts into a fresh directory only, never writes through a link, and before returning checks
/// the extracted tree on disk: every link, followed link by link (chains such as `x -> .`,
/// `external -> x/x/../../..`), must stay inside it.
/// </summary>
public static class SafeTarExtractor
{
    public const long DefaultMaxBytes = 64L * 1024 * 1024;

    /// <summary>
    /// Extracts <paramref name="tar"/> into <paramref name="destination"/>. Entries under
    /// <paramref name="stripPrefix"/> (the directory the engine puts first, e.g. `application-entity`)
    /// lose that prefix. <paramref name="origin"/> names the archive in errors (an image name).
    /// </summary>
    public static int Extract(Stream tar, string destination, string origin, string? stripPrefix = null, long maxBytes = DefaultMaxBytes)
    {
        var root = Path.GetFullPath(destination);
        if (Directory.Exists(root) && Directory.EnumerateFileSystemEntries(root).Any() || File.Exists(root))
        {
            throw new InvalidOperationException($"{root} must be a fresh directory to extract into");
        }

        // Readable by this user alone until it is verified and moved into place.
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(root);
        }
        else
        {
            Directory.CreateDirectory(root, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        var links = new List<(string Path, string Entry)>();
        var total = 0L;
        var count = 0;
        using var reader = new TarReader(tar, leaveOpen: true);
        TarEntry? entry;
        while ((entry = reader.GetNextEntry()) is not null)
        {
            if (entry.EntryType is TarEntryType.GlobalExtendedAttributes or TarEntryType.ExtendedAttributes)
            {
                continue;
            }

            var name = Relative(entry.Name, stripPrefix, origin);
            if (name is null)
            {
                continue;
            }

            var target = Inside(root, name, entry.Name, origin);
            var existing = SafeFiles.KindOf(target);
            if (existing is not (FileKind.Missing or FileKind.Regular) && !(existing == FileKind.Directory && entry.EntryType == TarEntryType.Directory))
            {
                throw Refuse(origin, entry.Name, $"it would replace {SafeFiles.Describe(existing)} extracted before it");
            }

            try
            {
                switch (entry.EntryType)
                {
                    case TarEntryType.Directory:
                        Directory.CreateDirectory(target);
                        break;
                    case TarEntryType.RegularFile or TarEntryType.V7RegularFile or TarEntryType.ContiguousFile:
                        total += entry.Length;
                        if (total > maxBytes)
                        {
                            throw Refuse(origin, entry.Name, $"the archive is larger than {maxBytes / (1024 * 1024)} MiB");
                        }

                        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                        NotALink(target, entry.Name, origin);
                        using (var output = new FileStream(target, FileMode.Create, FileAccess.Write, FileShare.None))
                        {
                            entry.DataStream?.CopyTo(output);
                        }

                        break;
                    case TarEntryType.SymbolicLink:
                        var linkTarget = entry.LinkName;
                        if (Path.IsPathRooted(linkTarget))
                        {
                            throw Refuse(origin, entry.Name, $"symbolic link to the absolute path {linkTarget}");
                        }

                        var resolved = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(target)!, linkTarget));
                        if (!IsUnder(root, resolved))
                        {
                            throw Refuse(origin, entry.Name, $"symbolic link {linkTarget} points outside the application");
                        }

                        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                        NotALink(target, entry.Name, origin);
                        File.CreateSymbolicLink(target, linkTarget);
                        links.Add((target, entry.Name));
                        break;
                    case TarEntryType.HardLink:
                        var linked = Relative(entry.LinkName, stripPrefix, origin);
                        if (linked is null || Path.IsPathRooted(entry.LinkName))
                        {
                            throw Refuse(origin, entry.Name, $"hard link to {entry.LinkName} outside the application");
                        }

                        var source = Inside(root, linked, entry.LinkName, origin);
                        var sourceKind = SafeFiles.KindOf(source);
                        if (sourceKind == FileKind.SymbolicLink)
                        {
                            // Copying would follow the link: a host file would land in the app.
                            throw Refuse(origin, entry.Name, $"hard link to {entry.LinkName}, which is a symbolic link");
                        }

                        if (sourceKind != FileKind.Regular)
                        {
                            throw Refuse(origin, entry.Name, $"hard link to {entry.LinkName}, which is not an earlier file of the archive");
                        }

                        // A copy, not a link: the extracted tree never shares inodes with anything.
                        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                        NotALink(target, entry.Name, origin);
                        File.Copy(source, target, overwrite: true);
                        break;
                    default:
                        throw Refuse(origin, entry.Name, $"{entry.EntryType} entries are not allowed in an application");
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // A malformed archive (a file where a directory must be, ...): refused, never a crash.
                throw Refuse(origin, entry.Name, e.Message);
            }

            count++;
        }

        Verify(root, links, origin);
        return count;
    }

    /// <summary>
    /// Checks the extracted tree on the real file system: only directories, regular files and
    /// links, and every link resolved component by component stays inside the root. Links can be
    /// created before what they pass through, so this runs once everything is on disk.
    /// </summary>
    private static void Verify(string root, List<(string Path, string Entry)> links, string origin)
    {
        foreach (var (path, entryName) in links)
        {
            try
            {
                _ = SafeFiles.ResolveInside(root, Path.GetRelativePath(root, path));
            }
            catch (UnsafeFileException ex)
            {
                throw Refuse(origin, entryName, $"symbolic link leads outside the application on disk ({ex.Message})");
            }
        }

        var pending = new Stack<string>();
        pending.Push(root);
        while (pending.Count > 0)
        {
            foreach (var entry in new DirectoryInfo(pending.Pop()).EnumerateFileSystemInfos())
            {
                switch (SafeFiles.KindOf(entry.FullName))
                {
                    case FileKind.Directory:
                        pending.Push(entry.FullName);
                        break;
                    case FileKind.Regular or FileKind.SymbolicLink:
                        break;
                    case var other:
                        throw Refuse(origin, Path.GetRelativePath(root, entry.FullName), $"{SafeFiles.Describe(other)} after extraction");
                }
            }
        }
    }

    /// <summary>Writing to an existing link would write where it points: an archive may not do that.</summary>
    private static void NotALink(string target, string entryName, string origin)
    {
        if (SafeFiles.KindOf(target) == FileKind.SymbolicLink)
        {
            throw Refuse(origin, entryName, "it would write through a symbolic link extracted before it");
        }
    }

    /// <summary>The entry name relative to the prefix, checked; null for the prefix directory itself.</summary>
    private static string? Relative(string entryName, string? stripPrefix, string origin)
    {
        var name = entryName.Replace('\\', '/');
        if (name.StartsWith('/') || Path.IsPathRooted(name))
        {
            throw Refuse(origin, entryName, "absolute path");
        }

        var parts = name.Split('/', StringSplitOptions.RemoveEmptyEntries).Where(p => p != ".").ToList();
        if (parts.Contains(".."))
        {
            throw Refuse(origin, entryName, "'..' in the path");
        }

        if (stripPrefix is not null)
        {
            if (parts.Count == 0 || parts[0] != stripPrefix)
            {
                throw Refuse(origin, entryName, $"outside {stripPrefix}/");
            }

            parts.RemoveAt(0);
        }

        return parts.Count == 0 ? null : string.Join('/', parts);
    }

    private static string Inside(string root, string relative, string entryName, string origin)
    {
        var full = Path.GetFullPath(Path.Combine(root, relative));
        if (!IsUnder(root, full))
        {
            throw Refuse(origin, entryName, "path outside the destination");
        }

        // A file written through a symlink extracted earlier could land outside: refuse linked parents.
        for (var dir = Path.GetDirectoryName(full); dir is not null && dir.Length > root.Length; dir = Path.GetDirectoryName(dir))
        {
            if (new DirectoryInfo(dir).LinkTarget is not null)
            {
                throw Refuse(origin, entryName, "path through a symbolic link");
            }
        }

        return full;
    }

    private static bool IsUnder(string root, string path) =>
        path == root || path.StartsWith(root.EndsWith(Path.DirectorySeparatorChar) ? root : root + Path.DirectorySeparatorChar, StringComparison.Ordinal);

    private static NuleculeException Refuse(string origin, string entry, string why) =>
        new($"refusing to extract {origin}: entry '{entry}': {why}", hint: "the image's /application-entity must hold only the application's files and directories");
}
