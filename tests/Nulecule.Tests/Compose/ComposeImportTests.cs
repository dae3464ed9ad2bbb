using System.Text.Json.Nodes;
using Nulecule.Actions;
using Nulecule.Compose.Import;

namespace Nulecule.Tests.Compose;

/// <summary>`nulecule import`: params inferred from the interpolation variables, the fidelity report, and an app that validates.</summary>
public sealed class ComposeImportTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("compose-import-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Compose(string text, string file = "compose.yaml")
    {
        var path = Path.Combine(_dir, "src", file);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
        return path;
    }

    private ImportResult Import(params string[] files) =>
        ComposeImporter.Import(new ImportOptions { Files = files, Destination = Path.Combine(_dir, "app") });

    private static ImportedParam Param(ImportResult result, string name) => result.Params.Single(p => p.Name == name);

    private const string Shop = """
        services:
          db:
            image: ${DB_IMAGE:-mariadb:10}
            environment:
              MARIADB_ROOT_PASSWORD: ${DB_ROOT_PASSWORD:?the root password of the database}
              MARIADB_DATABASE: ${DB_NAME-shop}
            volumes: ["dbdata:/var/lib/mysql"]
            expose: ["3306"]
            healthcheck:
              test: ["CMD-SHELL", "mysqladmin ping"]
              interval: 5s
              retries: ${DB_RETRIES:-10}
          web:
            image: shop/web
            build: ./web
            container_name: shopweb
            ports: ["${WEB_PORT:-8080}:80"]
            deploy:
              replicas: ${WEB_REPLICAS:-2}
              resources: {limits: {memory: 64M}}
            privileged: ${WEB_PRIVILEGED:-false}
            environment:
              DB_HOST: db
              API_TOKEN: ${API_TOKEN}
              GREETING: ${GREETING:+hi}
            depends_on:
              db: {condition: service_healthy}
        volumes:
          dbdata: {}
        """;

    [Fact]
    public void Should_take_defaults_from_the_compose_file_and_required_from_the_error_form()
    {
        var result = Import(Compose(Shop));

        Param(result, "DB_IMAGE").Default!.GetValue<string>().ShouldBe("mariadb:10");
        Param(result, "DB_NAME").Default!.GetValue<string>().ShouldBe("shop");
        var root = Param(result, "DB_ROOT_PASSWORD");
        root.Default.ShouldBeNull();
        root.Description.ShouldStartWith("the root password of the database");
        root.Hidden.ShouldBeTrue();
        result.Components.ShouldBe(["db", "web"]);
    }

    [Fact]
    public void Should_type_params_as_the_compose_loader_casts_them()
    {
        var result = Import(Compose(Shop));

        Param(result, "WEB_REPLICAS").Type.ShouldBe("integer");
        Param(result, "WEB_REPLICAS").Default!.GetValue<long>().ShouldBe(2);
        Param(result, "DB_RETRIES").Type.ShouldBe("integer");
        Param(result, "WEB_PRIVILEGED").Type.ShouldBe("boolean");
        Param(result, "WEB_PRIVILEGED").Default!.GetValue<bool>().ShouldBeFalse();

        // A port mapping is a string to compose: "8080:80" is not cast.
        Param(result, "WEB_PORT").Type.ShouldBe("string");
        Param(result, "WEB_PORT").Default!.GetValue<string>().ShouldBe("8080");
    }

    [Fact]
    public void Should_hide_names_that_look_like_secrets_and_not_copy_their_env_values()
    {
        Compose("WEB_PORT=9090\nAPI_TOKEN=s3cr3t\n", ".env");
        var result = Import(Compose(Shop));

        Param(result, "WEB_PORT").Default!.GetValue<string>().ShouldBe("9090");
        Param(result, "WEB_PORT").Origin.ShouldBe(".env");
        var token = Param(result, "API_TOKEN");
        token.Hidden.ShouldBeTrue();
        token.Default.ShouldBeNull();
        File.ReadAllText(Path.Combine(result.Destination, "Nulecule")).ShouldNotContain("s3cr3t");
        ImportParams.LooksSecret("MYSQL_ROOT_PASSWORD").ShouldBeTrue();
        ImportParams.LooksSecret("AWS_SECRET_ACCESS_KEY").ShouldBeTrue();
        ImportParams.LooksSecret("DBPASSWORD").ShouldBeTrue();
        ImportParams.LooksSecret("MONKEY_COUNT").ShouldBeFalse();
        ImportParams.LooksSecret("WEB_PORT").ShouldBeFalse();
    }

    [Fact]
    public void Should_report_every_dropped_or_changed_key_with_its_place()
    {
        var file = Compose(Shop);
        var result = Import(file);

        FidelityItem Item(string target, string key) => result.Fidelity.First(f => f.Target == target && f.Key == key);
        var build = Item("docker", "services.web.build");
        build.Effect.ShouldBe(FidelityItem.Dropped);
        build.At.ShouldBe(new SourceLocation(file, 15, 5));
        Item("swarm", "services.web.container_name").Effect.ShouldBe(FidelityItem.Dropped);
        Item("docker", "services.web.deploy.resources").At!.Line.ShouldBe(20);
        Item("docker", "services.web.depends_on.db").Effect.ShouldBe(FidelityItem.Changed);
        Item("kubernetes", "services.web.ports[]").Effect.ShouldBe(FidelityItem.Changed);
        Item("kubernetes", "services.web.environment.GREETING").Note.ShouldContain("alternate");
        Item("kubernetes", "volumes.dbdata").Note.ShouldContain("PersistentVolumeClaim");

        // expose is how the database gets a Service on Kubernetes; docker does not need it.
        Item("docker", "services.db.expose").Effect.ShouldBe(FidelityItem.Dropped);
        result.Fidelity.ShouldNotContain(f => f.Target == "kubernetes" && f.Key == "services.db.expose");
    }

    [Fact]
    public async Task Should_write_an_app_that_validates_for_every_provider()
    {
        var result = Import(Compose(Shop));

        var validation = await ValidateAction.RunAsync(new ValidateOptions
        {
            AppPath = result.Destination,
            Sets = ["DB_ROOT_PASSWORD=pw", "API_TOKEN=t"],
        });

        validation.Diagnostics.Where(d => d.IsError).ShouldBeEmpty();
        var docker = File.ReadAllText(Path.Combine(result.Destination, "artifacts", "docker", "web.yaml"));
        docker.ShouldContain("\"${WEB_PORT:-8080}:80\"");
        docker.ShouldNotContain("depends_on");
        var kube = File.ReadAllText(Path.Combine(result.Destination, "artifacts", "kubernetes", "web.yaml"));
        kube.ShouldContain("replicas: ${WEB_REPLICAS}");
        kube.ShouldContain("kind: \"Secret\"");
    }

    [Fact]
    public void Should_refuse_a_destination_that_is_not_empty_unless_forced()
    {
        var file = Compose(Shop);
        var destination = Path.Combine(_dir, "app");
        Directory.CreateDirectory(destination);
        File.WriteAllText(Path.Combine(destination, "keep"), "x");

        var error = Should.Throw<NuleculeException>(() => Import(file));

        error.Message.ShouldContain("not empty");
        File.Exists(Path.Combine(destination, "Nulecule")).ShouldBeFalse();
        ComposeImporter.Import(new ImportOptions { Files = [file], Destination = destination, Force = true });
        File.Exists(Path.Combine(destination, "Nulecule")).ShouldBeTrue();
    }

    [Fact]
    public void Should_locate_bad_input_and_write_nothing()
    {
        var file = Compose("services:\n  web:\n    image: x\n    ports: [\"${PORT:-}\"]\n    command: \"echo ${BROKEN\"\n");

        var error = Should.Throw<NuleculeException>(() => Import(file));

        error.Diagnostics[0].Location.ShouldBe(new SourceLocation(file, 5, 14));
        Directory.Exists(Path.Combine(_dir, "app")).ShouldBeFalse();
    }

    [Fact]
    public void Should_merge_files_in_order_and_import_services_of_every_profile()
    {
        var first = Compose("services:\n  web:\n    image: a\n  debug:\n    image: busybox\n    profiles: [debug]\n");
        var second = Compose("services:\n  web:\n    image: b\n", "compose.override.yaml");

        var result = Import(first, second);

        result.Components.ShouldBe(["debug", "web"]);
        File.ReadAllText(Path.Combine(result.Destination, "artifacts", "docker", "web.yaml")).ShouldContain("image: \"${WEB_IMAGE:-b}\"");
        Param(result, "COMPOSE_PROFILES").Default!.GetValue<string>().ShouldBe("");
        result.Fidelity.ShouldContain(f => f.Target == "kubernetes" && f.Key == "services.debug.profiles" && f.Effect == FidelityItem.Dropped);
    }

    [Fact]
    public async Task Should_make_a_written_image_a_param_that_defaults_to_it_unless_the_name_is_taken()
    {
        // Given: an image written as is, and one whose param name another variable already has
        var file = Compose("services:\n  web:\n    image: busybox:1.36\n  cache:\n    image: redis:7\n    environment:\n      MODE: ${CACHE_IMAGE:-x}\n");

        // When
        var result = Import(file);
        var swapped = await RenderAction.RunAsync(new RenderOptions { AppPath = result.Destination, Provider = "kubernetes", Sets = ["WEB_IMAGE=local/busybox:latest"], Environment = new Dictionary<string, string>() });

        // Then: WEB_IMAGE defaults to the written image and swaps it on every target; CACHE_IMAGE stays the variable it was
        var web = Param(result, "WEB_IMAGE");
        web.Default!.GetValue<string>().ShouldBe("busybox:1.36");
        web.Hidden.ShouldBeFalse();
        File.ReadAllText(Path.Combine(result.Destination, "artifacts", "docker", "web.yaml")).ShouldContain("image: \"${WEB_IMAGE:-busybox:1.36}\"");
        File.ReadAllText(Path.Combine(result.Destination, "artifacts", "docker", "cache.yaml")).ShouldContain("image: \"redis:7\"");
        Param(result, "CACHE_IMAGE").Default!.GetValue<string>().ShouldBe("x");
        var deployment = swapped.App.Components.Single(c => c.Name == "web").Artifacts.Single().Documents.Single(d => d?["kind"]?.GetValue<string>() == "Deployment")!;
        deployment["spec"]!["template"]!["spec"]!["containers"]![0]!["image"]!.GetValue<string>().ShouldBe("local/busybox:latest");
    }

    [Fact]
    public async Task Should_make_a_written_host_port_a_param_that_defaults_to_it()
    {
        // Given: one published port per service, two in another, long syntax, a range, a taken name and a container port alone
        var file = Compose("""
            services:
              web:
                image: busybox:1.36
                ports: ["8443:443"]
              api:
                image: busybox:1.36
                ports: ["127.0.0.1:8000:80/tcp", {target: 81, published: "8001"}, "9000-9001:90-91", "7000"]
              db:
                image: busybox:1.36
                ports: ["5432:5432"]
                environment:
                  DB_PORT: ${DB_PORT:-1}
            """);

        // When
        var result = Import(file);
        var rendered = await RenderAction.RunAsync(new RenderOptions { AppPath = result.Destination, Provider = "docker", Sets = ["WEB_PORT=18443"], Environment = new Dictionary<string, string>() });

        // Then: each literal host port is a string param defaulting to it; ranges, bare container ports and a taken name stay as written
        Param(result, "WEB_PORT").Default!.GetValue<string>().ShouldBe("8443");
        Param(result, "API_PORT_80").Default!.GetValue<string>().ShouldBe("8000");
        Param(result, "API_PORT_81").Default!.GetValue<string>().ShouldBe("8001");
        Param(result, "DB_PORT").Default!.GetValue<string>().ShouldBe("1");
        result.Params.Select(p => p.Name).ShouldNotContain("API_PORT_90");
        var api = File.ReadAllText(Path.Combine(result.Destination, "artifacts", "docker", "api.yaml"));
        api.ShouldContain("\"127.0.0.1:${API_PORT_80:-8000}:80/tcp\"");
        api.ShouldContain("published: \"${API_PORT_81:-8001}\"");
        api.ShouldContain("\"9000-9001:90-91\"");
        File.ReadAllText(Path.Combine(result.Destination, "artifacts", "docker", "db.yaml")).ShouldContain("\"5432:5432\"");
        var web = rendered.App.Components.Single(c => c.Name == "web").Artifacts.Single().Documents.Single()!;
        web["services"]!["web"]!["ports"]![0]!.ToJsonString().ShouldContain("18443");
    }

    [Fact]
    public void Should_report_a_secret_mode_and_owner_as_dropped_on_every_target()
    {
        // Given: a long-syntax secret with mode, uid and gid, which none of the targets keeps
        File.WriteAllText(Path.Combine(_dir, "key.txt"), "k");
        var file = Compose("""
            services:
              web:
                image: busybox:1.36
                secrets:
                  - {source: key, target: site.key, mode: 0400, uid: "101", gid: "101"}
            secrets:
              key: {file: ../key.txt}
            """);

        // When
        var result = Import(file);

        // Then: each of the three keys is dropped, with its place, for docker, swarm and Kubernetes
        foreach (var target in new[] { "docker", "swarm", "kubernetes" })
        {
            foreach (var key in new[] { "mode", "uid", "gid" })
            {
                result.Fidelity.ShouldContain(f => f.Target == target && f.Key == $"services.web.secrets[].{key}" && f.Effect == FidelityItem.Dropped && f.At!.Line == 5,
                    $"{target}: {key}");
            }
        }
    }

    [Theory]
    [InlineData("${A}", "${A}")]
    [InlineData("${A:-x}/${B-y}", "${A}/${B}")]
    [InlineData("$A and $$HOME", "${A} and $$HOME")]
    [InlineData("${A:?need it}", "${A}")]
    [InlineData("cost: 5$", "cost: 5$$")]
    public void Should_turn_compose_references_into_param_references(string compose, string nulecule)
    {
        KubernetesManifests.Template(compose, out var changed).ShouldBe(nulecule);
        changed.ShouldBeFalse();
    }

    [Fact]
    public void Should_say_the_report_as_text_with_places()
    {
        var file = Compose(Shop);
        var lines = ImportReportText.Lines(Import(file));

        lines.ShouldContain(l => l.StartsWith("docker: ", StringComparison.Ordinal) && l.Contains("dropped", StringComparison.Ordinal));
        lines.ShouldContain($"  {file}:15:5: services.web.build dropped: images are not built: the service runs the image param");
        lines.ShouldContain("  DB_ROOT_PASSWORD (string, hidden): required");
        lines.ShouldContain("  WEB_REPLICAS (integer): default 2");
    }
}
