using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using k8s;
using k8s.Models;
using Nulecule.Docker.Endpoints;
using Nulecule.Providers;

namespace Nulecule.Cli.Tests.EndToEnd;

/// <summary>
/// `nulecule import` end to end: each compose file of docs/import is imported into a fresh
/// directory and the app it gives runs with `run --wait`, every service is ready in `status`, the
/// services reach each other by the names the compose file wires them with (asked right after
/// `run` returns, with no retry), and `stop` leaves nothing. The five apps on docker, on a
/// single-node swarm and on the Kubernetes testbed (where the test makes hostPath volumes for the
/// imported claims). No registry is reachable: the image params are set to
/// local images (WordPress and MariaDB from scripts/build-wordpress-images.sh, busybox stand-ins
/// from scripts/build-import-images.sh); the hidden params are canaries that no output may show.
/// </summary>
public sealed class ImportedAppsTests : IAsyncLifetime
{
    private const string WordPressImages = "local/mariadb:10 local/wordpress:6";
    private const string StandInImages = "local/import-web:1 local/import-db:1";
    private const string WordPressPassword = "wp-canary-4f1c9e";
    private const string RootPassword = "root-canary-83d0a2";
    private const string DbPassword = "db-canary-c71b55";
    private const string ApiKey = "key-canary-0e92d4";
    private static readonly string[] Canaries = [WordPressPassword, RootPassword, DbPassword, ApiKey];

    private readonly string _root = Directory.CreateTempSubdirectory("nulecule-import-e2e-").FullName;
    private readonly Dictionary<string, string> _environment;
    private readonly List<Func<Task>> _cleanup = [];
    private readonly List<Cli.Result> _outputs = [];

