using System.Buffers;
using System.Runtime.InteropServices;
using System.Text;

namespace Nulecule;

/// <summary>What a path is, without following a final symbolic link (lstat).</summary>
public enum FileKind
{
    Missing,
    Regular,
    Directory,
    SymbolicLink,
    Fifo,
    CharacterDevice,
    BlockDevice,
    Socket,
}

/// <summary>
/// A file the tool refused to read or write: not a regular file, too large, or reached through a
/// symbolic link that leaves the directory it must stay in. An <see cref="IOException"/>, so the
/// callers that already turn I/O errors into located diagnostics do so for these too.
/// </summary>
public sealed class UnsafeFileException(string message) : IOException(message);

/// <summary>
/// File access that holds against hostile input (app images, answers files, paths in artifacts):
/// only regular files are read (a FIFO or a device would hang or never end), every read is bounded,
/// and paths inside a root directory are resolved component by component on the real file system,
/// following each symbolic link by hand, so that no link chain can lead outside the root.
/// </summary>
public static partial class SafeFiles
{
    /// <summary>A Nulecule file or an index (a 1,000-component app is about 1 MiB).</summary>
    public const long MaxInputBytes = 4L * 1024 * 1024;

    /// <summary>An answers file or an env file: a few lines written by hand.</summary>
    public const long MaxAnswersBytes = 1L * 1024 * 1024;

    /// <summary>One artifact file (the same bound as an artifact fetched by URL).</summary>
    public const long MaxArtifactBytes = 8L * 1024 * 1024;

    /// <summary>Links followed while resolving one path (Linux's own limit).</summary>
    public const int MaxLinkHops = 40;

    /// <summary>The kind of <paramref name="path"/>; a final symbolic link is not followed.</summary>
    public static FileKind KindOf(string path) => Stat(path, follow: false, out _, out _, out _);

    /// <summary>
    /// The text of the regular file at <paramref name="path"/> (a final link is followed: the caller
    /// confines paths first when it must), UTF-8 unless a byte order mark says otherwise. Refuses
    /// FIFOs, devices, directories and files larger than <paramref name="maxBytes"/>, before opening.
    /// </summary>
    public static string ReadText(string path, long maxBytes)
    {
        var kind = Stat(path, follow: true, out var size, out var dev, out var ino);
        if (kind == FileKind.Missing)
        {
            throw new FileNotFoundException($"no such file: {path}", path);
        }

        if (kind != FileKind.Regular)
        {
            throw new UnsafeFileException($"{path} is {Describe(kind)}, not a regular file");
        }

        if (size > maxBytes)
        {
            throw new UnsafeFileException($"{path} is larger than the limit of {Limit(maxBytes)}");
        }

        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.None);
        if (FStat(stream.SafeFileHandle, out var opened) == 0 &&
            ((opened.Mode & TypeMask) != RegularType || opened.Dev != dev || opened.Ino != ino))
        {
            throw new UnsafeFileException($"{path} changed while it was opened");
        }

