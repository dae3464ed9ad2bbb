#nullable disable
using System.Formats.Tar;
using System.Text;
using Docker.DotNet;
using Docker.DotNet.Models;
using Nulecule.Docker.Endpoints;
using Nulecule.Docker.Images;

namespace Nulecule.Docker.Tests;

/// <summary>
/// Images crafted offline (`docker import` of a tar built here) whose /application-entity attacks
/// the fetcher: link chains, absolute links, hard links to links, devices, FIFOs, oversized files. Each must be refused
/// with nothing written outside the destination.
/// </summary>
public sealed class MaliciousImageTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("nulecule-malicious-").FullName;
    private readonly string _suffix = Guid.NewGuid().ToString("N")[..8];
    private readonly List<string> _tags = [];
    private readonly DockerClient _client = DockerConnector.CreateClient(new DockerEndpointResolver().Resolve());

    public void Dispose()
    {
        foreach (var tag in _tags)
        {
            try
            {
                _client.Images.DeleteImageAsync(tag, new ImageDeleteParameters { Force = true }).GetAwaiter().GetResult();
            }
            catch (Exception)
            {
                // Absent engine or image: nothing to clean.
            }
        }

        _client.Dispose();
        Directory.Delete(_dir, recursive: true);
    }

    private static PaxTarEntry File(string name, string content) =>
        new(TarEntryType.RegularFile, name) { DataStream = new MemoryStream(Encoding.UTF8.GetBytes(content)) };

    private static PaxTarEntry Entry(TarEntryType type, string name, string link = null) =>
        link is null ? new(type, name) : new(type, name) { LinkName = link };

    /// <summary>`docker import` of a root file system holding <paramref name="entries"/>.</summary>
    private async Task<string> Import(string name, params TarEntry[] entries)
    {
        var stream = new MemoryStream();
        using (var writer = new TarWriter(stream, leaveOpen: true))
        {
            writer.WriteEntry(Entry(TarEntryType.Directory, "application-entity/"));
            writer.WriteEntry(File("application-entity/Nulecule", "specversion: 0.0.2\nid: evil\ngraph:\n  - name: web\n    artifacts:\n      docker:\n        - file://artifacts/run\n"));
            foreach (var entry in entries)
            {
                writer.WriteEntry(entry);
            }
        }

        stream.Position = 0;
        var repository = $"nulecule-test/malicious-{name}-{_suffix}";
        _tags.Add(repository + ":1");
        await _client.Images.CreateImageAsync(new ImagesCreateParameters { FromSrc = "-", Repo = repository, Tag = "1" }, stream, null, new Progress<JSONMessage>());
        return repository + ":1";
    }

    private async Task<NuleculeException> FetchRefused(string image, long maxBytes = SafeTarExtractor.DefaultMaxBytes)
    {
        var destination = Path.Combine(_dir, "app");
        var fetcher = new ImageApplicationFetcher(_client) { MaxBytes = maxBytes };
        var error = await Should.ThrowAsync<NuleculeException>(() => fetcher.FetchWithDependenciesAsync(image, destination, _ => []));
        Directory.Exists(destination).ShouldBeFalse("nothing is left of a refused image");
        Directory.EnumerateFileSystemEntries(_dir).ShouldBeEmpty("no staging directory and nothing beside it");
        return error;
    }

    [DockerFact]
    public async Task Should_refuse_an_image_whose_link_chain_leaves_the_app()
    {
        var image = await Import("chain",
            Entry(TarEntryType.SymbolicLink, "application-entity/x", "."),
            Entry(TarEntryType.SymbolicLink, "application-entity/external", "x/x/../../root"));

        (await FetchRefused(image)).Message.ShouldContain("symbolic link leads outside the application on disk");
    }

    [DockerFact]
    public async Task Should_refuse_an_image_with_an_absolute_link()
    {
        var image = await Import("absolute", Entry(TarEntryType.SymbolicLink, "application-entity/artifacts", "/etc"));

        (await FetchRefused(image)).Message.ShouldContain("symbolic link to the absolute path /etc");
    }

    [DockerFact]
    public async Task Should_refuse_an_image_with_a_fifo()
    {
        var image = await Import("fifo", Entry(TarEntryType.Fifo, "application-entity/pipe"));

        (await FetchRefused(image)).Message.ShouldContain("Fifo entries are not allowed");
    }

    [DockerFact]
    public async Task Should_refuse_an_image_with_a_file_over_the_size_bound()
    {
        var big = new PaxTarEntry(TarEntryType.RegularFile, "application-entity/big") { DataStream = new MemoryStream(new byte[2 * 1024 * 1024]) };
        var image = await Import("big", big);

        (await FetchRefused(image, maxBytes: 1024 * 1024)).Message.ShouldContain("larger than 1 MiB");
    }

    [DockerFact]
    public async Task Should_refuse_an_image_with_a_device()
    {
        var device = new PaxTarEntry(TarEntryType.CharacterDevice, "application-entity/null") { DeviceMajor = 1, DeviceMinor = 3 };
        var image = await Import("device", device);

        (await FetchRefused(image)).Message.ShouldContain("CharacterDevice entries are not allowed");
    }

    [DockerFact]
    public async Task Should_refuse_an_image_with_a_hardlink_to_a_symbolic_link()
    {
        var image = await Import("hardlink",
            Entry(TarEntryType.SymbolicLink, "application-entity/alias", "Nulecule"),
            Entry(TarEntryType.HardLink, "application-entity/copy", "application-entity/alias"));

        // The engine keeps the second name as a hard link to the link (one inode), and the export says so.
        (await FetchRefused(image)).Message.ShouldContain("hard link to application-entity/alias, which is a symbolic link");
    }
}