    public ImportedAppsTests()
    {
        _environment = new Dictionary<string, string> { ["NO_COLOR"] = "1", ["NULECULE_STATE_DIR"] = Path.Combine(_root, "state") };
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var cleanup in Enumerable.Reverse(_cleanup))
        {
            try
            {
                await cleanup();
            }
            catch (Exception)
            {
                // Best effort: a failed test's leftovers; the assertions already said what was wrong.
            }
        }

        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Files a container wrote as another user: the temp directory is cleaned later.
        }
    }

    // ---- docker: all five ------------------------------------------------------------------

    [ImportedAppFact(ImportEngine.Docker, WordPressImages)]
    public async Task WordPress_runs_on_docker_reaches_its_database_by_name_and_stops_leaving_nothing()
    {
        var port = Probes.FreePort();
        var release = await RunOnDockerAsync("wordpress", ["db", "wordpress"], WordPressSets($"WORDPRESS_PORT={port}"));

        // db resolves from the web container at once, and WordPress reached it: a database it cannot reach is a 500 page.
        (await DockerExecAsync(release, "wordpress", "getent", "hosts", "db")).ShouldContain(" db");
        (await Probes.GetAsync($"http://127.0.0.1:{port}/", TimeSpan.FromSeconds(60))).ShouldContain("WordPress");

        await StopOnDockerAsync(release);
    }

    [ImportedAppFact(ImportEngine.Docker, StandInImages)]
    public async Task Three_tier_app_runs_on_docker_each_tier_reaching_the_next_and_stops_leaving_nothing()
    {
        var port = Probes.FreePort();
        var release = await RunOnDockerAsync("three-tier", ["db", "api", "proxy"], ThreeTierSets($"PROXY_PORT={port}"));

        // deploy.replicas from API_REPLICAS: two API containers; each tier reaches the next by its service name.
        (await DockerAsync("ps", "-q", "--filter", $"label={Labels.Release}={release}", "--filter", $"label={Labels.Component}=api")).Split('\n', StringSplitOptions.RemoveEmptyEntries).Length.ShouldBe(2);
        (await DockerExecAsync(release, "proxy", "wget", "-q", "-O-", "http://api:8000/health")).ShouldBe("ok\n");
        (await DockerExecAsync(release, "api", "wget", "-q", "-O-", "http://db:5432/health")).ShouldBe("ok\n");
        (await DockerExecAsync(release, "api", "sh", "-c", "echo $DATABASE_URL")).ShouldBe($"postgres://shop:{DbPassword}@db:5432/shop\n");
        (await Probes.GetAsync($"http://127.0.0.1:{port}/")).ShouldContain("nulecule import stand-in");

        await StopOnDockerAsync(release);
    }

    [ImportedAppFact(ImportEngine.Docker, StandInImages)]
    public async Task Secrets_and_configs_app_runs_on_docker_with_its_files_in_place_and_stops_leaving_nothing()
    {
        // The compose file publishes 8443: import makes it the param WEB_PORT (default 8443), set here to a free port.
        var port = Probes.FreePort();
        var release = await RunOnDockerAsync("secrets-configs", ["app", "web"], SecretsConfigsSets(port));

        await SecretsAndConfigsShouldBeInPlaceAsync(release);
        (await Probes.GetAsync($"http://127.0.0.1:{port}/")).ShouldContain("nulecule import stand-in");

        await StopOnDockerAsync(release);
    }

    [ImportedAppFact(ImportEngine.Docker, StandInImages)]
    public async Task Profiles_app_runs_the_services_of_its_default_profile_on_docker_and_stops_leaving_nothing()
    {
        // COMPOSE_PROFILES defaults to the .env's "dev": every service runs, the mail catcher found by name.
        var port = Probes.FreePort();
        var release = await RunOnDockerAsync("profiles", ["app", "debug", "mailcatcher"], ProfilesSets($"APP_PORT={port}"));

        await ProfilesServicesShouldReachEachOtherAsync(release);
        (await Probes.GetAsync($"http://127.0.0.1:{port}/")).ShouldContain("nulecule import stand-in");

        await StopOnDockerAsync(release);
    }

    [ImportedAppFact(ImportEngine.Docker, StandInImages)]
    public async Task Profiles_app_leaves_out_the_services_of_other_profiles_on_docker()
    {
        var release = await RunOnDockerAsync("profiles", ["app"], ProfilesSets($"APP_PORT={Probes.FreePort()}", NoProfile));

        (await DockerAsync("ps", "-a", "--format", "{{.Names}}", "--filter", $"label={Labels.Release}={release}")).Trim().ShouldBe($"{release}-app-1");

        await StopOnDockerAsync(release);
    }

    [ImportedAppFact(ImportEngine.Docker, StandInImages)]
    public async Task Include_app_runs_on_docker_with_the_included_project_and_its_env_default_and_stops_leaving_nothing()
    {
        var port = Probes.FreePort();
        var release = await RunOnDockerAsync("include", ["cache-db", "web"], IncludeSets($"WEB_PORT={port}"));

        await IncludedProjectShouldRunWithItsEnvAsync(release);
        (await Probes.GetAsync($"http://127.0.0.1:{port}/")).ShouldContain("nulecule import stand-in");

        await StopOnDockerAsync(release);
    }

    // ---- swarm: all five --------------------------------------------------------------------

    [ImportedAppFact(ImportEngine.Swarm, WordPressImages)]
    public async Task WordPress_runs_on_a_swarm_reaches_its_database_by_name_and_stops_leaving_nothing()
    {
        var port = Probes.FreePort();
        var release = await RunAsync("wordpress", "swarm", ["db", "wordpress"], WordPressSets($"WORDPRESS_PORT={port}"));

        (await DockerExecAsync(release, "wordpress", "getent", "hosts", "db")).ShouldContain(" db");
        (await Probes.GetAsync($"http://127.0.0.1:{port}/", TimeSpan.FromSeconds(60))).ShouldContain("WordPress");

        await StopOnSwarmAsync(release);
    }

    [ImportedAppFact(ImportEngine.Swarm, StandInImages)]
    public async Task Three_tier_app_runs_on_a_swarm_each_tier_reaching_the_next_and_stops_leaving_nothing()
    {
        var port = Probes.FreePort();
        var release = await RunAsync("three-tier", "swarm", ["db", "api", "proxy"], ThreeTierSets($"PROXY_PORT={port}"));

        (await DockerAsync("ps", "-q", "--filter", $"label={Labels.Release}={release}", "--filter", $"label={Labels.Component}=api")).Split('\n', StringSplitOptions.RemoveEmptyEntries).Length.ShouldBe(2);
        (await DockerExecAsync(release, "proxy", "wget", "-q", "-O-", "http://api:8000/health")).ShouldBe("ok\n");
        (await DockerExecAsync(release, "api", "wget", "-q", "-O-", "http://db:5432/health")).ShouldBe("ok\n");
        (await Probes.GetAsync($"http://127.0.0.1:{port}/")).ShouldContain("nulecule import stand-in");

        await StopOnSwarmAsync(release);
    }

    [ImportedAppFact(ImportEngine.Swarm, StandInImages)]
    public async Task Secrets_and_configs_app_runs_on_a_swarm_with_its_files_in_place_and_stops_leaving_nothing()
    {
        var port = Probes.FreePort();
        var release = await RunAsync("secrets-configs", "swarm", ["app", "web"], SecretsConfigsSets(port));

        // The config and both secrets are Swarm objects of the release; the task containers see their contents.
        (await DockerAsync("config", "ls", "-q", "--filter", $"label={Labels.Release}={release}")).Split('\n', StringSplitOptions.RemoveEmptyEntries).Length.ShouldBe(1);
        (await DockerAsync("secret", "ls", "-q", "--filter", $"label={Labels.Release}={release}")).Split('\n', StringSplitOptions.RemoveEmptyEntries).Length.ShouldBe(2);
        await SecretsAndConfigsShouldBeInPlaceAsync(release);
        (await Probes.GetAsync($"http://127.0.0.1:{port}/")).ShouldContain("nulecule import stand-in");

        await StopOnSwarmAsync(release);
    }

    [ImportedAppFact(ImportEngine.Swarm, StandInImages)]
    public async Task Profiles_app_runs_the_services_of_its_default_profile_on_a_swarm_and_stops_leaving_nothing()
    {
        var port = Probes.FreePort();
        var release = await RunAsync("profiles", "swarm", ["app", "debug", "mailcatcher"], ProfilesSets($"APP_PORT={port}"));

        await ProfilesServicesShouldReachEachOtherAsync(release);
        (await Probes.GetAsync($"http://127.0.0.1:{port}/")).ShouldContain("nulecule import stand-in");

        await StopOnSwarmAsync(release);
    }

    [ImportedAppFact(ImportEngine.Swarm, StandInImages)]
    public async Task Profiles_app_leaves_out_the_services_of_other_profiles_on_a_swarm()
    {
        var release = await RunAsync("profiles", "swarm", ["app"], ProfilesSets($"APP_PORT={Probes.FreePort()}", NoProfile));

        (await DockerAsync("service", "ls", "--format", "{{.Name}}", "--filter", $"label={Labels.Release}={release}")).Trim().ShouldBe($"{release}_app");

        await StopOnSwarmAsync(release);
    }

    [ImportedAppFact(ImportEngine.Swarm, StandInImages)]
    public async Task Include_app_runs_on_a_swarm_with_the_included_project_and_its_env_default_and_stops_leaving_nothing()
    {
        var port = Probes.FreePort();
        var release = await RunAsync("include", "swarm", ["cache-db", "web"], IncludeSets($"WEB_PORT={port}"));

        await IncludedProjectShouldRunWithItsEnvAsync(release);
        (await Probes.GetAsync($"http://127.0.0.1:{port}/")).ShouldContain("nulecule import stand-in");

        await StopOnSwarmAsync(release);
    }

    // ---- Kubernetes testbed: all five -------------------------------------------------------

    [ImportedAppFact(ImportEngine.Kubernetes, WordPressImages)]
    public async Task WordPress_runs_on_the_kubernetes_testbed_reaches_its_database_by_its_service_and_stops_leaving_nothing()
    {
        var (release, kube) = await RunOnKubernetesAsync("wordpress", ["db", "wordpress"], WordPressSets());

        (await kube.ExecAsync("wordpress", "getent", "hosts", "db")).ShouldContain($"db.{kube.Namespace}.svc.cluster.local");
        // The installer page, not "Error establishing a database connection": WordPress reached MariaDB through the db Service.
        var page = await Probes.EventuallyAsync(
            () => kube.TryExecAsync("wordpress", "php", "-r", "echo @file_get_contents('http://127.0.0.1/wp-admin/install.php');"),
            text => text.Contains("WordPress", StringComparison.Ordinal), TimeSpan.FromSeconds(60));
        page.ShouldContain("WordPress");
        page.ShouldNotContain("Error establishing a database connection");

        await kube.StopAsync(release);
        ShouldNotShowASecret();
    }

    [ImportedAppFact(ImportEngine.Kubernetes, StandInImages)]
    public async Task Three_tier_app_runs_on_the_kubernetes_testbed_each_tier_reaching_the_next_and_stops_leaving_nothing()
    {
        var (release, kube) = await RunOnKubernetesAsync("three-tier", ["db", "api", "proxy"], ThreeTierSets());

        (await kube.ReadyPodsAsync(release, "api")).ShouldBe(2);
        (await kube.ReachAsync("proxy", "http://api:8000/health")).ShouldBe("ok\n");
        (await kube.ReachAsync("api", "http://db:5432/health")).ShouldBe("ok\n");
        (await kube.ExecAsync("api", "sh", "-c", "echo $DATABASE_URL")).ShouldBe($"postgres://shop:{DbPassword}@db:5432/shop\n");

        await kube.StopAsync(release);
        ShouldNotShowASecret();
    }

    [ImportedAppFact(ImportEngine.Kubernetes, StandInImages)]
    public async Task Secrets_and_configs_app_runs_on_the_kubernetes_testbed_with_the_imported_secret_and_config_mounted_and_stops_leaving_nothing()
    {
        var (release, kube) = await RunOnKubernetesAsync("secrets-configs", ["app", "web"], SecretsConfigsSets(Probes.FreePort()));

        // The imported ConfigMap holds the file (kubectl reads it back); it and the Secrets are mounted where the compose file says.
        (await kube.KubectlAsync("get", "configmap", "site", "-o", "jsonpath={.data.content}")).ShouldBe(File.ReadAllText(Repo.Path("docs", "import", "secrets-configs", "site.conf")));
        (await kube.ExecAsync("web", "cat", "/etc/nginx/conf.d/default.conf")).ShouldBe(File.ReadAllText(Repo.Path("docs", "import", "secrets-configs", "site.conf")));
        (await kube.ExecAsync("web", "cat", "/run/secrets/site.key")).ShouldBe(File.ReadAllText(Repo.Path("docs", "import", "secrets-configs", "tls.key")));
        (await kube.ExecAsync("app", "cat", "/run/secrets/db_password")).ShouldBe(DbPassword);
        (await kube.ExecAsync("app", "sh", "-c", "echo $API_KEY")).ShouldBe(ApiKey + "\n");
        (await kube.ReachAsync("web", "http://app:9000/health")).ShouldBe("ok\n");

        await kube.StopAsync(release);
        ShouldNotShowASecret();
    }

    [ImportedAppFact(ImportEngine.Kubernetes, StandInImages)]
    public async Task Profiles_app_runs_every_service_on_the_kubernetes_testbed_whatever_the_profiles_as_its_report_says()
    {
        // The report: "profiles dropped: the service always runs on Kubernetes". With no profile enabled, all three run.
        var (release, kube) = await RunOnKubernetesAsync("profiles", ["app", "debug", "mailcatcher"], ProfilesSets("APP_PORT=8081", NoProfile));

        (await kube.ReachAsync("app", "http://mailcatcher:1025/health")).ShouldBe("ok\n");
        (await kube.ReachAsync("debug", "http://app:8080/health")).ShouldBe("ok\n");

        await kube.StopAsync(release);
        ShouldNotShowASecret();
    }

    [ImportedAppFact(ImportEngine.Kubernetes, StandInImages)]
    public async Task Include_app_runs_on_the_kubernetes_testbed_with_the_included_project_and_its_env_default_and_stops_leaving_nothing()
    {
        var (release, kube) = await RunOnKubernetesAsync("include", ["cache-db", "web"], IncludeSets());

        (await kube.KubectlAsync("get", "deployment", "cache-db", "-o", "jsonpath={.spec.template.spec.containers[0].args}")).ShouldBe("""["redis-server","--maxmemory","64mb"]""");
        (await kube.ReachAsync("web", "http://cache-db:6379/health")).ShouldBe("ok\n");

        await kube.StopAsync(release);
        ShouldNotShowASecret();
    }

    // ---- helpers -----------------------------------------------------------------------------

    private static string[] WordPressSets(params string[] more) =>
        ["DB_IMAGE=local/mariadb:10", "WORDPRESS_IMAGE=local/wordpress:6", $"WORDPRESS_DB_PASSWORD={WordPressPassword}", $"DB_ROOT_PASSWORD={RootPassword}", .. more];

    private static string[] ThreeTierSets(params string[] more) =>
        ["PROXY_IMAGE=local/import-web:1", "API_IMAGE=local/import-web:1", "DB_IMAGE=local/import-db:1", $"DB_PASSWORD={DbPassword}", .. more];

    /// <summary>`COMPOSE_PROFILES=""` (an empty string: no profile enabled; a bare `=` would unset the param).</summary>
    private const string NoProfile = "COMPOSE_PROFILES=\"\"";

    private static string[] SecretsConfigsSets(int port) =>
        ["WEB_IMAGE=local/import-web:1", "APP_IMAGE=local/import-web:1", $"DB_PASSWORD={DbPassword}", $"API_KEY={ApiKey}", $"WEB_PORT={port}"];

    private static string[] ProfilesSets(params string[] more) =>
        ["APP_IMAGE=local/import-web:1", "MAIL_IMAGE=local/import-web:1", "DEBUG_IMAGE=local/busybox:latest", .. more];

    private static string[] IncludeSets(params string[] more) =>
        ["WEB_IMAGE=local/import-web:1", "REDIS_IMAGE=local/import-db:1", .. more];

    /// <summary>Docker and swarm: the config and the file secret are the files beside the compose file, the variable secret holds the param's value, web reaches app.</summary>
    private static async Task SecretsAndConfigsShouldBeInPlaceAsync(string release)
    {
        (await DockerExecAsync(release, "web", "cat", "/etc/nginx/conf.d/default.conf")).ShouldBe(File.ReadAllText(Repo.Path("docs", "import", "secrets-configs", "site.conf")));
        (await DockerExecAsync(release, "web", "cat", "/run/secrets/site.key")).ShouldBe(File.ReadAllText(Repo.Path("docs", "import", "secrets-configs", "tls.key")));
        (await DockerExecAsync(release, "app", "cat", "/run/secrets/db_password")).ShouldBe(DbPassword);
        (await DockerExecAsync(release, "app", "sh", "-c", "echo $API_KEY")).ShouldBe(ApiKey + "\n");
        (await DockerExecAsync(release, "web", "wget", "-q", "-O-", "http://app:9000/health")).ShouldBe("ok\n");
    }

    /// <summary>Docker and swarm, the default profile: the app reaches the mail catcher, the debug shell reaches the app.</summary>
    private static async Task ProfilesServicesShouldReachEachOtherAsync(string release)
    {
        (await DockerExecAsync(release, "app", "wget", "-q", "-O-", "http://mailcatcher:1025/health")).ShouldBe("ok\n");
        (await DockerExecAsync(release, "debug", "wget", "-q", "-O-", "http://app:8080/health")).ShouldBe("ok\n");
    }

    /// <summary>Docker and swarm: REDIS_MAXMEMORY comes from the included project's .env; the web reaches cache-db by name.</summary>
    private static async Task IncludedProjectShouldRunWithItsEnvAsync(string release)
    {
        (await DockerAsync("inspect", "--format", "{{json .Config.Cmd}}", await ContainerAsync(release, "cache-db"))).Trim().ShouldBe("""["redis-server","--maxmemory","64mb"]""");
        (await DockerExecAsync(release, "web", "wget", "-q", "-O-", "http://cache-db:6379/health")).ShouldBe("ok\n");
    }

    private async Task<Cli.Result> NuleculeAsync(params string[] args)
    {
        var result = await Cli.RunAsync(args, _environment);
        _outputs.Add(result);
        return result;
    }

    /// <summary>Imports docs/import/<paramref name="example"/> into a fresh directory; returns the app's path.</summary>
    private async Task<string> ImportAsync(string example)
    {
        var app = Path.Combine(_root, "apps", example + "-" + Guid.NewGuid().ToString("N")[..6]);
        var import = await NuleculeAsync("import", Repo.Path("docs", "import", example, "compose.yaml"), "--destination", app);
        import.ExitCode.ShouldBe(0, Probes.Describe(import));
        return app;
    }

    private static string[] SetArguments(IEnumerable<string> sets) => sets.SelectMany(s => new[] { "--set", s }).ToArray();

    private Task<string> RunOnDockerAsync(string example, string[] components, string[] sets) => RunAsync(example, "docker", components, sets);

    /// <summary>Imports the example, runs it with --wait on <paramref name="provider"/> and checks that status says every object is ready.</summary>
    private async Task<string> RunAsync(string example, string provider, string[] components, string[] sets, params string[] scope)
    {
        var app = await ImportAsync(example);
        var release = Probes.Release("imp-" + example[..Math.Min(example.Length, 6)]);
        _cleanup.Add(() => NuleculeAsync(["stop", release, "--provider", provider, "--volumes", "--ignore-not-found", .. scope]));

        var run = await NuleculeAsync(["run", app, "--provider", provider, "--name", release, "--wait", "--timeout", "4m", .. scope, .. SetArguments(sets)]);

        run.ExitCode.ShouldBe(0, Probes.Describe(run));
        await ShouldBeReadyAsync(release, provider, components, scope);
        return release;
    }

    private async Task<(string Release, KubeRelease Kube)> RunOnKubernetesAsync(string example, string[] components, string[] sets)
    {
        var ns = await TestNamespace.CreateAsync("imp-" + example[..Math.Min(example.Length, 6)]);
        ns.ShouldNotBeNull(KubeCluster.Unavailable);
        _cleanup.Add(async () => await ns.DisposeAsync());
        var kube = new KubeRelease(ns.Name, Path.Combine(_root, "pv"), NuleculeAsync);

        // The testbed has no provisioner: a hostPath volume bound ahead to each claim the import wrote.
        var app = await ImportAsync(example);
        foreach (var claim in KubeRelease.ClaimsOf(app))
        {
            _cleanup.Add(() => kube.DeleteVolumeAsync(claim));
            await kube.CreateVolumeAsync(claim);
        }

        var release = Probes.Release("imp-" + example[..Math.Min(example.Length, 6)]);
        _cleanup.Add(() => NuleculeAsync(["stop", release, "--ignore-not-found", .. kube.Scope]));
        var run = await NuleculeAsync(["run", app, "--name", release, "--wait", "--timeout", "4m", .. kube.Scope, .. SetArguments(sets)]);
        run.ExitCode.ShouldBe(0, Probes.Describe(run));
        await ShouldBeReadyAsync(release, "kubernetes", components, kube.Scope[2..]);
        return (release, kube);
    }

    /// <summary>`status` exits 0 and lists every component with each of its objects ready.</summary>
    private async Task ShouldBeReadyAsync(string release, string provider, string[] components, string[] scope)
    {
        var status = await NuleculeAsync(["status", release, "--provider", provider, "-o", "json", .. scope]);
        status.ExitCode.ShouldBe(0, Probes.Describe(status));
        var json = JsonNode.Parse(status.Stdout)!;
        var listed = json["components"]!.AsArray().Select(c => (string)c!["component"]!).ToList();
        listed.ShouldBe(components, ignoreOrder: true, Probes.Describe(status));
        foreach (var component in json["components"]!.AsArray())
        {
            var objects = component!["objects"]!.AsArray();
            objects.ShouldNotBeEmpty();
            objects.ShouldAllBe(o => (bool?)o!["ready"] == true, Probes.Describe(status));
        }
    }

    private async Task StopOnDockerAsync(string release)
    {
        var stop = await NuleculeAsync("stop", release, "--provider", "docker", "--volumes");
        stop.ExitCode.ShouldBe(0, Probes.Describe(stop));
        (await DockerAsync("ps", "-a", "-q", "--filter", $"label={Labels.Release}={release}")).ShouldBeEmpty("containers of the release are left");
        (await DockerAsync("network", "ls", "-q", "--filter", $"name={release}")).ShouldBeEmpty("networks of the release are left");
        (await DockerAsync("volume", "ls", "-q", "--filter", $"name={release}")).ShouldBeEmpty("volumes of the release are left");
        ShouldNotShowASecret();
    }

    private async Task StopOnSwarmAsync(string release)
    {
        var stop = await NuleculeAsync("stop", release, "--provider", "swarm", "--volumes");
        stop.ExitCode.ShouldBe(0, Probes.Describe(stop));
        (await DockerAsync("service", "ls", "-q", "--filter", $"label={Labels.Release}={release}")).ShouldBeEmpty("services of the release are left");
        (await DockerAsync("secret", "ls", "-q", "--filter", $"label={Labels.Release}={release}")).ShouldBeEmpty("secrets of the release are left");
        (await DockerAsync("config", "ls", "-q", "--filter", $"label={Labels.Release}={release}")).ShouldBeEmpty("configs of the release are left");
        (await DockerAsync("network", "ls", "-q", "--filter", $"name={release}")).ShouldBeEmpty("networks of the release are left");
        (await DockerAsync("volume", "ls", "-q", "--filter", $"name={release}")).ShouldBeEmpty("volumes of the release are left");
        (await DockerAsync("ps", "-a", "-q", "--filter", $"label={Labels.Release}={release}")).ShouldBeEmpty("task containers of the release are left");
        ShouldNotShowASecret();
    }

    private void ShouldNotShowASecret()
    {
        foreach (var output in _outputs)
        {
            foreach (var canary in Canaries)
            {
                (output.Stdout + output.Stderr).ShouldNotContain(canary);
            }
        }
    }

    /// <summary>The docker CLI (the engine's own client), its standard output; a failure fails the test.</summary>
    private static async Task<string> DockerAsync(params string[] args)
    {
        var result = await Cli.ProgramAsync("docker", args);
        result.ExitCode.ShouldBe(0, $"docker {string.Join(' ', args)}: {result.Stderr}");
        return result.Stdout;
    }

    /// <summary>Runs a command in the first container of <paramref name="component"/> with `docker exec`.</summary>
    private static async Task<string> DockerExecAsync(string release, string component, params string[] command) =>
        await DockerAsync(["exec", await ContainerAsync(release, component), .. command]);

    /// <summary>The first running container of <paramref name="component"/> (a swarm task's container too: it carries the labels).</summary>
    private static async Task<string> ContainerAsync(string release, string component)
    {
        var container = (await DockerAsync("ps", "-q", "--filter", $"label={Labels.Release}={release}", "--filter", $"label={Labels.Component}={component}"))
            .Split('\n', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault();
        container.ShouldNotBeNull($"no running container of {component}");
        return container;
    }
}

