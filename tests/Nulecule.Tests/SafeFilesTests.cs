namespace Nulecule.Tests;

public sealed class SafeFilesTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("nulecule-safefiles-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private string App => Path.Combine(_root, "app");

    private void Link(string path, string target)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.Combine(App, path))!);
        File.CreateSymbolicLink(Path.Combine(App, path), target);
    }

    [Fact]
    public void Should_follow_links_that_stay_inside_and_keep_missing_components()
    {
        Directory.CreateDirectory(Path.Combine(App, "artifacts", "docker"));
        File.WriteAllText(Path.Combine(App, "artifacts", "docker", "run"), "x");
        Link("latest", "artifacts/docker");
        Link("abs", Path.Combine(App, "artifacts"));

        SafeFiles.ResolveInside(App, "latest/run").ShouldBe(Path.Combine(App, "artifacts", "docker", "run"));
        SafeFiles.ResolveInside(App, "abs/docker/run").ShouldBe(Path.Combine(App, "artifacts", "docker", "run"));
        SafeFiles.ResolveInside(App, "new/dir/file").ShouldBe(Path.Combine(App, "new", "dir", "file"));
    }

    [Fact]
    public void Should_refuse_a_link_chain_whose_text_stays_inside()
    {
        // x -> . ; external -> x/x/../../outside : as text app/outside, on disk _root/../outside.
        Directory.CreateDirectory(App);
        Link("x", ".");
        Link("external", "x/x/../../outside");

        Should.Throw<UnsafeFileException>(() => SafeFiles.ResolveInside(App, "external/inner"))
            .Message.ShouldBe($"'external/inner' leads outside {App}");
    }

    [Theory]
    [InlineData("up", "..")]
    [InlineData("etc", "/etc")]
    [InlineData("deep", "a/../../x")]
    public void Should_refuse_links_that_leave_the_root(string name, string target)
    {
        Directory.CreateDirectory(App);
        Link(name, target);

        Should.Throw<UnsafeFileException>(() => SafeFiles.ResolveInside(App, name + "/file")).Message.ShouldContain("leads outside");
    }

    [Fact]
    public void Should_refuse_a_link_loop()
    {
        Directory.CreateDirectory(App);
        Link("a", "b");
        Link("b", "a");

        Should.Throw<UnsafeFileException>(() => SafeFiles.ResolveInside(App, "a")).Message.ShouldContain("more than 40 symbolic links");
    }

    [Fact]
    public void Should_read_only_regular_files_within_the_limit()
    {
        Directory.CreateDirectory(App);
        var file = Path.Combine(App, "f");
        File.WriteAllText(file, "\uFEFFhello");
        var big = Path.Combine(App, "big");
        using (var stream = File.Create(big))
        {
            stream.SetLength(2049);
        }

        SafeFiles.ReadText(file, 100).ShouldBe("hello");
        Should.Throw<UnsafeFileException>(() => SafeFiles.ReadText(big, 2048)).Message.ShouldBe($"{big} is larger than the limit of 2048 bytes");
        Should.Throw<UnsafeFileException>(() => SafeFiles.ReadText("/dev/zero", 2048)).Message.ShouldBe("/dev/zero is a character device, not a regular file");
        Should.Throw<UnsafeFileException>(() => SafeFiles.ReadText(App, 2048)).Message.ShouldBe($"{App} is a directory, not a regular file");
        Should.Throw<FileNotFoundException>(() => SafeFiles.ReadText(Path.Combine(App, "none"), 2048));
    }

    [Fact]
    public void Should_read_files_of_every_size_through_the_pooled_buffer()
    {
        Directory.CreateDirectory(App);

        // Sizes around the pool's buckets, one after another (a buffer handed back and taken
        // again must not leak a longer file's tail into a shorter one), non-ASCII included.
        var random = new Random(14);
        foreach (var length in new[] { 0, 1, 15, 16, 17, 4095, 4096, 4097, 70_000, 3, 1_100_000, 5 })
        {
            var text = new string([.. Enumerable.Range(0, length).Select(_ => "ab\nc\u00e9\u2603"[random.Next(6)])]);
            var file = Path.Combine(App, $"f{length}");
            File.WriteAllText(file, text);
            SafeFiles.ReadText(file, 4 * 1024 * 1024).ShouldBe(text);
        }

        // A file whose size says 0 (as /proc files do) is read on past its size, up to the limit.
        if (File.Exists("/proc/self/mountinfo"))
        {
            var mounts = SafeFiles.ReadText("/proc/self/mountinfo", 16 * 1024 * 1024);
            mounts.ShouldContain(" / ");
            Should.Throw<UnsafeFileException>(() => SafeFiles.ReadText("/proc/self/mountinfo", 10)).Message.ShouldBe("/proc/self/mountinfo is larger than the limit of 10 bytes");
        }
    }

    [Fact]
    public async Task Should_refuse_a_fifo_without_opening_it()
    {
        Directory.CreateDirectory(App);
        var fifo = Path.Combine(App, "pipe");
        using (var mkfifo = System.Diagnostics.Process.Start("mkfifo", [fifo]))
        {
            await mkfifo.WaitForExitAsync();
        }

        SafeFiles.KindOf(fifo).ShouldBe(FileKind.Fifo);
        var read = Task.Run(() => SafeFiles.ReadText(fifo, 100));
        (await Task.WhenAny(read, Task.Delay(TimeSpan.FromSeconds(10)))).ShouldBe(read, "reading a FIFO must not block");
        (await Should.ThrowAsync<UnsafeFileException>(read)).Message.ShouldBe($"{fifo} is a FIFO (named pipe), not a regular file");
    }
}
