namespace Nulecule;

/// <summary>Reads small text files: regular files only, bounded (see <see cref="SafeFiles"/>).</summary>
public static class TextFile
{
    /// <summary>
    /// The file's text: UTF-8 unless a byte order mark says otherwise (the mark itself dropped).
    /// Refuses FIFOs, devices and files over <paramref name="maxBytes"/> with an
    /// <see cref="UnsafeFileException"/>.
    /// </summary>
    public static string Read(string path, long maxBytes = SafeFiles.MaxArtifactBytes) => SafeFiles.ReadText(path, maxBytes);
}
