using System.Formats.Tar;
using System.Text;
using Nulecule.Docker.Images;

namespace Nulecule.Docker.Tests;

public sealed class SafeTarExtractorTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("nulecule-extract-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Destination => Path.Combine(_dir, "out");

    private static MemoryStream Tar(params TarEntry[] entries)
    {
        var stream = new MemoryStream();
        using (var writer = new TarWriter(stream, leaveOpen: true))
        {
            foreach (var entry in entries)
            {
                writer.WriteEntry(entry);
            }
        }

        stream.Position = 0;
        return stream;
    }

    private static PaxTarEntry File(string name, string content) =>
        new(TarEntryType.RegularFile, name) { DataStream = new MemoryStream(Encoding.UTF8.GetBytes(content)) };

    private static PaxTarEntry Entry(TarEntryType type, string name, string? link = null) =>
        link is null ? new(type, name) : new(type, name) { LinkName = link };

    [Fact]
    public void Should_extract_files_directories_and_inner_links_without_the_prefix()
    {
        using var tar = Tar(
            Entry(TarEntryType.Directory, "application-entity/"),
            File("application-entity/Nulecule", "id: x"),
            Entry(TarEntryType.Directory, "application-entity/artifacts/docker/"),
            File("application-entity/artifacts/docker/run", "docker run img"),
            Entry(TarEntryType.SymbolicLink, "application-entity/artifacts/latest", "docker/run"),
            Entry(TarEntryType.HardLink, "application-entity/copy", "application-entity/Nulecule"));

        var count = SafeTarExtractor.Extract(tar, Destination, "img", "application-entity");

        count.ShouldBe(5);
        System.IO.File.ReadAllText(Path.Combine(Destination, "Nulecule")).ShouldBe("id: x");
        System.IO.File.ReadAllText(Path.Combine(Destination, "artifacts", "latest")).ShouldBe("docker run img");
        System.IO.File.ReadAllText(Path.Combine(Destination, "copy")).ShouldBe("id: x");
    }

    [Theory]
    [InlineData("/etc/passwd", "absolute path")]
    [InlineData("application-entity/../../evil", "'..'")]
    [InlineData("other/file", "outside application-entity/")]
    public void Should_refuse_bad_names(string name, string reason)
    {
        using var tar = Tar(File(name, "x"));

        var error = Should.Throw<NuleculeException>(() => SafeTarExtractor.Extract(tar, Destination, "bad:1", "application-entity"));

        error.Message.ShouldContain("bad:1");
        error.Message.ShouldContain(reason);
        System.IO.File.Exists(Path.Combine(_dir, "evil")).ShouldBeFalse();
    }

    [Theory]
    [InlineData("/etc/shadow", "absolute path")]
    [InlineData("../../../etc", "points outside")]
    public void Should_refuse_symlinks_pointing_outside(string target, string reason)
    {
        using var tar = Tar(Entry(TarEntryType.SymbolicLink, "application-entity/link", target));

        Should.Throw<NuleculeException>(() => SafeTarExtractor.Extract(tar, Destination, "img", "application-entity"))
            .Message.ShouldContain(reason);
    }

    [Fact]
    public void Should_refuse_writing_through_an_extracted_symlink()
    {
        using var tar = Tar(
            Entry(TarEntryType.Directory, "application-entity/real/"),
            Entry(TarEntryType.SymbolicLink, "application-entity/alias", "real"),
            File("application-entity/alias/file", "x"));

        Should.Throw<NuleculeException>(() => SafeTarExtractor.Extract(tar, Destination, "img", "application-entity"))
            .Message.ShouldContain("through a symbolic link");
    }

    [Theory]
    [InlineData("/etc/passwd")]
    [InlineData("etc/passwd")]
    [InlineData("application-entity/../x")]
    public void Should_refuse_hardlinks_pointing_outside(string target)
    {
        using var tar = Tar(Entry(TarEntryType.HardLink, "application-entity/h", target));

        Should.Throw<NuleculeException>(() => SafeTarExtractor.Extract(tar, Destination, "img", "application-entity"));
    }

    [Theory]
    [InlineData(TarEntryType.CharacterDevice)]
    [InlineData(TarEntryType.BlockDevice)]
    [InlineData(TarEntryType.Fifo)]
    public void Should_refuse_devices_and_fifos(TarEntryType type)
    {
        using var tar = Tar(Entry(type, "application-entity/dev"));

        Should.Throw<NuleculeException>(() => SafeTarExtractor.Extract(tar, Destination, "img", "application-entity"))
            .Message.ShouldContain($"{type} entries are not allowed");
    }

    [Fact]
    public void Should_refuse_an_archive_over_the_size_bound()
    {
        using var tar = Tar(File("application-entity/a", new string('a', 600_000)), File("application-entity/b", new string('b', 600_000)));

        Should.Throw<NuleculeException>(() => SafeTarExtractor.Extract(tar, Destination, "img", "application-entity", maxBytes: 1024 * 1024))
            .Message.ShouldContain("larger than 1 MiB");
    }

    [Fact]
    public void Should_refuse_a_link_chain_that_leaves_on_disk_though_not_in_its_text()
    {
        // x -> . makes x/x/.. climb out of the root; the text of the target stays inside.
        using var tar = Tar(
            Entry(TarEntryType.SymbolicLink, "application-entity/x", "."),
            Entry(TarEntryType.SymbolicLink, "application-entity/external", "x/x/../../escaped"));

        var error = Should.Throw<NuleculeException>(() => SafeTarExtractor.Extract(tar, Destination, "img", "application-entity"));

        error.Message.ShouldContain("entry 'application-entity/external': symbolic link leads outside the application on disk");
    }

    [Fact]
    public void Should_refuse_a_hardlink_to_a_symbolic_link()
    {
        using var tar = Tar(
            File("application-entity/Nulecule", "id: x"),
            Entry(TarEntryType.SymbolicLink, "application-entity/alias", "Nulecule"),
            Entry(TarEntryType.HardLink, "application-entity/copy", "application-entity/alias"));

        Should.Throw<NuleculeException>(() => SafeTarExtractor.Extract(tar, Destination, "img", "application-entity"))
            .Message.ShouldContain("hard link to application-entity/alias, which is a symbolic link");
    }

    [Fact]
    public void Should_refuse_a_file_written_over_an_earlier_symbolic_link()
    {
        var outside = Path.Combine(_dir, "outside");
        System.IO.File.WriteAllText(outside, "host");
        using var tar = Tar(
            Entry(TarEntryType.SymbolicLink, "application-entity/f", "g"),
            File("application-entity/f", "overwritten"));

        Should.Throw<NuleculeException>(() => SafeTarExtractor.Extract(tar, Destination, "img", "application-entity"))
            .Message.ShouldContain("it would replace a symbolic link extracted before it");
        System.IO.File.ReadAllText(outside).ShouldBe("host");
    }

    [Fact]
    public void Should_extract_only_into_a_fresh_directory()
    {
        Directory.CreateDirectory(Destination);
        System.IO.File.WriteAllText(Path.Combine(Destination, "planted"), "x");
        using var tar = Tar(File("application-entity/Nulecule", "id: x"));

        Should.Throw<InvalidOperationException>(() => SafeTarExtractor.Extract(tar, Destination, "img", "application-entity"))
            .Message.ShouldContain("must be a fresh directory");
    }

    [Fact]
    public void Should_refuse_a_file_where_a_directory_was_extracted()
    {
        // Found by SafeTarExtractorFuzz: this was an UnauthorizedAccessException, a crash.
        using var tar = Tar(
            Entry(TarEntryType.Directory, "application-entity/a/b/"),
            File("application-entity/a", "x"));

        Should.Throw<NuleculeException>(() => SafeTarExtractor.Extract(tar, Destination, "img", "application-entity"))
            .Message.ShouldContain("entry 'application-entity/a': it would replace a directory extracted before it");
    }
}
