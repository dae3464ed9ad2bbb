using System.Text.Json.Nodes;
using Nulecule.Compose;
using Nulecule.Testing;

namespace Nulecule.Cli.Tests.EndToEnd;

/// <summary>
/// `nulecule export --format compose`: docker-compose (1.29) accepts the file, it validates against
/// the Compose Specification's schema, and `docker-compose up -d` of it makes the containers
/// `nulecule run -p docker` makes for the same app (Config and HostConfig, network aliases; names,
/// labels and each tool's network and volume prefixes aside).
/// </summary>
public sealed class ExportComposeTests : IDisposable
{
    private const string Canary = "c4nary-s3cret";
    private readonly string _root = Directory.CreateTempSubdirectory("nulecule-export-").FullName;
    private readonly Dictionary<string, string> _environment;
    private readonly string _app;
    private readonly List<Func<Task>> _cleanup = [];

    public ExportComposeTests()
    {
        _environment = new Dictionary<string, string> { ["NO_COLOR"] = "1", ["NULECULE_STATE_DIR"] = Path.Combine(_root, "state") };
        _app = Path.Combine(_root, "app");
        Directory.CreateDirectory(Path.Combine(_app, "artifacts"));
        File.WriteAllText(Path.Combine(_app, "Nulecule"), """
            specversion: 0.0.2
            id: export-app
            graph:
              - name: db
                params:
                  - {name: db_pass, description: the password, hidden: true}
                artifacts:
                  docker:
                    - file://artifacts/db
              - name: web
                artifacts:
                  docker:
                    - file://artifacts/web
            """);
        File.WriteAllText(Path.Combine(_app, "artifacts", "db"),
            "docker run -d --name database -e PASSWORD=$db_pass -e 'GREETING=costs $$5' -v data:/data -p 5432 --health-cmd 'true' --health-interval 1s local/busybox:latest sleep 3600\n");
        File.WriteAllText(Path.Combine(_app, "artifacts", "web"),
            "docker run -d --name web --link database:db -p 127.0.0.1::8080 -w /tmp --restart unless-stopped local/busybox:latest sh -c 'exec httpd -f -p 8080'\n");
    }

    [Fact]
    public async Task Should_mask_hidden_values_unless_asked_and_then_warn()
    {
        var masked = await Cli.RunAsync(["export", _app, "--format", "compose", "--set", $"db.db_pass={Canary}"], _environment);
        var shown = await Cli.RunAsync(["export", _app, "--format", "compose", "--set", $"db.db_pass={Canary}", "--show-secrets"], _environment);

        masked.ExitCode.ShouldBe(0, Probes.Describe(masked));
        (masked.Stdout + masked.Stderr).ShouldNotContain(Canary);
        masked.Stdout.ShouldContain("PASSWORD: '******'");
        shown.Stdout.ShouldContain($"PASSWORD: {Canary}");
        shown.Stderr.ShouldContain("plain text");
    }

    [Fact]
    public async Task Should_refuse_a_flag_without_a_compose_key_at_its_location_and_write_nothing()
    {
        File.WriteAllText(Path.Combine(_app, "artifacts", "web"), "docker run -d --rm local/busybox:latest true\n");
        var output = Path.Combine(_root, "compose.yaml");

        var result = await Cli.RunAsync(["export", _app, "--format", "compose", "--set", "db.db_pass=x", "--output-file", output], _environment);

        result.ExitCode.ShouldBe(2, Probes.Describe(result));
        result.Stderr.ShouldContain("artifacts/web:1:1: error: docker run option --rm has no Compose key");
        File.Exists(output).ShouldBeFalse();
    }

    [Fact]
    public async Task Should_accept_only_the_compose_format_and_the_docker_provider()
    {
        (await Cli.RunAsync(["export", _app, "--format", "yaml"], _environment)).ExitCode.ShouldBe(2);
        (await Cli.RunAsync(["export", _app, "--format", "compose", "-p", "kubernetes"], _environment)).ExitCode.ShouldBe(2);
        (await Cli.RunAsync(["export", _app], _environment)).ExitCode.ShouldBe(2);
    }

