namespace Nulecule.Cli.Tests.EndToEnd;

public sealed class DockerFactAttribute : FactAttribute
{
    public DockerFactAttribute()
    {
        Skip = DockerEngine.Unavailable ?? (DockerEngine.Missing(["local/busybox:latest"]).Count > 0 ? "image local/busybox:latest is missing (scripts/build-test-images.sh builds it)" : null);
    }
}

public sealed class DockerTheoryAttribute : TheoryAttribute
{
    public DockerTheoryAttribute()
    {
        Skip = new DockerFactAttribute().Skip;
    }
}

/// <summary>An app shipped as an image: `build`, then `run IMAGE`, `fetch IMAGE`, `stop`, through the command.</summary>
public sealed class ImageAppTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "nulecule-image-" + Guid.NewGuid().ToString("N")[..10]);
    private readonly string _tag = "local/nulecule-test-app:" + Guid.NewGuid().ToString("N")[..8];
    private readonly string _release = "img-" + Guid.NewGuid().ToString("N")[..8];
    private readonly Dictionary<string, string> _env;

    public ImageAppTests()
    {
        Directory.CreateDirectory(_dir);
        _env = new Dictionary<string, string> { ["NO_COLOR"] = "1", ["NULECULE_STATE_DIR"] = Path.Combine(_dir, "state"), ["HOME"] = Environment.GetEnvironmentVariable("HOME") ?? "/root" };
    }

    private Task<Cli.Result> Run(params string[] args) => Cli.RunAsync(args, _env);

    [DockerFact]
    public async Task Should_build_an_app_image_then_run_and_fetch_it_by_image_name()
    {
        // Given: an app packaged as an image
        var app = Path.Combine(_dir, "app");
        (await Run("init", "imgapp", "--destination", app)).ExitCode.ShouldBe(0);
        var build = await Run("build", app, "-t", _tag);
        build.ExitCode.ShouldBe(0, build.Stderr);

        // When
        var run = await Run("run", _tag, "--provider", "docker", "--name", _release, "--set", $"web.port={FreePort()}", "--wait");
        var status = await Run("status", _release, "-o", "json");
        var fetch = await Run("fetch", _tag, "--destination", Path.Combine(_dir, "fetched"));
        var stop = await Run("stop", _release);

        // Then
        run.ExitCode.ShouldBe(0, run.Stderr);
        run.Stderr.ShouldContain($"fetching {_tag}");
        status.Stdout.ShouldContain("\"ready\": true");
        fetch.ExitCode.ShouldBe(0, fetch.Stderr);
        File.ReadAllText(Path.Combine(_dir, "fetched", "Nulecule")).ShouldContain("id: imgapp");
        stop.ExitCode.ShouldBe(0, stop.Stderr);
        (await Run("status", _release)).ExitCode.ShouldBe(4);
    }

    private static int FreePort()
    {
        var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    public void Dispose()
    {
        Run("stop", _release).GetAwaiter().GetResult();
        using var client = DockerEngine.Client();
        try
        {
            client.Images.DeleteImageAsync(_tag, new global::Docker.DotNet.Models.ImageDeleteParameters { Force = true }).GetAwaiter().GetResult();
        }
        catch (global::Docker.DotNet.DockerApiException)
        {
        }

        Directory.Delete(_dir, recursive: true);
    }
}
