using System.IO.Compression;

namespace Nulecule.Cli.Tests.Packaging;

/// <summary>
/// scripts/pack.sh as CI runs it (`--no-aot`: the pointer and the framework-dependent `any`
/// package; the NativeAOT one takes minutes to compile and is checked by scripts/check-packages.sh),
/// then `dotnet tool install` from that folder feed and the installed command, as a user gets it.
/// </summary>
public class ToolPackageTests
{
    [Fact]
    public async Task Should_install_from_the_local_feed_and_run_version()
    {
        // Given: the packages, built from this checkout into a fresh feed (nothing of src/*/bin used)
        using var work = new TempDir();
        var feed = Path.Combine(work.Path, "nupkg");
        var before = BuildFolders();
        var pack = await Processes.RunAsync("bash", ["scripts/pack.sh", "--no-aot", feed],
            environment: new Dictionary<string, string> { ["OUT"] = Path.Combine(work.Path, "out") }, timeout: TimeSpan.FromMinutes(4));
        pack.ExitCode.ShouldBe(0, pack.ToString());
        BuildFolders().ShouldBe(before, "packing wrote into src/*/bin or src/*/obj, which the normal build uses");
        Directory.GetFiles(feed).Select(Path.GetFileName).Order(StringComparer.Ordinal)
            .ShouldBe(["nulecule.0.1.0.nupkg", "nulecule.any.0.1.0.nupkg"]);
        Directory.GetFiles(Path.Combine(work.Path, "out", "man"), "*.1").ShouldContain(f => f.EndsWith("/nulecule.1", StringComparison.Ordinal));
        PackageTypes(Path.Combine(feed, "nulecule.0.1.0.nupkg")).ShouldContain("DotnetTool");
        PackageTypes(Path.Combine(feed, "nulecule.any.0.1.0.nupkg")).ShouldContain("DotnetToolRidPackage");

        // When: installed as the README says, with a package cache and sources of its own
        // (nothing from an earlier install, no network)
        var tools = Path.Combine(work.Path, "tools");
        var config = Path.Combine(work.Path, "nuget.config");
        await File.WriteAllTextAsync(config, "<configuration><packageSources><clear /></packageSources></configuration>");
        var nuget = new Dictionary<string, string> { ["NUGET_PACKAGES"] = Path.Combine(work.Path, "packages") };
        var install = await Processes.RunAsync("dotnet", ["tool", "install", "--tool-path", tools, "--add-source", feed, "--configfile", config, "nulecule"],
            directory: work.Path, environment: nuget, timeout: TimeSpan.FromMinutes(2));
        install.ExitCode.ShouldBe(0, install.ToString());

        // Then: the installed command answers, from the `any` package (the only one the pointer names)
        var version = await Processes.RunAsync(Path.Combine(tools, "nulecule"), ["version", "-o", "json", "--kubeconfig", "/nonexistent"],
            directory: work.Path, environment: new Dictionary<string, string> { ["DOCKER_HOST"] = "unix:///nonexistent/docker.sock" });
        version.ExitCode.ShouldBe(0, version.ToString());
        version.Stdout.ShouldContain("\"version\": \"0.1.0\"");
        Directory.GetFiles(Path.Combine(tools, ".store", "nulecule"), "nulecule.dll", SearchOption.AllDirectories).ShouldNotBeEmpty();
        var help = await Processes.RunAsync(Path.Combine(tools, "nulecule"), ["run", "--help"], directory: work.Path);
        help.Stdout.ShouldContain("nulecule run hello --provider docker --wait");
    }

    /// <summary>Every file of the normal build (src/*/bin, src/*/obj) with its size and time.</summary>
    private static List<string> BuildFolders() =>
    [
        .. Directory.GetDirectories(Repo.Path("src"))
            .SelectMany(project => new[] { "bin", "obj" }.Select(d => Path.Combine(project, d)))
            .Where(Directory.Exists)
            .SelectMany(d => Directory.EnumerateFiles(d, "*", SearchOption.AllDirectories))
            .Select(f => new FileInfo(f))
            .Select(f => $"{f.FullName} {f.Length} {f.LastWriteTimeUtc.Ticks}")
            .Order(StringComparer.Ordinal),
    ];

    private static List<string> PackageTypes(string nupkg)
    {
        using var zip = ZipFile.OpenRead(nupkg);
        var nuspec = zip.Entries.Single(e => e.FullName.EndsWith(".nuspec", StringComparison.Ordinal));
        using var reader = new StreamReader(nuspec.Open());
        var doc = System.Xml.Linq.XDocument.Parse(reader.ReadToEnd());
        return [.. doc.Descendants().Where(e => e.Name.LocalName == "packageType").Select(e => (string)e.Attribute("name")!)];
    }
}