    [ComposeFact(Corpus = true)]
    public async Task Should_export_corpus_apps_that_docker_compose_and_the_schema_accept()
    {
        Repo.Corpus.ShouldNotBeNull();
        foreach (var (name, values) in new[]
        {
            ("flask-redis-centos7-atomicapp", ""),
            ("gitlab-centos7-atomicapp", ""),
            ("redis-centos7-atomicapp", ""),
            ("mariadb-centos7-atomicapp", "mariadb-atomicapp.db_user=u,mariadb-atomicapp.db_name=n,mariadb-atomicapp.db_pass=p,mariadb-atomicapp.root_pass=r"),
        })
        {
            var output = Path.Combine(_root, name + ".yaml");
            string[] sets = values.Length > 0 ? ["--set", values] : [];
            var result = await Cli.RunAsync(["export", Path.Combine(Repo.Corpus, name), "--format", "compose", "--output-file", output, "--no-prompt", .. sets], _environment);
            result.ExitCode.ShouldBe(0, $"{name}: {Probes.Describe(result)}");

            var config = await Cli.ProgramAsync("docker-compose", "-f", output, "config", "-q");
            config.ExitCode.ShouldBe(0, $"{name}: {config.Stderr}");

            // our own loader reads it back: YAML, interpolation, the Compose Specification's schema
            var loaded = ComposeLoader.Load([new ComposeSource(output, File.ReadAllText(output), _root)], new ComposeLoadOptions { Root = _root });
            loaded.Document["services"]!.AsObject().Count.ShouldBeGreaterThan(0);
        }
    }

