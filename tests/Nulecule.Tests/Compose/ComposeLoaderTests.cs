using System.Text.Json.Nodes;
using Nulecule.Compose;

namespace Nulecule.Tests.Compose;

public sealed class ComposeLoaderTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("compose-loader-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Write(string name, string text)
    {
        var path = Path.Combine(_dir, name);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
        return path;
    }

    private ComposeLoadResult Load(string text, Dictionary<string, string>? vars = null, IReadOnlyCollection<string>? profiles = null, SecretMasker? masker = null) =>
        LoadFiles([("compose.yaml", text)], vars, profiles, masker);

    private ComposeLoadResult LoadFiles(IEnumerable<(string Name, string Text)> files, Dictionary<string, string>? vars = null, IReadOnlyCollection<string>? profiles = null, SecretMasker? masker = null)
    {
        var sources = files.Select(f =>
        {
            Write(f.Name, f.Text);
            return new ComposeSource(f.Name, f.Text, _dir);
        }).ToList();
        return ComposeLoader.Load(sources, new ComposeLoadOptions
        {
            Variables = n => vars is not null && vars.TryGetValue(n, out var v) ? v : null,
            Profiles = profiles,
            Masker = masker ?? SecretMasker.None,
            Root = _dir,
        });
    }

    private const string ThreeTier = """
        name: shop
        services:
          web:
            image: "nginx:${WEB_TAG:-corpus}"
            ports: ["${WEB_PORT:-8080}:80"]
            environment:
              - MODE=${MODE}
              - PRICE=$$5
            depends_on:
              db:
                condition: service_healthy
              migrate:
                condition: service_completed_successfully
            deploy:
              replicas: "${REPLICAS:-2}"
            restart: unless-stopped
          db:
            image: postgres:corpus
            environment:
              POSTGRES_PASSWORD: ${DB_PASSWORD:?the database needs a password}
            volumes: [data:/var/lib/postgresql/data]
            healthcheck:
              test: ["CMD-SHELL", "pg_isready"]
              interval: 2s
              retries: 10
          migrate:
            image: busybox:corpus
            command: sh -c 'echo "migrated" && exit 0'
            depends_on: [db]
        volumes:
          data: {}
        """;

    [Fact]
    public void Should_interpolate_params_cast_values_and_normalize_forms()
    {
        // Given
        var vars = new Dictionary<string, string> { ["MODE"] = "prod", ["DB_PASSWORD"] = "s3cret", ["REPLICAS"] = "3" };

        // When
        var result = Load(ThreeTier, vars);

        // Then
        var project = result.Project;
        project.Name.ShouldBe("shop");
        project.InDependencyOrder().Select(s => s.Name).ShouldBe(["db", "migrate", "web"]);
        var web = project.Services["web"];
        web.Image.ShouldBe("nginx:corpus");
        web.Replicas.ShouldBe(3);
        web.Ports.ShouldBe([new ComposePort(80, "8080", null, "tcp")]);
        web.Environment.ShouldBe(new Dictionary<string, string> { ["MODE"] = "prod", ["PRICE"] = "$5" });
        web.DependsOn["db"].Condition.ShouldBe("service_healthy");
        web.DependsOn["migrate"].Condition.ShouldBe("service_completed_successfully");
        web.Restart.ShouldBe("unless-stopped");
        project.Services["migrate"].Command.ShouldBe(["sh", "-c", "echo \"migrated\" && exit 0"]);
        project.Services["migrate"].DependsOn["db"].ShouldBe(new ComposeDependency("service_started", false, true));
        project.Services["db"].Healthcheck!.Interval.ShouldBe(TimeSpan.FromSeconds(2));
        project.Services["db"].Healthcheck!.Retries.ShouldBe(10);
        project.Services["db"].Volumes.ShouldBe([new ComposeMount("volume", "data", "/var/lib/postgresql/data", false)]);
        result.Document["services"]!["web"]!["deploy"]!["replicas"]!.GetValueKind().ShouldBe(System.Text.Json.JsonValueKind.Number);
        result.Used.ShouldContain("DB_PASSWORD");
    }

    [Fact]
    public void Should_locate_a_missing_mandatory_variable()
    {
        var error = Should.Throw<NuleculeException>(() => Load(ThreeTier, new() { ["MODE"] = "x" }));

        var d = error.Diagnostics.ShouldHaveSingleItem();
        d.Message.ShouldContain("services.db.environment.POSTGRES_PASSWORD: required variable DB_PASSWORD is missing a value: the database needs a password");
        d.Location.ShouldBe(new SourceLocation("compose.yaml", 20, 26));
    }

    [Fact]
    public void Should_warn_about_variables_without_value()
    {
        var result = Load(ThreeTier, new() { ["DB_PASSWORD"] = "x" });

        result.Unset.ShouldBe(["MODE"]);
        result.Warnings.ShouldContain(w => w.Message.Contains("MODE is not set", StringComparison.Ordinal));
    }

    [Fact]
    public void Should_let_params_outrank_the_dot_env_file()
    {
        Write(".env", "WEB_TAG=fromenv\nMODE='lit ${X}' # comment\nDB_PASSWORD=\"a\\tb\"\n");

        var result = Load(ThreeTier, new() { ["WEB_TAG"] = "param" });

        result.Project.Services["web"].Image.ShouldBe("nginx:param");
        result.Project.Services["web"].Environment["MODE"].ShouldBe("lit ${X}");
        result.Project.Services["db"].Environment["POSTGRES_PASSWORD"].ShouldBe("a\tb");
    }

    [Fact]
    public void Should_locate_schema_errors_at_the_key()
    {
        var error = Should.Throw<NuleculeException>(() => Load("""
            services:
              web:
                image: busybox:corpus
                imagee: typo
                ports: [{target: "${P}"}]
            """, new() { ["P"] = "eighty" }));

        // The cast fails first: ports[].target must be a whole number.
        error.Diagnostics[0].Message.ShouldBe("services.web.ports[0].target: 'eighty' is not a whole number");
        error.Diagnostics[0].Location.ShouldBe(new SourceLocation("compose.yaml", 5, 22));

        var schema = Should.Throw<NuleculeException>(() => Load("""
            services:
              web:
                image: busybox:corpus
                imagee: typo
                restart: [always]
            """));
        schema.Diagnostics.ShouldContain(d => d.Message == "'services.web.imagee' is not a Compose key here" && d.Location == new SourceLocation("compose.yaml", 4, 5));
        schema.Diagnostics.ShouldContain(d => d.Message.StartsWith("services.web.restart:", StringComparison.Ordinal) && d.Location == new SourceLocation("compose.yaml", 5, 14));
    }

    [Fact]
    public void Should_name_every_compose_key_it_does_not_deploy()
    {
        var error = Should.Throw<NuleculeException>(() => Load("""
            services:
              web:
                image: busybox:corpus
                cap_add: [NET_ADMIN]
                deploy:
                  replicas: 2
                  resources: {limits: {cpus: "0.5"}}
            networks:
              front: {ipam: {driver: default, options: {a: b}}}
            """));

        error.Diagnostics.Select(d => (d.Message.Split(' ')[0], d.Location!.Line)).ShouldBe([
            ("services.web.cap_add", 4), ("services.web.deploy.resources", 7), ("networks.front.ipam.options", 9)], ignoreOrder: true);
    }

    [Fact]
    public void Should_mask_hidden_values_in_errors()
    {
        var masker = new SecretMasker(["hunter2"]);

        var error = Should.Throw<NuleculeException>(() => Load("services: {web: {image: x, deploy: {replicas: '${PW}'}}}", new() { ["PW"] = "hunter2" }, masker: masker));

        error.Diagnostics[0].Message.ShouldNotContain("hunter2");
        error.Diagnostics[0].Message.ShouldContain(SecretMasker.Stars);
    }

    [Fact]
    public void Should_drop_services_of_inactive_profiles_and_refuse_a_dependency_on_one()
    {
        const string text = """
            services:
              app: {image: busybox:corpus}
              debug: {image: busybox:corpus, profiles: [debug]}
            """;
        Load(text).Project.Services.Keys.ShouldBe(["app"]);
        Load(text, profiles: ["debug"]).Project.Services.Keys.ShouldBe(["app", "debug"]);
        Load(text, new() { ["COMPOSE_PROFILES"] = "other,debug" }).Project.Services.Keys.ShouldBe(["app", "debug"]);

        var error = Should.Throw<NuleculeException>(() => Load("""
            services:
              app: {image: busybox:corpus, depends_on: [debug]}
              debug: {image: busybox:corpus, profiles: [debug]}
            """));
        error.Message.ShouldContain("services.app depends on debug, which is only in profiles that are not active");
        error.Diagnostics[0].Location!.Line.ShouldBe(2);
    }

    [Fact]
    public void Should_copy_included_projects_with_their_own_paths_and_env()
    {
        Write("db/.env", "DB_IMAGE=postgres:corpus\nTAG=fromdb\n");
        Write("db/db.env", "A=1\n");
        Write("db/compose.yaml", """
            services:
              db:
                image: ${DB_IMAGE}
                env_file: db.env
                volumes: ["./data:/data"]
            """);

        var result = Load("""
            include:
              - db/compose.yaml
            services:
              web: {image: "web:${TAG:-x}", depends_on: [db]}
            """, new() { ["TAG"] = "param" });

        var db = result.Project.Services["db"];
        db.Image.ShouldBe("postgres:corpus");
        db.Environment["A"].ShouldBe("1");
        db.Volumes[0].ShouldBe(new ComposeMount("bind", Path.Combine(SafeFiles.RealPath(_dir), "db", "data"), "/data", false));
        result.Project.Services["web"].Image.ShouldBe("web:param");
    }

    [Fact]
    public void Should_refuse_an_include_that_redefines_a_service_or_loops_or_leaves_the_app()
    {
        Write("other.yaml", "services: {web: {image: a}}\n");
        Should.Throw<NuleculeException>(() => Load("include: [other.yaml]\nservices: {web: {image: b}}\n"))
            .Message.ShouldContain("services.web is defined both here and in the included other.yaml");

        Write("loop.yaml", "include: [compose.yaml]\nservices: {a: {image: a}}\n");
        Should.Throw<NuleculeException>(() => Load("include: [loop.yaml]\nservices: {b: {image: b}}\n")).Message.ShouldContain("loops back");

        Should.Throw<NuleculeException>(() => Load("include: [../../etc/compose.yaml]\nservices: {b: {image: b}}\n")).Diagnostics[0].Location!.Line.ShouldBe(1);
    }

    [Fact]
    public void Should_merge_later_files_over_earlier_ones()
    {
        var result = LoadFiles([
            ("compose.yaml", """
                services:
                  web:
                    image: web:1
                    command: [a, b]
                    environment: {A: "1", B: "1"}
                    ports: ["8080:80"]
                    volumes: ["data:/data", "logs:/logs"]
                volumes: {data: {}, logs: {}, other: {}}
                """),
            ("override.yaml", """
                services:
                  web:
                    image: web:2
                    command: [c]
                    environment: [B=2, C=3]
                    ports: ["8443:443"]
                    volumes: ["other:/data"]
                """),
        ]);

        var web = result.Project.Services["web"];
        web.Image.ShouldBe("web:2");
        web.Command.ShouldBe(["c"]);
        web.Environment.ShouldBe(new Dictionary<string, string> { ["A"] = "1", ["B"] = "2", ["C"] = "3" });
        web.Ports.Select(p => p.Target).ShouldBe([80, 443]);
        web.Volumes.Select(v => (v.Source, v.Target)).ShouldBe([("other", "/data"), ("logs", "/logs")]);
    }

    [Fact]
    public void Should_fold_env_files_under_environment_and_read_secrets_in()
    {
        Write("app.env", "A=from-file\nB=from-file\n# comment\nexport C=\"x y\"\n");
        Write("token.txt", "tok\n");

        var result = Load("""
            services:
              app:
                image: busybox:corpus
                env_file: [app.env, {path: missing.env, required: false}]
                environment: {B: from-environment}
                secrets: [token, {source: db_pw, target: password}]
            secrets:
              token: {file: ./token.txt}
              db_pw: {environment: DB_PW}
            """, new() { ["DB_PW"] = "pw" });

        var app = result.Project.Services["app"];
        app.Environment.ShouldBe(new Dictionary<string, string> { ["A"] = "from-file", ["B"] = "from-environment", ["C"] = "x y" });
        app.Secrets.ShouldBe([new ComposeFileReference("token", "token"), new ComposeFileReference("db_pw", "password")]);
        result.Project.Secrets["token"].Content.ShouldBe("tok\n");
        result.Project.Secrets["db_pw"].Content.ShouldBe("pw");
        result.Document["services"]!["app"]!.AsObject().ContainsKey("env_file").ShouldBeFalse();
    }

    [Fact]
    public void Should_apply_yaml_merge_keys_and_ignore_extensions()
    {
        var result = Load("""
            x-base: &base
              image: busybox:corpus
              restart: always
            services:
              a:
                <<: *base
                restart: "no"
            """);

        result.Project.Services["a"].Image.ShouldBe("busybox:corpus");
        result.Project.Services["a"].Restart.ShouldBe("no");
    }

    [Fact]
    public void Should_cast_booleans_as_compose_does()
    {
        var result = Load("""
            services: {a: {image: x, depends_on: {b: {condition: service_started, required: "${R}"}}}, b: {image: x}}
            networks: {n: {external: "yes"}}
            """, new() { ["R"] = "False" });

        result.Project.Services["a"].DependsOn["b"].Required.ShouldBeFalse();
        result.Project.Networks["n"].External.ShouldBeTrue();
    }

    [Theory]
    [InlineData("10s", 10_000)]
    [InlineData("1m30s", 90_000)]
    [InlineData("500ms", 500)]
    [InlineData("1.5s", 1_500)]
    [InlineData("1h", 3_600_000)]
    [InlineData("0", 0)]
    public void Should_parse_durations(string text, double ms)
    {
        ComposeModel.ParseDuration(text).ShouldBe(TimeSpan.FromMilliseconds(ms));
    }

    [Theory]
    [InlineData("10")]
    [InlineData("s")]
    [InlineData("10x")]
    public void Should_refuse_bad_durations(string text)
    {
        ComposeModel.ParseDuration(text).ShouldBeNull();
    }

    [Theory]
    [InlineData("80", 80, null, null, "tcp")]
    [InlineData("8080:80", 80, "8080", null, "tcp")]
    [InlineData("127.0.0.1:8080:80/udp", 80, "8080", "127.0.0.1", "udp")]
    [InlineData("127.0.0.1::80", 80, null, "127.0.0.1", "tcp")]
    public void Should_read_short_port_syntax(string text, int target, string? published, string? hostIp, string protocol)
    {
        var port = Load($"services: {{a: {{image: x, ports: [\"{text}\"]}}}}").Project.Services["a"].Ports.ShouldHaveSingleItem();

        port.ShouldBe(new ComposePort(target, published, hostIp, protocol));
    }

    [Fact]
    public void Should_know_compose_documents_from_other_artifacts()
    {
        ComposeLoader.LooksLikeCompose("services:\n  a: {image: x}\n").ShouldBeTrue();
        ComposeLoader.LooksLikeCompose("name: x\nservices: {}\n").ShouldBeTrue();
        ComposeLoader.LooksLikeCompose("docker run -d --name services: busybox").ShouldBeFalse();
        ComposeLoader.LooksLikeCompose("apiVersion: v1\nkind: Service\nservices: x\n").ShouldBeFalse();
        ComposeLoader.LooksLikeCompose("{\"services\": {}}").ShouldBeTrue();
    }

    [Fact]
    public void Should_accept_a_document_that_follows_the_schema()
    {
        var document = (JsonObject)JsonNode.Parse("""{"services": {"a": {"image": "x", "ports": ["80"], "deploy": {"replicas": 2}}}}""")!;

        ComposeSchema.Check(document, new ComposeLocations(), "f").ShouldBeEmpty();
    }
}
