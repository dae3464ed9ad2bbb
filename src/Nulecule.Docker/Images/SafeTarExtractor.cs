using System.Formats.Tar;

namespace Nulecule.Docker.Images;

/// <summary>
/// Extracts an application archive without trusting it: no absolute names, no `..`, no links
/// pointing outside the destination, no devices or fifos, and a bound on the total size.
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
        Directory.CreateDirectory(root);
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
                    using (var output = File.Create(target))
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
                    File.CreateSymbolicLink(target, linkTarget);
                    break;
                case TarEntryType.HardLink:
                    var linked = Relative(entry.LinkName, stripPrefix, origin);
                    if (linked is null || Path.IsPathRooted(entry.LinkName))
                    {
                        throw Refuse(origin, entry.Name, $"hard link to {entry.LinkName} outside the application");
                    }

                    var source = Inside(root, linked, entry.LinkName, origin);
                    if (!File.Exists(source))
                    {
                        throw Refuse(origin, entry.Name, $"hard link to {entry.LinkName}, which is not an earlier file of the archive");
                    }

                    // A copy, not a link: the extracted tree never shares inodes with anything.
                    Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                    File.Copy(source, target, overwrite: true);
                    break;
                default:
                    throw Refuse(origin, entry.Name, $"{entry.EntryType} entries are not allowed in an application");
            }

            count++;
        }

        return count;
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