    [ComposeFact]
    public async Task Should_export_a_compose_artifact_resolved_with_its_secret_in_a_file_beside_it()
    {
        var output = Path.Combine(_root, "out", "shop.yaml");
        Directory.CreateDirectory(Path.GetDirectoryName(output)!);

        var result = await Cli.RunAsync(["export", Repo.Path("examples", "compose-shop"), "--format", "compose", "--set", $"shop.DB_PASSWORD={Canary}", "--set", "shop.WEB_PORT=8123", "--output-file", output], _environment);

        result.ExitCode.ShouldBe(0, Probes.Describe(result));
        var text = File.ReadAllText(output);
        text.ShouldContain("127.0.0.1:8123:80");
        text.ShouldContain("echo \"$$GREETING\"");
        text.ShouldContain("file: ./shop.yaml.d/secrets/db_password");
        File.ReadAllText(Path.Combine(_root, "out", "shop.yaml.d", "secrets", "db_password")).ShouldBe("******");
        if (!OperatingSystem.IsWindows())
        {
            File.GetUnixFileMode(Path.Combine(_root, "out", "shop.yaml.d", "secrets", "db_password")).ShouldBe(UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }

        Directory.EnumerateFiles(_root, "*", SearchOption.AllDirectories).ShouldAllBe(f => !File.ReadAllText(f).Contains(Canary));
        var config = await Cli.ProgramAsync("docker-compose", "-f", output, "config", "-q");
        config.ExitCode.ShouldBe(0, config.Stderr);
        var loaded = ComposeLoader.Load([new ComposeSource(output, text, Path.GetDirectoryName(output))], new ComposeLoadOptions { Root = _root });
        loaded.Project.Services.Keys.Order(StringComparer.Ordinal).ShouldBe(["db", "migrate", "web"]);
    }

    [ComposeFact(Engine = true)]
    public async Task Should_run_with_docker_compose_as_nulecule_run_runs_it()
    {
        var release = Probes.Release("exp");
        var project = "exp" + Guid.NewGuid().ToString("N")[..8];
        var file = Path.Combine(_root, "compose.yaml");
        _cleanup.Add(async () => await Cli.RunAsync(["stop", release, "--volumes", "--ignore-not-found"], _environment));
        _cleanup.Add(async () => await Cli.ProgramAsync("docker-compose", "-p", project, "-f", file, "down", "--volumes"));

        // Given: the app exported, with the values it runs with
        var export = await Cli.RunAsync(["export", _app, "--format", "compose", "--set", "db.db_pass=pw", "--show-secrets", "--output-file", file], _environment);
        export.ExitCode.ShouldBe(0, Probes.Describe(export));

        // When: both run it
        var run = await Cli.RunAsync(["run", _app, "-p", "docker", "--name", release, "--set", "db.db_pass=pw"], _environment);
        run.ExitCode.ShouldBe(0, Probes.Describe(run));
        var up = await Cli.ProgramAsync("docker-compose", "-p", project, "-f", file, "up", "-d");
        up.ExitCode.ShouldBe(0, up.Stderr);

        // Then: container for container, the same
        foreach (var (logical, component) in new[] { ("database", "db"), ("web", "web") })
        {
            var ours = await InspectAsync($"{release}-{logical}");
            var theirs = await InspectAsync((await Cli.ProgramAsync("docker", "ps", "-q", "--filter", $"label=com.docker.compose.project={project}", "--filter", $"label=com.docker.compose.service={logical}")).Stdout.Trim());
            var mine = ContainerComparison.Comparable(ours, release + "-");
            var compose = ContainerComparison.Comparable(theirs, project + "_");
            JsonNode.DeepEquals(mine["Config"], compose["Config"]).ShouldBeTrue($"{logical} Config:\nnulecule {mine["Config"]!.ToJsonString()}\ncompose  {compose["Config"]!.ToJsonString()}");
            JsonNode.DeepEquals(mine["HostConfig"], compose["HostConfig"]).ShouldBeTrue($"{logical} HostConfig:\nnulecule {mine["HostConfig"]!.ToJsonString()}\ncompose  {compose["HostConfig"]!.ToJsonString()}");

            // The names the app's containers reach each other by (the component, --name, --link aliases).
            var ourAliases = Aliases(ours, $"nulecule-{release}");
            var theirAliases = Aliases(theirs, $"{project}_default");
            ourAliases.ShouldContain(component);
            theirAliases.ShouldBe(ourAliases, $"{logical}: network aliases");
        }

        // and the link alias resolves in both
        (await Cli.ProgramAsync("docker", "exec", $"{release}-web", "nslookup", "db")).ExitCode.ShouldBe(0);
    }

    private static async Task<JsonObject> InspectAsync(string container)
    {
        var inspect = await Cli.ProgramAsync("docker", "inspect", container);
        inspect.ExitCode.ShouldBe(0, inspect.Stderr);
        return JsonNode.Parse(inspect.Stdout)!.AsArray()[0]!.AsObject();
    }

    /// <summary>The container's aliases on the network, without the engine's own (its short ID).</summary>
    private static List<string> Aliases(JsonObject container, string network) =>
        (container["NetworkSettings"]!["Networks"]![network]!["Aliases"] as JsonArray ?? [])
            .Select(a => a!.GetValue<string>())
            .Where(a => !container["Id"]!.GetValue<string>().StartsWith(a, StringComparison.Ordinal))
            .Order(StringComparer.Ordinal).ToList();

    public void Dispose()
    {
        foreach (var step in _cleanup)
        {
            step().GetAwaiter().GetResult();
        }

        Directory.Delete(_root, recursive: true);
    }
}

/// <summary>Needs docker-compose (installed by .ci/docker-setup.sh), and the corpus or the engine when asked; skipped with the reason otherwise.</summary>
public sealed class ComposeFactAttribute : FactAttribute
{
    public bool Corpus
    {
        get => false;
        set => Skip ??= value && Repo.Corpus is null ? "the Nulecule corpus (../shared/corpus) is not beside this clone" : null;
    }

    public bool Engine
    {
        get => false;
        set => Skip ??= value ? DockerEngine.Unavailable : null;
    }

    public ComposeFactAttribute() =>
        Skip = File.Exists("/usr/bin/docker-compose") || File.Exists("/usr/local/bin/docker-compose") ? null : "docker-compose is not installed (.ci/docker-setup.sh installs it)";
}