/// <summary>One release on the Kubernetes testbed, in a namespace of its own: the CLI's flags for it, kubectl (the oracle) in it, its hostPath volumes.</summary>
internal sealed partial class KubeRelease(string ns, string volumes, Func<string[], Task<Cli.Result>> nulecule)
{
    public string Namespace => ns;

    /// <summary>`--provider kubernetes --kubeconfig K --namespace NS`.</summary>
    public string[] Scope => ["--provider", "kubernetes", "--kubeconfig", KubeCluster.Kubeconfig, "--namespace", ns];

    /// <summary>The PersistentVolumeClaims an imported app's Kubernetes artifacts declare (the importer writes each one the same way).</summary>
    public static List<string> ClaimsOf(string app) =>
        Directory.EnumerateFiles(Path.Combine(app, "artifacts", "kubernetes"), "*.yaml")
            .SelectMany(f => ClaimName().Matches(File.ReadAllText(f)).Select(m => m.Groups[1].Value))
            .ToList();

    public async Task CreateVolumeAsync(string claim)
    {
        using var client = KubeCluster.Client();
        await client.CoreV1.CreatePersistentVolumeAsync(new V1PersistentVolume
        {
            Metadata = new V1ObjectMeta { Name = VolumeName(claim) },
            Spec = new V1PersistentVolumeSpec
            {
                Capacity = new Dictionary<string, ResourceQuantity> { ["storage"] = new("1Gi") },
                AccessModes = ["ReadWriteOnce"],
                PersistentVolumeReclaimPolicy = "Retain",
                HostPath = new V1HostPathVolumeSource { Path = Path.Combine(volumes, ns, claim), Type = "DirectoryOrCreate" },
                ClaimRef = new V1ObjectReference { NamespaceProperty = ns, Name = claim },
            },
        });
    }

