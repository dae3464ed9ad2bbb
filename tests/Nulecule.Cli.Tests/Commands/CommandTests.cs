using System.Text.Json.Nodes;

namespace Nulecule.Cli.Tests.Commands;

public sealed class CommandTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "nulecule-cli-" + Guid.NewGuid().ToString("N")[..10]);

    public CommandTests() => Directory.CreateDirectory(_dir);

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string WriteApp(string nulecule, params (string Path, string Text)[] files)
    {
        var app = Path.Combine(_dir, "app");
        Directory.CreateDirectory(app);
        File.WriteAllText(Path.Combine(app, "Nulecule"), nulecule);
        foreach (var (path, text) in files)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.Combine(app, path))!);
            File.WriteAllText(Path.Combine(app, path), text);
        }

        return app;
    }

    private const string SecretApp = """
        specversion: 0.0.2
        id: secret-app
        graph:
          - name: db
            params:
              - name: user
                description: database user
                default: admin
              - name: password
                description: database password
                hidden: true
              - name: port
                description: port
                default: 5432
            artifacts:
              kubernetes:
                - file://pod.yaml
        """;

    private const string Pod = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: db\nspec:\n  containers:\n    - name: db\n      image: postgres\n      env:\n        - {name: PASSWORD, value: $password}\n        - {name: PORT, value: \"$port\"}\n      ports:\n        - containerPort: $port\n";

    [Fact]
    public async Task Should_create_an_app_with_init_that_validates_and_renders_for_both_providers()
    {
        var app = Path.Combine(_dir, "hello");

        var init = await Cli.RunAsync("init", "hello", "--destination", app);
        var validate = await Cli.RunAsync("validate", app);
        var docker = await Cli.RunAsync("template", app, "--provider", "docker");
        var kube = await Cli.RunAsync("template", app, "--provider", "kubernetes", "--set", "web.port=9090");

        init.ExitCode.ShouldBe(0, init.Stderr);
        validate.ExitCode.ShouldBe(0, validate.Stderr);
        validate.Stdout.ShouldBe("hello: valid (1 app(s), 1 component(s), 0 warning(s))\n");
        docker.Stdout.ShouldContain("docker run -d --name web -p 8090:80 local/busybox:latest httpd -f -p 80 -h /etc");
        kube.ExitCode.ShouldBe(0, kube.Stderr);
        kube.Stdout.ShouldContain("kind: Deployment");
    }

    [Fact]
    public async Task Should_refuse_init_into_a_non_empty_directory()
    {
        var app = WriteApp(SecretApp);

        var result = await Cli.RunAsync("init", "again", "--destination", app);

        result.ExitCode.ShouldBe(2);
        result.Stderr.ShouldContain("already exists and is not empty");
    }

    [Fact]
    public async Task Should_mask_hidden_values_in_params_and_template_output()
    {
        var app = WriteApp(SecretApp, ("pod.yaml", Pod));
        const string Canary = "canary-5e3b9f";

        var table = await Cli.RunAsync("params", app, "--set", $"db.password={Canary}");
        var json = await Cli.RunAsync("params", app, "--set", $"db.password={Canary}", "-o", "json");
        var template = await Cli.RunAsync("template", app, "--set", $"db.password={Canary}");
        var shown = await Cli.RunAsync("template", app, "--set", $"db.password={Canary}", "--show-secrets");

        table.ExitCode.ShouldBe(0, table.Stderr);
        (table.Stdout + table.Stderr + json.Stdout + template.Stdout + template.Stderr).ShouldNotContain(Canary);
        table.Stdout.ShouldContain("******");
        var rows = JsonNode.Parse(json.Stdout)!["items"]!.AsArray();
        var password = rows.Single(r => r!["name"]!.GetValue<string>() == "password")!;
        password["value"]!.GetValue<string>().ShouldBe("******");
        password["source"]!.GetValue<string>().ShouldBe("command line");
        rows.Single(r => r!["name"]!.GetValue<string>() == "port")!["kind"]!.GetValue<string>().ShouldBe("integer");
        template.Stdout.ShouldContain("value: '******'");
        shown.Stdout.ShouldContain(Canary);
    }

    [Fact]
    public async Task Should_say_where_each_value_came_from()
    {
        var app = WriteApp(SecretApp, ("pod.yaml", Pod));
        var answers = Path.Combine(_dir, "answers.conf");
        await File.WriteAllTextAsync(answers, "[general]\nprovider = kubernetes\n\n[db]\nuser = alice\npassword = pw\n");
        var env = new Dictionary<string, string> { ["NO_COLOR"] = "1", ["NULECULE_PARAM_db__port"] = "6000" };

        var result = await Cli.RunAsync(["params", app, "-a", answers, "-o", "json"], env);

        result.ExitCode.ShouldBe(0, result.Stderr);
        var rows = JsonNode.Parse(result.Stdout)!["items"]!.AsArray().ToDictionary(r => r!["name"]!.GetValue<string>(), r => r!["source"]!.GetValue<string>());
        rows["user"].ShouldEndWith("answers.conf:5");
        rows["port"].ShouldBe("environment NULECULE_PARAM_db__port");
    }

    [Fact]
    public async Task Should_write_genanswers_with_descriptions_as_comments()
    {
        var app = WriteApp(SecretApp, ("pod.yaml", Pod));
        var file = Path.Combine(_dir, "answers.conf");

        var result = await Cli.RunAsync("genanswers", app, "--output-file", file);
        var yaml = await Cli.RunAsync("genanswers", app, "-o", "yaml");
        var legacy = await Cli.RunAsync("genanswers", app, "--format", "yaml");

        result.ExitCode.ShouldBe(0, result.Stderr);
        var text = await File.ReadAllTextAsync(file);
        text.ShouldContain("[db]");
        text.ShouldContain("# database password");
        text.ShouldContain("port = 5432");
        yaml.Stdout.ShouldContain("db:");
        legacy.Stdout.ShouldBe(yaml.Stdout, "--format stays a name of -o");
    }

    [Fact]
    public async Task Should_write_one_file_per_artifact_with_output_dir()
    {
        var app = WriteApp(SecretApp, ("pod.yaml", Pod));
        var outDir = Path.Combine(_dir, "out");

        var result = await Cli.RunAsync("template", app, "--set", "db.password=x", "--output-dir", outDir);

        result.ExitCode.ShouldBe(0, result.Stderr);
        var rendered = await File.ReadAllTextAsync(Path.Combine(outDir, "db", "pod.yaml"));
        rendered.ShouldContain("containerPort: 5432");
        rendered.ShouldContain("value: \"5432\"");
    }

    [Fact]
    public async Task Should_document_exit_codes_and_print_the_version()
    {
        var help = await Cli.RunAsync("--help");
        var version = await Cli.RunAsync("--version");
        var usage = await Cli.RunAsync("template", "--no-such-flag");

        help.Stdout.ShouldContain("Exit codes: 0 success; 1 an operation failed");
        version.Stdout.Trim().ShouldBe("0.1.0");
        usage.ExitCode.ShouldBe(2);
        usage.Stderr.ShouldContain("--no-such-flag");
    }

    [CorpusFact]
    public async Task Should_generate_and_list_an_index_of_the_corpus()
    {
        var index = Path.Combine(_dir, "index.yaml");

        var generate = await Cli.RunAsync("index", "generate", Repo.Corpus!, "--file", index);
        var list = await Cli.RunAsync("index", "list", index);

        generate.ExitCode.ShouldBe(0, generate.Stderr);
        generate.Stdout.ShouldContain("(14 application(s))");
        list.Stdout.ShouldContain("helloapache-app");
        list.Stdout.ShouldContain("docker.io/projectatomic/wordpress-centos7-atomicapp");
    }

    private const string ValuesApp = """
        specversion: 0.0.2
        id: values-app
        graph:
          - name: web
            params:
              - name: greeting
                default: hello
              - name: port
                default: 80
              - name: note
                default: x
              - name: cert
                default: none
            artifacts:
              kubernetes:
                - file://cm.yaml
        """;

    private const string ConfigMap = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: web\ndata:\n  greeting: $greeting\n  port: \"$port\"\n  note: $note\n  cert: $cert\n";

    [Fact]
    public async Task Should_layer_values_files_and_set_flags_like_helm()
    {
        // Given: two values files (the later wins key by key), a comma list, --set-string and --set-file
        var app = WriteApp(ValuesApp, ("cm.yaml", ConfigMap));
        var first = Path.Combine(_dir, "first.yaml");
        var second = Path.Combine(_dir, "second.ini");
        var cert = Path.Combine(_dir, "cert.pem");
        File.WriteAllText(first, "web:\n  greeting: from-first\n  port: 81\n");
        File.WriteAllText(second, "[web]\ngreeting = from-second\n");
        File.WriteAllText(cert, "CERT-LINE");

        // When
        var result = await Cli.RunAsync("template", app, "-f", first, "--values", second,
            "--set", "note=a,b,web.port=8080", "--set-string", "greeting=None", "--set-file", $"cert={cert}");

        // Then
        result.ExitCode.ShouldBe(0, result.Stderr);
        result.Stdout.ShouldContain("greeting: None");
        result.Stdout.ShouldContain("port: \"8080\"");
        result.Stdout.ShouldContain("note: a,b");
        result.Stdout.ShouldContain("cert: CERT-LINE");
    }

    [Fact]
    public async Task Should_take_the_later_values_file_over_the_earlier()
    {
        var app = WriteApp(ValuesApp, ("cm.yaml", ConfigMap));
        var first = Path.Combine(_dir, "first.ini");
        var second = Path.Combine(_dir, "second.ini");
        File.WriteAllText(first, "[web]\ngreeting = one\nnote = kept\n");
        File.WriteAllText(second, "[web]\ngreeting = two\n");

        var result = await Cli.RunAsync("template", app, "-a", first, "-a", second);

        result.ExitCode.ShouldBe(0, result.Stderr);
        result.Stdout.ShouldContain("greeting: two");
        result.Stdout.ShouldContain("note: kept");
    }

    [Fact]
    public async Task Should_refuse_to_run_with_an_unknown_set_name_unless_allowed()
    {
        // Given: a typo in a --set name, which must not deploy the default instead
        var app = WriteApp(ValuesApp, ("cm.yaml", ConfigMap));

        // When: nothing is reached before the values are resolved, so no engine is needed
        var refused = await Cli.RunAsync("run", app, "--provider", "kubernetes", "--set", "web.prot=8080", "--dry-run");
        var template = await Cli.RunAsync("template", app, "--set", "web.prot=8080");

        // Then
        refused.ExitCode.ShouldBe(2, refused.Stderr);
        refused.Stderr.ShouldContain("--set web.prot: [web] prot matches no param of 'web'; did you mean 'port'?");
        refused.Stderr.ShouldContain("--allow-unknown");
        template.ExitCode.ShouldBe(0, template.Stderr);
        template.Stderr.ShouldContain("warning");
    }

    [Fact]
    public async Task Should_accept_an_unknown_set_name_with_allow_unknown()
    {
        var app = WriteApp(ValuesApp, ("cm.yaml", ConfigMap));

        var result = await Cli.RunAsync("run", app, "--provider", "kubernetes", "--set", "web.prot=8080", "--allow-unknown", "--dry-run");

        // The name is reported as a warning; whatever happens next (no cluster here) is not about it.
        var line = result.Stderr.Split('\n').Single(l => l.Contains("--set web.prot", StringComparison.Ordinal));
        line.ShouldContain("warning");
        line.ShouldNotContain("error");
    }
}

