#nullable disable
using Docker.DotNet;
using Docker.DotNet.Models;
using Nulecule.Docker.Endpoints;
using Nulecule.Docker.Images;

namespace Nulecule.Docker.Tests;

/// <summary>Packages small apps as images with the engine's build endpoint, then fetches them back.</summary>
public sealed class ImageApplicationTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("nulecule-image-app-").FullName;
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

    private string MakeApp(string name, string nulecule)
    {
        var app = Path.Combine(_dir, "src", name);
        Directory.CreateDirectory(Path.Combine(app, "artifacts", "docker"));
        File.WriteAllText(Path.Combine(app, "Nulecule"), nulecule);
        File.WriteAllText(Path.Combine(app, "artifacts", "docker", "run"), $"docker run -d {TestImages.Busybox} sleep 1\n");
        File.WriteAllText(Path.Combine(app, "Dockerfile"), "FROM projectatomic/atomicapp\n");
        return app;
    }

    private async Task<string> Build(string appDir, string name)
    {
        var tag = $"nulecule-test/{name}-{_suffix}:1";
        _tags.Add(tag);
        await new ImageApplicationBuilder(_client).BuildAsync(appDir, tag, providers: ["docker"]);
        return tag;
    }

    [DockerFact]
    public async Task Should_build_an_app_image_with_labels_and_fetch_it_back()
    {
        // Given
        var app = MakeApp("hello", "id: hello\nspecversion: 0.0.2\ngraph: []\n");
        var tag = await Build(app, "hello");

        // When
        var destination = Path.Combine(_dir, "fetched");
        await new ImageApplicationFetcher(_client).FetchAsync("docker://" + tag, destination);

        // Then
        var image = await _client.Images.InspectImageAsync(tag);
        image.Config.Labels[ImageApplicationBuilder.SpecVersionLabel].ShouldBe("0.0.2");
        image.Config.Labels[ImageApplicationBuilder.ProvidersLabel].ShouldBe("docker");
        File.ReadAllText(Path.Combine(destination, "Nulecule")).ShouldBe(File.ReadAllText(Path.Combine(app, "Nulecule")));
        File.ReadAllText(Path.Combine(destination, "artifacts", "docker", "run")).ShouldContain("sleep 1");
        File.ReadAllText(Path.Combine(destination, "Dockerfile")).ShouldBe("FROM projectatomic/atomicapp\n");

        // And the helper container is gone
        var leftovers = await _client.Containers.ListContainersAsync(new ContainersListParameters { All = true });
        leftovers.ShouldNotContain(c => c.Image == tag);
    }

    [DockerFact]
    public async Task Should_fetch_nested_apps_into_external()
    {
        // Given an app whose component `db` comes from another image
        var inner = await Build(MakeApp("inner", "id: inner\nspecversion: 0.0.2\ngraph: []\n"), "inner");
        var outer = await Build(MakeApp("outer", $"id: outer\nspecversion: 0.0.2\ngraph:\n  - name: db\n    source: docker://{inner}\n"), "outer");

        // When: the caller reads each fetched Nulecule (a stand-in for the real loader)
        IEnumerable<(string, string)> Nested(string appDir) =>
            File.ReadAllText(Path.Combine(appDir, "Nulecule")).Contains("source:", StringComparison.Ordinal) ? [("db", "docker://" + inner)] : [];
        var fetched = await new ImageApplicationFetcher(_client).FetchWithDependenciesAsync(outer, Path.Combine(_dir, "app"), Nested);

        // Then
        fetched.Count.ShouldBe(2);
        File.ReadAllText(Path.Combine(_dir, "app", "external", "db", "Nulecule")).ShouldStartWith("id: inner");
    }

    [DockerFact]
    public async Task Should_refuse_an_image_without_an_application()
    {
        var error = await Should.ThrowAsync<NuleculeException>(() => new ImageApplicationFetcher(_client).FetchAsync(TestImages.Busybox, Path.Combine(_dir, "none")));

        error.Message.ShouldContain("has no /application-entity");
        Directory.Exists(Path.Combine(_dir, "none")).ShouldBeFalse();
    }

    [DockerFact]
    public async Task Should_refuse_to_overwrite_a_non_empty_destination()
    {
        var destination = Path.Combine(_dir, "busy");
        Directory.CreateDirectory(destination);
        File.WriteAllText(Path.Combine(destination, "keep"), "x");

        await Should.ThrowAsync<NuleculeException>(() => new ImageApplicationFetcher(_client).FetchAsync(TestImages.Busybox, destination));
        File.Exists(Path.Combine(destination, "keep")).ShouldBeTrue();
    }

    [Fact]
    public void Should_write_a_dockerfile_with_quoted_labels()
    {
        ImageApplicationBuilder.Dockerfile("local/busybox:latest", "0.0.2", ["docker", "kubernetes"]).ShouldBe(
            "FROM local/busybox:latest\nCOPY app/ /application-entity/\nLABEL io.projectatomic.nulecule.specversion=\"0.0.2\" io.projectatomic.nulecule.providers=\"docker,kubernetes\"\n");
    }
}
