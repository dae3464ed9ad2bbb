using System.Net;
using Docker.DotNet;
using Docker.DotNet.Models;
using Nulecule.Actions;
using Nulecule.Docker.Endpoints;
using Nulecule.Docker.Images;
using Nulecule.Providers;
using Nulecule.Spec;

namespace Nulecule.Docker.Tests.Examples;

/// <summary>
/// examples/wordpress end to end on the real engine: the nested MariaDB app fetched from its
/// image, rendered and run with the docker provider, then WordPress's installer driven over HTTP.
/// </summary>
public sealed class WordPressExampleTests : IDisposable
{
    private const string DatabaseError = "Error establishing a database connection";

    // Quotes, a backslash, a space and a dollar: the images' entrypoints must pass it through intact.
    private const string DbPassword = "s3'cr\"et\\ pw$x";

    private readonly string _release = "wp-" + Guid.NewGuid().ToString("N")[..8];
    private readonly string _app = ExampleApp.CopyToTemp("wordpress");
    private readonly DockerClient _client = DockerConnector.CreateClient(new DockerEndpointResolver().Resolve());
    private readonly DockerProvider _provider;
    private readonly HttpClient _http = new(new HttpClientHandler { AllowAutoRedirect = true }) { Timeout = TimeSpan.FromSeconds(30) };

    public WordPressExampleTests()
    {
        _provider = new DockerProvider(_client, "test") { PollInterval = TimeSpan.FromMilliseconds(250) };
    }

    public void Dispose()
    {
        try
        {
            _provider.StopAsync(_release, new StopOptions { RemoveVolumes = true, Timeout = TimeSpan.FromSeconds(5) }, CancellationToken.None).GetAwaiter().GetResult();
        }
        catch (Exception)
        {
            // No engine (the test was skipped) or nothing deployed.
        }

        _http.Dispose();
        _client.Dispose();
        Directory.Delete(_app, recursive: true);
    }

    [WordPressFact]
    public async Task Should_serve_the_install_page_backed_by_the_nested_database_and_install()
    {
        // Given: the example with its nested app fetched from local/nulecule-mariadb:1
        var fetcher = new ImageApplicationFetcher(_client);
        foreach (var nested in NuleculeLoader.Load(_app).GetOrThrow().Graph.Where(c => c.IsNested))
        {
            await fetcher.FetchWithDependenciesAsync(nested.Source!, Path.Combine(_app, "external", nested.Name), NestedSources);
        }

        File.Exists(Path.Combine(_app, "external", "mariadb", "Nulecule")).ShouldBeTrue();
        var port = ExampleApp.FreePort();
        var rendered = await RenderAction.RunAsync(new RenderOptions
        {
            AppPath = _app,
            Provider = "docker",
            Sets = ["db_user=wp_test", "db_name=wp_test", $"db_pass={DbPassword}", "root_pass=r00t-pw", $"wordpress.hostport={port}"],
        });
        rendered.App.Components.Select(c => c.Scope).ShouldBe(["mariadb:mariadb", "wordpress"]);

        // When
        var result = await _provider.RunAsync(rendered.App, new RunOptions { Release = _release, Wait = true, Timeout = TimeSpan.FromMinutes(3) }, CancellationToken.None);

        // Then: both containers came up healthy, the database first
        result.Objects.Where(o => o.Kind == "container").Select(o => o.Name).ShouldBe([$"{_release}-mariadb", $"{_release}-wordpress"]);
        var status = await _provider.StatusAsync(_release, CancellationToken.None);
        status.Components.SelectMany(c => c.Objects).ShouldAllBe(o => o.Ready && o.Health == "healthy");

        // Then: / redirects to the installer, which reached the database (it says so otherwise)
        var site = $"http://127.0.0.1:{port}";
        using var install = await _http.GetAsync($"{site}/");
        var installPage = await install.Content.ReadAsStringAsync();
        install.StatusCode.ShouldBe(HttpStatusCode.OK, installPage);
        install.RequestMessage!.RequestUri!.AbsolutePath.ShouldBe("/wp-admin/install.php");
        installPage.ShouldContain("<title>WordPress &rsaquo; Installation</title>");
        installPage.ShouldContain("action=\"install.php?step=2\"");
        installPage.ShouldContain("name=\"weblog_title\"");
        installPage.ShouldContain("name=\"language\"");
        installPage.ShouldNotContain(DatabaseError);

        // When: the installation is completed
        var title = "Nulecule " + _release;
        using var form = WordPressInstall.Form(title);
        using var installed = await _http.PostAsync($"{site}/wp-admin/install.php?step=2", form);
        var installedPage = await installed.Content.ReadAsStringAsync();

        // Then: WordPress wrote its tables into the nested app's database, as db_user
        installed.StatusCode.ShouldBe(HttpStatusCode.OK);
        installedPage.ShouldContain("<h1>Success!</h1>");
        var (exit, stdout, stderr) = await ExecAsync($"{_release}-mariadb",
            ["mariadb", "--batch", "--skip-column-names", "wp_test", "-e", "SELECT option_value FROM wp_options WHERE option_name = 'blogname'"]);
        (exit, stdout.Trim()).ShouldBe((0L, title), stderr);
        using var home = await _http.GetAsync($"{site}/");
        (await home.Content.ReadAsStringAsync()).ShouldContain($"<title>{title}</title>");

        // And: without the database the same site reports the error the checks above rule out
        await _client.Containers.StopContainerAsync($"{_release}-mariadb", new ContainerStopParameters { WaitBeforeKillSeconds = 10 });
        using var down = await _http.GetAsync($"{site}/");
        down.StatusCode.ShouldBe(HttpStatusCode.InternalServerError);
        (await down.Content.ReadAsStringAsync()).ShouldContain(DatabaseError);
    }

    private static IEnumerable<(string Name, string Image)> NestedSources(string appDir) =>
        NuleculeLoader.Load(appDir).GetOrThrow().Graph.Where(c => c.IsNested).Select(c => (c.Name, c.Source!)).ToList();

    /// <summary>`docker exec CONTAINER COMMAND...`: the exit code and both outputs.</summary>
    private async Task<(long ExitCode, string Stdout, string Stderr)> ExecAsync(string container, IList<string> command)
    {
        var exec = await _client.Exec.CreateContainerExecAsync(container, new ContainerExecCreateParameters { Cmd = command, AttachStdout = true, AttachStderr = true });
        using var stream = await _client.Exec.StartContainerExecAsync(exec.ID, new ContainerExecStartParameters(), CancellationToken.None);
        var (stdout, stderr) = await stream.ReadOutputToEndAsync(CancellationToken.None);
        var inspect = await _client.Exec.InspectContainerExecAsync(exec.ID);
        return (inspect.ExitCode ?? -1, stdout, stderr);
    }
}