    public async Task DeleteVolumeAsync(string claim)
    {
        using var client = KubeCluster.Client();
        await client.CoreV1.DeletePersistentVolumeAsync(VolumeName(claim));
    }

    /// <summary>`kubectl exec deploy/COMPONENT -- COMMAND` in the namespace; a failure fails the test.</summary>
    public async Task<string> ExecAsync(string deployment, params string[] command)
    {
        var result = await Cli.ProgramAsync("kubectl", ["--kubeconfig", KubeCluster.Kubeconfig, "-n", ns, "exec", "deploy/" + deployment, "--", .. command]);
        result.ExitCode.ShouldBe(0, $"kubectl exec deploy/{deployment} -- {string.Join(' ', command)}: {result.Stderr}");
        return result.Stdout;
    }

    /// <summary>kubectl in the namespace, its standard output; a failure fails the test.</summary>
    public async Task<string> KubectlAsync(params string[] args)
    {
        var result = await Cli.ProgramAsync("kubectl", ["--kubeconfig", KubeCluster.Kubeconfig, "-n", ns, .. args]);
        result.ExitCode.ShouldBe(0, $"kubectl {string.Join(' ', args)}: {result.Stderr}");
        return result.Stdout;
    }

    /// <summary>
    /// What `wget URL` prints in the deployment's first pod, asked until it answers (two minutes at
    /// most): a Service answers a moment after its pods are ready, once the endpoints controller and
    /// kube-proxy have caught up ("No route to host" until then), and `run --wait` waits for pods,
    /// as `helm --wait` does, not for every node's rules.
    /// </summary>
    public async Task<string> ReachAsync(string deployment, string url)
    {
        var text = await Probes.EventuallyAsync(() => TryExecAsync(deployment, "wget", "-q", "-O-", url), text => text.Length > 0, TimeSpan.FromMinutes(2));
        return text.Length > 0 ? text : await ExecAsync(deployment, "wget", "-q", "-O-", url);
    }

