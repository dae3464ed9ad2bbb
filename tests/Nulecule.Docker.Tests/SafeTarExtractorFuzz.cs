using System.Diagnostics;
using System.Formats.Tar;
using CsCheck;
using Nulecule.Docker.Images;

namespace Nulecule.Docker.Tests;

/// <summary>
/// Generated archives of names, links and hardlinks that try to climb out (`..`, `x -> .`,
/// absolute targets, links replaced by files). Whatever the archive, extraction either refuses it
/// with a <see cref="NuleculeException"/> or leaves a tree whose every link, followed on disk,
/// stays inside; and nothing is ever written beside the destination.
/// </summary>
[Trait("Category", "Fuzz")]
public sealed class SafeTarExtractorFuzz : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("nulecule-tar-fuzz-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static int Seconds =>
        int.TryParse(Environment.GetEnvironmentVariable("NULECULE_FUZZ_SECONDS"), out var s) && s > 0 ? s : 2;

    private static readonly string[] Names = ["a", "b", "x", "external", "artifacts", ".", "..", "a/b", "x/x", "", "/etc", "Nulecule"];
    private static readonly string[] Targets = [".", "..", "x/x/../..", "x/x/../../..", "a", "b/../..", "/etc/passwd", "/", "external", "a/b", "x"];

    private static readonly Gen<(int Type, string Name, string Target)> Entries = Gen.Select(
        Gen.Int[0, 4],
        Gen.Int[0, Names.Length - 1].Array[1, 3].Select(parts => string.Join('/', parts.Select(p => Names[p]))),
        Gen.Int[0, Targets.Length - 1],
        (type, name, target) => (type, name, Targets[target]));

    [Fact]
    public void Should_never_leave_the_destination_whatever_the_archive()
    {
        var run = 0;
        var slowest = TimeSpan.Zero;
        Entries.Array[1, 10].Sample(
            entries =>
            {
                var case_ = Path.Combine(_dir, $"case{run++}");
                var destination = Path.Combine(case_, "app");
                Directory.CreateDirectory(case_);
                using var tar = new MemoryStream();
                try
                {
                    using var writer = new TarWriter(tar, leaveOpen: true);
                    foreach (var (type, name, target) in entries)
                    {
                        var full = "application-entity/" + name;
                        writer.WriteEntry(type switch
                        {
                            0 => new PaxTarEntry(TarEntryType.Directory, full),
                            1 => new PaxTarEntry(TarEntryType.RegularFile, full) { DataStream = new MemoryStream([1, 2, 3]) },
                            2 => new PaxTarEntry(TarEntryType.SymbolicLink, full) { LinkName = target },
                            3 => new PaxTarEntry(TarEntryType.HardLink, full) { LinkName = "application-entity/" + target },
                            _ => new PaxTarEntry(TarEntryType.Fifo, full),
                        });
                    }
                }
                catch (ArgumentException)
                {
                    return; // An entry TarWriter itself refuses never reaches the extractor.
                }

                tar.Position = 0;
                var clock = Stopwatch.StartNew();
                try
                {
                    SafeTarExtractor.Extract(tar, destination, "fuzz", "application-entity");
                    var pending = new Stack<string>([destination]);
                    while (pending.Count > 0)
                    {
                        foreach (var path in Directory.EnumerateFileSystemEntries(pending.Pop()))
                        {
                            switch (SafeFiles.KindOf(path))
                            {
                                case FileKind.Directory:
                                    pending.Push(path);
                                    break;
                                case FileKind.SymbolicLink:
                                    Should.NotThrow(() => SafeFiles.ResolveInside(destination, Path.GetRelativePath(destination, path)), $"link {path} leads out");
                                    break;
                            }
                        }
                    }
                }
                catch (NuleculeException)
                {
                    // Refused: fine.
                }

                slowest = clock.Elapsed > slowest ? clock.Elapsed : slowest;
                clock.Elapsed.ShouldBeLessThan(TimeSpan.FromSeconds(5));
                Directory.EnumerateFileSystemEntries(case_).Where(p => Path.GetFileName(p) != "app").ShouldBeEmpty("something was written beside the destination");
                Directory.Delete(case_, recursive: true);
            },
            iter: long.MaxValue,
            time: Seconds,
            threads: 1);
        if (Environment.GetEnvironmentVariable("NULECULE_FUZZ_REPORT") is { Length: > 0 } file)
        {
            File.AppendAllText(file, $"{nameof(Should_never_leave_the_destination_whatever_the_archive)} {Seconds}s {run} archives, slowest {slowest.TotalMilliseconds:0} ms\n");
        }
    }
}