        // Never trust the size: read at most one byte more than allowed. The bytes only live until
        // they are decoded: a pooled buffer (of at least `capacity` bytes), not one per file.
        var capacity = (int)Math.Min(size, maxBytes) + 1;
        var buffer = ArrayPool<byte>.Shared.Rent(capacity);
        try
        {
            var length = 0;
            int read;
            while ((read = stream.Read(buffer, length, capacity - length)) > 0)
            {
                length += read;
                if (length == capacity)
                {
                    if (length > maxBytes)
                    {
                        throw new UnsafeFileException($"{path} is larger than the limit of {Limit(maxBytes)}");
                    }

                    capacity = (int)Math.Min(maxBytes + 1, (long)capacity * 2);
                    var larger = ArrayPool<byte>.Shared.Rent(capacity);
                    buffer.AsSpan(0, length).CopyTo(larger);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = larger;
                }
            }

            return Decode(buffer.AsSpan(0, length));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>
    /// The real path of <paramref name="relative"/> inside <paramref name="root"/>: each component
    /// is looked at on disk; a symbolic link is followed by hand and may not leave the root (an
    /// absolute target counts when it lands inside). Components that do not exist (yet) are kept as
    /// written. Throws <see cref="UnsafeFileException"/> on an escape or a link loop.
    /// </summary>
    public static string ResolveInside(string root, string relative)
    {
        var given = Path.GetFullPath(root);
        return ResolveInside(given, RealPath(given), relative);
    }

    /// <summary>
    /// <see cref="ResolveInside(string, string)"/> for a root (a full path) whose real path the
    /// caller has already resolved: reading thousands of artifacts of one app, the root's own
    /// components need not be looked at again for every file.
    /// </summary>
    public static string ResolveInside(string given, string rootReal, string relative)
    {
        var parts = new List<string>();
        var pending = new Stack<string>();
        Push(pending, relative);
        var hops = 0;
        while (pending.Count > 0)
        {
            var part = pending.Pop();
            if (part is "" or ".")
            {
                continue;
            }

            if (part == "..")
            {
                if (parts.Count == 0)
                {
                    throw new UnsafeFileException($"'{relative}' leads outside {rootReal}");
                }

                parts.RemoveAt(parts.Count - 1);
                continue;
            }

            var candidate = Join(rootReal, parts, part);
            if (KindOf(candidate) != FileKind.SymbolicLink)
            {
                parts.Add(part);
                continue;
            }

            if (++hops > MaxLinkHops)
            {
                throw new UnsafeFileException($"'{relative}' goes through more than {MaxLinkHops} symbolic links (a link loop?)");
            }

            var target = new FileInfo(candidate).LinkTarget ?? "";
            if (target.StartsWith('/'))
            {
                var inside = Path.GetRelativePath(rootReal, Path.GetFullPath(target));
                if (inside == ".." || inside.StartsWith("../", StringComparison.Ordinal) || Path.IsPathRooted(inside))
                {
                    throw new UnsafeFileException($"'{relative}' leads outside {rootReal} through the symbolic link {Path.GetRelativePath(rootReal, candidate)} -> {target}");
                }

                parts.Clear();
                target = inside == "." ? "" : inside;
            }

            // A relative target is read from the link's directory: what is left of the path goes after it.
            Push(pending, target);
        }

        // Spelt from the root as given (the same directory), so that messages show the user's path.
        return Join(given, parts, null);
    }

    /// <summary>True when <paramref name="path"/> is <paramref name="root"/> or below it (both full paths).</summary>
    public static bool IsUnder(string root, string path)
    {
        var r = root.TrimEnd('/');
        return path == r || path.StartsWith(r + "/", StringComparison.Ordinal) || r.Length == 0;
    }

    /// <summary>The path with every symbolic link resolved (links of a path the user gave are trusted).</summary>
    public static string RealPath(string fullPath)
    {
        var parts = new List<string>();
        var pending = new Stack<string>();
        Push(pending, fullPath);
        var hops = 0;
        while (pending.Count > 0)
        {
            var part = pending.Pop();
            if (part is "" or ".")
            {
                continue;
            }

            if (part == "..")
            {
                if (parts.Count > 0)
                {
                    parts.RemoveAt(parts.Count - 1);
                }

                continue;
            }

            var candidate = Join("", parts, part);
            if (KindOf(candidate) != FileKind.SymbolicLink)
            {
                parts.Add(part);
                continue;
            }

            if (++hops > MaxLinkHops)
            {
                throw new UnsafeFileException($"{fullPath} goes through more than {MaxLinkHops} symbolic links (a link loop?)");
            }

            var target = new FileInfo(candidate).LinkTarget ?? "";
            if (target.StartsWith('/'))
            {
                parts.Clear();
            }

            Push(pending, target);
        }

        return Join("", parts, null);
    }

    public static string Describe(FileKind kind) => kind switch
    {
        FileKind.Missing => "missing",
        FileKind.Regular => "a regular file",
        FileKind.Directory => "a directory",
        FileKind.SymbolicLink => "a symbolic link",
        FileKind.Fifo => "a FIFO (named pipe)",
        FileKind.CharacterDevice => "a character device",
        FileKind.BlockDevice => "a block device",
        _ => "a socket",
    };

    public static string Limit(long bytes) => bytes % (1024 * 1024) == 0 ? $"{bytes / (1024 * 1024)} MiB" : $"{bytes} bytes";

    private static void Push(Stack<string> pending, string path)
    {
        var split = path.Split('/');
        for (var i = split.Length - 1; i >= 0; i--)
        {
            pending.Push(split[i]);
        }
    }

    private static string Join(string rootReal, List<string> parts, string? last)
    {
        var builder = new StringBuilder(rootReal.TrimEnd('/'));
        foreach (var p in parts)
        {
            builder.Append('/').Append(p);
        }

        if (last is not null)
        {
            builder.Append('/').Append(last);
        }

        return builder.Length == 0 ? "/" : builder.ToString();
    }

    private static string Decode(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF)
        {
            return Encoding.UTF8.GetString(bytes[3..]);
        }

        if (bytes.Length >= 2 && (bytes[0] is 0xFE or 0xFF || (bytes.Length >= 4 && bytes[0] == 0 && bytes[1] == 0 && bytes[2] == 0xFE && bytes[3] == 0xFF)))
        {
            using var reader = new StreamReader(new MemoryStream(bytes.ToArray()), Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
            return reader.ReadToEnd();
        }

        return Encoding.UTF8.GetString(bytes);
    }

    private const int TypeMask = 0xF000;
    private const int RegularType = 0x8000;

    private static FileKind Stat(string path, bool follow, out long size, out long dev, out long ino)
    {
        size = dev = ino = 0;
        if (!OperatingSystem.IsLinux() && !OperatingSystem.IsMacOS() && !OperatingSystem.IsFreeBSD())
        {
            // No lstat: fall back to what .NET tells (no FIFOs or devices to fear there).
            if (Directory.Exists(path))
            {
                return FileKind.Directory;
            }

            var info = new FileInfo(path);
            if (!info.Exists)
            {
                return FileKind.Missing;
            }

            size = info.Length;
            return info.LinkTarget is not null && !follow ? FileKind.SymbolicLink : FileKind.Regular;
        }

        var status = default(NativeFileStatus);
        var rc = follow ? NativeStat(path, out status) : NativeLStat(path, out status);
        if (rc != 0)
        {
            return FileKind.Missing;
        }

        size = status.Size;
        dev = status.Dev;
        ino = status.Ino;
        return (status.Mode & TypeMask) switch
        {
            0x1000 => FileKind.Fifo,
            0x2000 => FileKind.CharacterDevice,
            0x4000 => FileKind.Directory,
            0x6000 => FileKind.BlockDevice,
            RegularType => FileKind.Regular,
            0xA000 => FileKind.SymbolicLink,
            _ => FileKind.Socket,
        };
    }

    private static int FStat(Microsoft.Win32.SafeHandles.SafeFileHandle handle, out NativeFileStatus status)
    {
        status = default;
        return OperatingSystem.IsWindows() ? -1 : NativeFStat(handle, out status);
    }

    // The runtime's own portable shim (statically linked into NativeAOT binaries): its FileStatus
    // has the same layout on every Unix, unlike libc's struct stat.
    [LibraryImport("libSystem.Native", EntryPoint = "SystemNative_LStat", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int NativeLStat(string path, out NativeFileStatus status);

    [LibraryImport("libSystem.Native", EntryPoint = "SystemNative_Stat", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int NativeStat(string path, out NativeFileStatus status);

    [LibraryImport("libSystem.Native", EntryPoint = "SystemNative_FStat", SetLastError = true)]
    private static partial int NativeFStat(Microsoft.Win32.SafeHandles.SafeFileHandle handle, out NativeFileStatus status);

    [StructLayout(LayoutKind.Sequential)]
    private struct NativeFileStatus
    {
        public int Flags;
        public int Mode;
        public uint Uid;
        public uint Gid;
        public long Size;
        public long ATime;
        public long ATimeNsec;
        public long MTime;
        public long MTimeNsec;
        public long CTime;
        public long CTimeNsec;
        public long BirthTime;
        public long BirthTimeNsec;
        public long Dev;
        public long RDev;
        public long Ino;
        public uint UserFlags;

        // Room in case a later runtime grows the struct: the shim writes, we never read past Ino.
        public long Reserved0;
        public long Reserved1;
        public long Reserved2;
        public long Reserved3;
    }
}
