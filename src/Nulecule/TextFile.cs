using System.Text;

namespace Nulecule;

/// <summary>Reads small text files with little allocation; decodes as File.ReadAllText does.</summary>
public static class TextFile
{
    /// <summary>
    /// The file's text: UTF-8 unless a byte order mark says otherwise (the mark itself dropped).
    /// File.ReadAllText allocates about 10 KiB of buffers per call whatever the file's size, which
    /// adds up over the thousands of artifacts of a large app; this reads the bytes once.
    /// </summary>
    public static string Read(string path)
    {
        var bytes = File.ReadAllBytes(path);
        if (bytes.Length >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF)
        {
            return Encoding.UTF8.GetString(bytes, 3, bytes.Length - 3);
        }

        // UTF-16 and UTF-32 marks (FE FF, FF FE, 00 00 FE FF): let the detecting reader decode them.
        if (bytes.Length >= 2 && (bytes[0] is 0xFE or 0xFF || (bytes.Length >= 4 && bytes[0] == 0 && bytes[1] == 0 && bytes[2] == 0xFE && bytes[3] == 0xFF)))
        {
            using var reader = new StreamReader(new MemoryStream(bytes), Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
            return reader.ReadToEnd();
        }

        return Encoding.UTF8.GetString(bytes);
    }
}
