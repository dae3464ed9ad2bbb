using System.Net;
using Nulecule.Actions;
using Nulecule.Kubernetes.Tests.Support;
using Nulecule.Providers;
using Nulecule.Spec;

namespace Nulecule.Kubernetes.Tests.Examples;

/// <summary>
/// examples/wordpress on the real cluster, in a namespace of its own: the nested MariaDB app taken
/// from its image, both Deployments ready, the site reached through its NodePort on 127.0.0.1.
/// </summary>
public sealed class WordPressExampleTests : IClassFixture<TestNamespace>, IDisposable
{
    private const string DatabaseError = "Error establishing a database connection";
    private const string Release = "wordpress";

    private readonly TestNamespace _ns;
    private readonly string _app;
    private readonly KubernetesProvider _provider;
    private readonly HttpClient _http = new(new HttpClientHandler { AllowAutoRedirect = true }) { Timeout = TimeSpan.FromSeconds(120) };

    public WordPressExampleTests(TestNamespace ns)
    {
        _ns = ns;
        _app = CopyExample();
        _provider = new KubernetesProvider(Cluster.Settings(ns.Name));
    }

    public void Dispose()
    {
        try
        {
            _provider.StopAsync(Release, new StopOptions { Timeout = TimeSpan.FromSeconds(30) }, CancellationToken.None).GetAwaiter().GetResult();
        }
        catch (Exception)
        {
            // No cluster (the test was skipped) or nothing deployed; the namespace goes anyway.
        }

        _http.Dispose();
        Directory.Delete(_app, recursive: true);
    }

    [WordPressClusterFact]
    public async Task Should_serve_the_install_page_through_the_node_port_backed_by_the_nested_database()
    {
        // Given: the example with its nested app extracted from local/nulecule-mariadb:1
        foreach (var nested in NuleculeLoader.Load(_app).GetOrThrow().Graph.Where(c => c.IsNested))
        {
            ExtractApplication(nested.Source!["docker://".Length..], Path.Combine(_app, "external", nested.Name));
        }

        var nodePort = await FreeNodePortAsync();
        var rendered = await RenderAction.RunAsync(new RenderOptions
        {
            AppPath = _app,
            Provider = "kubernetes",
            // A numeric password: it must still reach the pods as a string.
            Sets = ["db_user=wp_test", "db_name=wp_test", "db_pass=12345", "root_pass=r00t-pw", $"wordpress.node_port={nodePort}"],
        });

        // When
        var result = await _provider.RunAsync(rendered.App, new RunOptions { Release = Release, Wait = true, Timeout = TimeSpan.FromMinutes(3) }, CancellationToken.None);

        // Then: the database's objects first, all in the test's namespace
        result.Objects.Select(o => $"{o.Component} {o.Kind}/{o.Name}").ShouldBe([
            "mariadb:mariadb Deployment/mariadb", "mariadb:mariadb Service/mariadb",
            "wordpress Deployment/wordpress", "wordpress Service/wordpress",
        ]);
        result.Objects.ShouldAllBe(o => o.Namespace == _ns.Name);
        var service = (await _ns.GetAsync($"/api/v1/namespaces/{_ns.Name}/services/wordpress"))!;
        ((string?)service["spec"]!["type"]).ShouldBe("NodePort");
        ((int?)service["spec"]!["ports"]![0]!["nodePort"]).ShouldBe(nodePort);

        // Then: / redirects to the installer, which reached the database through the mariadb Service
        var site = $"http://127.0.0.1:{nodePort}";
        using var install = await AnsweredAsync($"{site}/");
        var installPage = await install.Content.ReadAsStringAsync();
        install.StatusCode.ShouldBe(HttpStatusCode.OK, installPage);
        install.RequestMessage!.RequestUri!.AbsolutePath.ShouldBe("/wp-admin/install.php");
        installPage.ShouldContain("<title>WordPress &rsaquo; Installation</title>");
        installPage.ShouldContain("name=\"weblog_title\"");
        installPage.ShouldNotContain(DatabaseError);

        // When: the installation is completed
        var title = "Nulecule on Kubernetes " + _ns.Name;
        using var form = WordPressInstall.Form(title);
        using var installed = await _http.PostAsync($"{site}/wp-admin/install.php?step=2", form);

        // Then: a new request reads the site's title back from the database
        (await installed.Content.ReadAsStringAsync()).ShouldContain("<h1>Success!</h1>");
        using var home = await _http.GetAsync($"{site}/");
        home.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await home.Content.ReadAsStringAsync()).ShouldContain($"<title>{title}</title>");
    }

    /// <summary>What `nulecule fetch` does for a nested app: copy the image's /application-entity.</summary>
    private static void ExtractApplication(string image, string destination)
    {
        var (created, id) = DockerCli.Run("create", image);
        created.ShouldBe(0, id);
        id = id.Trim();
        try
        {
            Directory.CreateDirectory(destination);
            var (copied, output) = DockerCli.Run("cp", $"{id}:/application-entity/.", destination);
            copied.ShouldBe(0, output);
        }
        finally
        {
            DockerCli.Run("rm", id);
        }

        File.Exists(Path.Combine(destination, "Nulecule")).ShouldBeTrue();
    }

    /// <summary>A NodePort no Service of the cluster holds (other test classes run alongside).</summary>
    private async Task<int> FreeNodePortAsync()
    {
        var used = (await _ns.ListAsync("/api/v1/services"))
            .SelectMany(s => s["spec"]?["ports"]?.AsArray() ?? [])
            .Select(p => (int?)p?["nodePort"])
            .OfType<int>()
            .ToHashSet();
        int port;
        do
        {
            port = Random.Shared.Next(31000, 32700);
        }
        while (used.Contains(port));
        return port;
    }

    private static string CopyExample()
    {
        var source = AppContext.BaseDirectory;
        while (source is not null && !File.Exists(Path.Combine(source, "examples", "wordpress", "Nulecule")))
        {
            source = Path.GetDirectoryName(source);
        }

        source = Path.Combine(source ?? throw new InvalidOperationException("examples/wordpress not found"), "examples", "wordpress");
        var target = Path.Combine(Path.GetTempPath(), $"nulecule-example-wordpress-{Guid.NewGuid():N}");
        Directory.CreateDirectory(target);
        File.Copy(Path.Combine(source, "Nulecule"), Path.Combine(target, "Nulecule"));
        foreach (var file in Directory.GetFiles(Path.Combine(source, "artifacts"), "*", SearchOption.AllDirectories))
        {
            var copy = Path.Combine(target, Path.GetRelativePath(source, file));
            Directory.CreateDirectory(Path.GetDirectoryName(copy)!);
            File.Copy(file, copy);
        }

        return target;
    }

    /// <summary>
    /// The NodePort answers once kube-proxy has programmed it, which can lag the pods' readiness by
    /// a few seconds on a loaded machine: connection refusals are retried for up to 30 s.
    /// </summary>
    private async Task<HttpResponseMessage> AnsweredAsync(string url)
    {
        for (var i = 0; ; i++)
        {
            try
            {
                return await _http.GetAsync(url);
            }
            catch (HttpRequestException) when (i < 60)
            {
                await Task.Delay(500);
            }
        }
    }
}