    /// <summary>As <see cref="ExecAsync"/>, for polling: what it printed, or "" when it failed.</summary>
    public async Task<string> TryExecAsync(string deployment, params string[] command)
    {
        var result = await Cli.ProgramAsync("kubectl", ["--kubeconfig", KubeCluster.Kubeconfig, "-n", ns, "exec", "deploy/" + deployment, "--", .. command]);
        return result.ExitCode == 0 ? result.Stdout : "";
    }

    /// <summary>Ready pods of <paramref name="component"/>.</summary>
    public async Task<int> ReadyPodsAsync(string release, string component)
    {
        using var client = KubeCluster.Client();
        var pods = await client.CoreV1.ListNamespacedPodAsync(ns, labelSelector: $"{Labels.Release}={release},app.kubernetes.io/name={component}");
        return pods.Items.Count(p => p.Status?.Conditions?.Any(c => c.Type == "Ready" && c.Status == "True") == true);
    }

    /// <summary>`stop`, then nothing of the release is left in the namespace (pods within a minute: the testbed is slow to delete them).</summary>
    public async Task StopAsync(string release)
    {
        var stop = await nulecule(["stop", release, .. Scope]);
        stop.ExitCode.ShouldBe(0, Probes.Describe(stop));
        using var client = KubeCluster.Client();
        var selector = $"{Labels.Release}={release}";
        (await client.AppsV1.ListNamespacedDeploymentAsync(ns, labelSelector: selector)).Items.ShouldBeEmpty("deployments of the release are left");
        (await client.CoreV1.ListNamespacedServiceAsync(ns, labelSelector: selector)).Items.ShouldBeEmpty("services of the release are left");
        (await client.CoreV1.ListNamespacedConfigMapAsync(ns, labelSelector: selector)).Items.ShouldBeEmpty("config maps of the release are left");
        (await client.CoreV1.ListNamespacedSecretAsync(ns, labelSelector: selector)).Items.ShouldBeEmpty("secrets of the release are left");
        (await client.CoreV1.ListNamespacedPersistentVolumeClaimAsync(ns, labelSelector: selector)).Items.ShouldBeEmpty("claims of the release are left");
        var pods = await Probes.EventuallyAsync(
            async () => (await client.CoreV1.ListNamespacedPodAsync(ns, labelSelector: selector)).Items,
            items => items.Count == 0, TimeSpan.FromSeconds(90));
        pods.Select(p => p.Metadata.Name).ShouldBeEmpty("pods of the release are left");
    }

