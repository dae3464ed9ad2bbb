using System.Text;

namespace Nulecule.Tests;

public class TextFileTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("nulecule-textfile-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    public static TheoryData<string, string> Encodings() => new()
    {
        { "utf-8", "kind: Pod # é ✓\n" },
        { "utf-8-bom", "kind: Pod # é ✓\n" },
        { "utf-16le-bom", "kind: Pod # é ✓\n" },
        { "utf-16be-bom", "kind: Pod # é ✓\n" },
        { "utf-32le-bom", "kind: Pod # é ✓\n" },
        { "utf-32be-bom", "kind: Pod # é ✓\n" },
        { "empty", "" },
        { "invalid-utf-8", "" },
    };

    [Theory]
    [MemberData(nameof(Encodings))]
    public void Should_decode_every_file_exactly_as_File_ReadAllText_does(string encoding, string text)
    {
        byte[] bytes = encoding switch
        {
            "utf-8" or "empty" => Encoding.UTF8.GetBytes(text),
            "utf-8-bom" => [.. Encoding.UTF8.GetPreamble(), .. Encoding.UTF8.GetBytes(text)],
            "utf-16le-bom" => [.. Encoding.Unicode.GetPreamble(), .. Encoding.Unicode.GetBytes(text)],
            "utf-16be-bom" => [.. Encoding.BigEndianUnicode.GetPreamble(), .. Encoding.BigEndianUnicode.GetBytes(text)],
            "utf-32le-bom" => [.. Encoding.UTF32.GetPreamble(), .. Encoding.UTF32.GetBytes(text)],
            "utf-32be-bom" => [.. new UTF32Encoding(true, true).GetPreamble(), .. new UTF32Encoding(true, true).GetBytes(text)],
            "invalid-utf-8" => [0x61, 0xC3, 0x28, 0xFF, 0x62],
            _ => throw new ArgumentOutOfRangeException(nameof(encoding)),
        };
        var path = Path.Combine(_dir, encoding);
        File.WriteAllBytes(path, bytes);

        TextFile.Read(path).ShouldBe(File.ReadAllText(path));
        if (encoding != "invalid-utf-8")
        {
            TextFile.Read(path).ShouldBe(text);
        }
    }
}
