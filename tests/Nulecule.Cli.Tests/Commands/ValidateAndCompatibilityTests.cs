using System.Text.Json.Nodes;

namespace Nulecule.Cli.Tests.Commands;

/// <summary>
/// `validate` rejects first what `template` or `run` would reject without an engine; rendering reads
/// only the chosen provider's artifacts; Atomic App's habits (answers.conf in the app directory,
/// `default: None`, stale answers sections) keep working.
/// </summary>
public sealed class ValidateAndCompatibilityTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "nulecule-validate-" + Guid.NewGuid().ToString("N")[..10]);

    public ValidateAndCompatibilityTests() => Directory.CreateDirectory(_dir);

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private const string GoodPod = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n    - name: web\n      image: $image\n";
    private const string GoodRun = "docker run -d --name web -p $port:80 $image\n";

    private static string Nulecule(string extraParams = "", string defaultPort = "8080") => $"""
        specversion: 0.0.2
        id: probe
        graph:
          - name: web
            params:
              - name: image
                description: the image
                default: busybox
              - name: port
                description: the host port
                default: {defaultPort}
                constraints:
                  - allowed_pattern: "[0-9]{"{"}1,5{"}"}"
                    description: a port number
        {extraParams}
            artifacts:
              docker:
                - file://artifacts/docker/web-run
              kubernetes:
                - file://artifacts/kubernetes/pod.yaml
        """;

    private string WriteApp(string nulecule, string? run = GoodRun, string? pod = GoodPod, params (string Path, string Text)[] more)
    {
        var app = Path.Combine(_dir, "app-" + Guid.NewGuid().ToString("N")[..6]);
        Directory.CreateDirectory(app);
        File.WriteAllText(Path.Combine(app, "Nulecule"), nulecule);
        var files = new List<(string, string?)> { ("artifacts/docker/web-run", run), ("artifacts/kubernetes/pod.yaml", pod) };
        files.AddRange(more.Select(m => (m.Path, (string?)m.Text)));
        foreach (var (path, text) in files)
        {
            if (text is not null)
            {
                Directory.CreateDirectory(Path.GetDirectoryName(Path.Combine(app, path))!);
                File.WriteAllText(Path.Combine(app, path), text);
            }
        }

        return app;
    }

    [Fact]
    public async Task Should_validate_a_good_app_and_count_its_warnings()
    {
        var result = await Cli.RunAsync("validate", WriteApp(Nulecule()));

        result.ExitCode.ShouldBe(0, result.Stderr);
        result.Stdout.ShouldContain("probe: valid (1 app(s), 1 component(s), 0 warning(s))");
    }

    [Theory]
    [InlineData("kubernetes", "pod.yaml", "apiVersion: v1\nkind: Pod\nmetadata: {name: web\n", "kubernetes artifact of component 'web': the rendered artifact is not valid YAML")]
    [InlineData("docker", "web-run", "echo hello\n", "docker artifact of component 'web': ")]
    [InlineData("docker", "web-run", "docker run -d --cidfile /tmp/x busybox\n", "docker artifact of component 'web': ")]
    public async Task Should_reject_an_artifact_that_template_or_run_would_reject_naming_the_provider(string provider, string file, string text, string expected)
    {
        // Given
        var app = provider == "docker" ? WriteApp(Nulecule(), run: text) : WriteApp(Nulecule(), pod: text);

        // When
        var result = await Cli.RunAsync("validate", app);

        // Then
        result.ExitCode.ShouldBe(2, result.Stderr);
        result.Stderr.ShouldContain(expected);
        result.Stderr.ShouldContain(file);
        result.Stderr.ShouldContain("1 error(s)");
    }

    [Fact]
    public async Task Should_reject_a_default_that_breaks_its_own_constraint_even_when_answered()
    {
        // Given: the default breaks the constraint; an answers file hides it today
        var app = WriteApp(Nulecule(defaultPort: "abc"), more: [("answers.conf", "[web]\nport = 80\n")]);

        // When
        var result = await Cli.RunAsync("validate", app);

        // Then
        result.ExitCode.ShouldBe(2);
        result.Stderr.ShouldContain("error: [web] port: the default 'abc' does not satisfy \"a port number\"");
    }

    [Fact]
    public async Task Should_check_answers_file_values_against_their_constraints_and_types()
    {
        var app = WriteApp(Nulecule());
        var answers = Path.Combine(app, "given.conf");
        await File.WriteAllTextAsync(answers, "[web]\nport = 123456\n");

        var result = await Cli.RunAsync("validate", app, "-a", answers);

        result.ExitCode.ShouldBe(2);
        result.Stderr.ShouldContain("given.conf:2:1: error: [web] port = '123456'");
    }

    [Fact]
    public async Task Should_warn_about_a_reference_no_param_defines_with_a_suggestion_and_fail_with_strict()
    {
        // Given: $imgae, a typo of $image
        var app = WriteApp(Nulecule(), pod: GoodPod.Replace("$image", "$imgae", StringComparison.Ordinal));

        // When
        var plain = await Cli.RunAsync("validate", app);
        var strict = await Cli.RunAsync("validate", app, "--strict");
        var json = await Cli.RunAsync("validate", app, "-o", "json");

        // Then
        plain.ExitCode.ShouldBe(0, plain.Stderr);
        plain.Stderr.ShouldContain("pod.yaml:8:14: warning: kubernetes artifact of component 'web': $imgae is defined by no param in scope, so it is left as written; did you mean 'image'?");
        plain.Stdout.ShouldContain("1 warning(s)");
        strict.ExitCode.ShouldBe(2);
        strict.Stderr.ShouldContain("0 error(s), 1 warning(s)");
        json.ExitCode.ShouldBe(0, json.Stderr);
        var report = JsonNode.Parse(json.Stdout)!;
        report["warnings"]!.GetValue<int>().ShouldBe(1);
        var diagnostic = report["diagnostics"]![0]!;
        diagnostic["severity"]!.GetValue<string>().ShouldBe("warning");
        diagnostic["line"]!.GetValue<int>().ShouldBe(8);
        diagnostic["message"]!.GetValue<string>().ShouldContain("did you mean 'image'?");
    }

    [Fact]
    public async Task Should_report_a_missing_artifact_of_every_provider_in_validate_but_not_in_template_for_another_provider()
    {
        // Given: no kubernetes artifact
        var app = WriteApp(Nulecule(), pod: null);

        // When
        var validate = await Cli.RunAsync("validate", app);
        var docker = await Cli.RunAsync("template", app, "-p", "docker");
        var kube = await Cli.RunAsync("template", app, "-p", "kubernetes");

        // Then
        validate.ExitCode.ShouldBe(2);
        validate.Stderr.ShouldContain("Nulecule:20:11: error: kubernetes artifact 'file://artifacts/kubernetes/pod.yaml' of component 'web' does not exist");
        docker.ExitCode.ShouldBe(0, docker.Stderr);
        docker.Stdout.ShouldContain("docker run -d --name web -p 8080:80 busybox");
        kube.ExitCode.ShouldBe(2);
    }

    [Fact]
    public async Task Should_validate_with_the_values_set_on_the_command_line_as_template_renders_them()
    {
        // Given: answers.conf holds a port that breaks the constraint; --set gives a good one
        var app = WriteApp(Nulecule(), more: [("answers.conf", "[web]\nport = 99x\n")]);

        // When
        var plain = await Cli.RunAsync("validate", app);
        var set = await Cli.RunAsync("validate", app, "--set", "web.port=9090");
        var template = await Cli.RunAsync("template", app, "-p", "docker", "--set", "web.port=9090");
        var badSet = await Cli.RunAsync("validate", WriteApp(Nulecule()), "--set", "web.port=80x");
        var badTemplate = await Cli.RunAsync("template", WriteApp(Nulecule()), "-p", "docker", "--set", "web.port=80x");

        // Then: --set wins over the answers file in both, and a bad --set fails both with one message
        plain.ExitCode.ShouldBe(2);
        plain.Stderr.ShouldContain("[web] port = '99x'");
        set.ExitCode.ShouldBe(0, set.Stderr);
        template.ExitCode.ShouldBe(0, template.Stderr);
        template.Stdout.ShouldContain("-p 9090:80");
        badSet.ExitCode.ShouldBe(2);
        badTemplate.ExitCode.ShouldBe(2);
        var message = "error: [web] port = '80x' from --set web.port is not an integer";
        badSet.Stderr.ShouldContain(message);
        badTemplate.Stderr.ShouldContain(message);
        badSet.Stderr.ShouldNotContain("$port", Case.Sensitive, "an unresolved value is no docker-run flag value to judge");
        badSet.Stderr.ShouldContain("1 error(s), 0 warning(s)");
    }

    [Fact]
    public async Task Should_warn_about_a_set_that_names_no_param_and_report_every_malformed_one()
    {
        var app = WriteApp(Nulecule());

        var typo = await Cli.RunAsync("validate", app, "--set", "web.prot=9090");
        var strict = await Cli.RunAsync("validate", app, "--set", "web.prot=9090", "--strict");
        var malformed = await Cli.RunAsync("validate", app, "--set", "port", "--set", "web.=1");

        typo.ExitCode.ShouldBe(0, typo.Stderr);
        typo.Stderr.ShouldContain("did you mean 'port'?");
        strict.ExitCode.ShouldBe(2);
        malformed.ExitCode.ShouldBe(2);
        malformed.Stderr.ShouldContain("--set 'port': there is no '='");
        malformed.Stderr.ShouldContain("--set 'web.=...': the param name is missing");
        malformed.Stderr.ShouldContain("2 error(s), 0 warning(s)");
    }

    [Fact]
    public async Task Should_read_env_files_relative_to_the_docker_artifact_as_run_does()
    {
        // Given: the env file beside the artifact, not in the app directory
        var app = WriteApp(Nulecule(), run: "docker run -d --env-file web.env $image\n", more: [("artifacts/docker/web.env", "A=1\n")]);
        var wrong = WriteApp(Nulecule(), run: "docker run -d --env-file web.env $image\n", more: [("web.env", "A=1\n")]);

        // When
        var result = await Cli.RunAsync("validate", app);
        var misplaced = await Cli.RunAsync("validate", wrong);

        // Then
        result.ExitCode.ShouldBe(0, result.Stderr);
        misplaced.ExitCode.ShouldBe(2);
        misplaced.Stderr.ShouldContain("env-file paths are relative to the artifact's directory");
    }

    [Fact]
    public async Task Should_read_answers_conf_in_the_app_directory_when_no_answers_file_is_given()
    {
        // Given
        var app = WriteApp(Nulecule(), more: [("answers.conf", "[web]\nport = 9090\n")]);

        // When
        var template = await Cli.RunAsync("template", app, "-p", "docker");
        var parameters = await Cli.RunAsync("params", app, "-o", "json");
        var overridden = await Cli.RunAsync("template", app, "-p", "docker", "-a", Path.Combine(app, "artifacts", "docker", "web-run"));

        // Then
        template.Stdout.ShouldContain("-p 9090:80");
        var port = JsonNode.Parse(parameters.Stdout)!["items"]!.AsArray().Single(p => p!["name"]!.GetValue<string>() == "port")!;
        port["source"]!.GetValue<string>().ShouldEndWith("answers.conf:2");
        overridden.ExitCode.ShouldNotBe(0); // -a wins (here: a file that is no answers file)
    }

    [Fact]
    public async Task Should_read_default_None_as_the_text_None()
    {
        var app = WriteApp(Nulecule("      - name: cert\n        description: set to None if no certificate is needed\n        default: None\n"),
            run: "docker run -d --name web -e CERT=$cert $image\n");

        var result = await Cli.RunAsync("template", app, "-p", "docker");

        result.ExitCode.ShouldBe(0, result.Stderr);
        result.Stdout.ShouldContain("-e CERT=None");
    }

    [Fact]
    public async Task Should_use_the_general_values_of_an_answers_file_with_a_stale_section()
    {
        var app = WriteApp(Nulecule());
        var answers = Path.Combine(app, "stale.conf");
        await File.WriteAllTextAsync(answers, "[general]\nport = 7070\n[postgresql]\nuser = x\n");

        var result = await Cli.RunAsync("template", app, "-p", "docker", "-a", answers);

        result.ExitCode.ShouldBe(0, result.Stderr);
        result.Stdout.ShouldContain("-p 7070:80");
        result.Stderr.ShouldContain("warning: answers section [postgresql] names no component of this app");
    }

    [Fact]
    public async Task Should_list_every_param_with_missing_ones_marked()
    {
        var app = WriteApp(Nulecule("      - name: password\n        description: the admin password\n        hidden: true\n"));

        var table = await Cli.RunAsync("params", app);
        var json = await Cli.RunAsync("params", app, "-o", "json");

        table.ExitCode.ShouldBe(0, table.Stderr);
        table.Stdout.ShouldContain("image");
        table.Stdout.ShouldContain("<missing>");
        table.Stderr.ShouldContain("[web] password has no value and no default");
        var password = JsonNode.Parse(json.Stdout)!["items"]!.AsArray().Single(p => p!["name"]!.GetValue<string>() == "password")!;
        password["missing"]!.GetValue<bool>().ShouldBeTrue();
        password["value"].ShouldBeNull();
    }

    [Fact]
    public async Task Should_warn_about_an_empty_artifact_in_template_and_validate()
    {
        var app = WriteApp(Nulecule(), pod: "# nothing yet\n");

        var template = await Cli.RunAsync("template", app, "-p", "kubernetes");
        var validate = await Cli.RunAsync("validate", app);

        template.ExitCode.ShouldBe(0, template.Stderr);
        template.Stderr.ShouldContain("kubernetes artifact artifacts/kubernetes/pod.yaml of component 'web' is empty: it deploys nothing");
        validate.ExitCode.ShouldBe(0, validate.Stderr);
        validate.Stderr.ShouldContain("is empty: it deploys nothing (`run` refuses it)");
        validate.Stdout.ShouldContain("1 warning(s)");
    }

    [Fact]
    public async Task Should_refuse_an_empty_artifact_in_run_before_touching_an_engine()
    {
        var app = WriteApp(Nulecule(), pod: "");

        var run = await Cli.RunAsync("run", app, "-p", "kubernetes", "--dry-run");

        run.ExitCode.ShouldBe(2, run.Stderr);
        run.Stderr.ShouldContain("is empty: it deploys nothing");
    }
}