    private string VolumeName(string claim) => $"{ns}-{claim}";

    [GeneratedRegex("kind: \"PersistentVolumeClaim\"\\nmetadata:\\n  name: \"([^\"]+)\"")]
    private static partial Regex ClaimName();
}

/// <summary>Where an imported app runs.</summary>
public enum ImportEngine
{
    Docker,
    Swarm,
    Kubernetes,
}

/// <summary>
/// An imported app on one engine: skipped, saying why and what to do, without the engine, a swarm
/// manager (swarm) or the testbed (kubernetes), or the local images the run swaps in.
/// </summary>
public sealed class ImportedAppFactAttribute : FactAttribute
{
    public ImportedAppFactAttribute(ImportEngine engine, string images)
    {
        var needed = images.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        Skip = DockerEngine.Unavailable is { } noDocker ? noDocker
            : DockerEngine.Missing(needed) is { Count: > 0 } missing ? $"images missing ({string.Join(", ", missing)}): run .ci/docker-setup.sh (scripts/build-wordpress-images.sh, scripts/build-import-images.sh)"
            : engine == ImportEngine.Swarm ? SwarmManager.Unavailable
            : engine == ImportEngine.Kubernetes ? KubeCluster.Unavailable
            : null;
    }
}

/// <summary>Whether the local engine is a swarm manager (scripts/test.sh makes it one through .ci/swarm-setup.sh), probed once.</summary>
internal static class SwarmManager
{
    private static readonly Lazy<string?> Problem = new(() =>
    {
        try
        {
            using var client = DockerConnector.CreateClient(new DockerEndpointResolver().Resolve());
            var swarm = client.System.GetSystemInfoAsync().GetAwaiter().GetResult().Swarm;
            return swarm is { LocalNodeState: "active", ControlAvailable: true } ? null
                : $"the Docker engine is not a swarm manager (swarm state: {swarm?.LocalNodeState ?? "unknown"}); scripts/test.sh turns swarm mode on with .ci/swarm-setup.sh and leaves it as found";
        }
        catch (Exception e)
        {
            return $"no Docker engine: {e.Message}";
        }
    });

    /// <summary>Why swarm tests cannot run, or null.</summary>
    public static string? Unavailable => Problem.Value;
}
