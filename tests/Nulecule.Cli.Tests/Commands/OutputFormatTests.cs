using System.CommandLine;
using System.Text.Json.Nodes;
using Nulecule.Cli.Tests.EndToEnd;
using Nulecule.Cli.Tests.Parsing;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Nulecule.Cli.Tests.Commands;

/// <summary>
/// `-o table|wide|json|yaml` on every reporting command: the JSON and YAML documents parse back to
/// the same object with `apiVersion`, `kind` and the command's fields; tables fit 80 columns and
/// `-o wide` shows its extra columns whole; an unknown format is one line listing the choices.
/// Secrets stay masked in every format. Docker-backed commands run against the local engine.
/// </summary>
public sealed class OutputFormatTests : IDisposable
{
    private const string Canary = "canary-0f9d2e";
    private static readonly string LongText = "a+b > c, \"quoted\" & <tagged> " + string.Concat(Enumerable.Repeat("and it goes on ", 8)) + "until the end";

    private static readonly string Location = "registry.example.com/" + string.Concat(Enumerable.Repeat("team/", 12)) + "output-app:1.0.0";

    private readonly TempDir _dir = new();

    public OutputFormatTests()
    {
        App = Path.Combine(_dir.Path, "apps", "output-app");
        Directory.CreateDirectory(Path.Combine(App, "artifacts", "docker"));
        File.WriteAllText(Path.Combine(App, "Nulecule"), $"""
            specversion: 0.0.2
            id: output-app
            metadata:
              name: Output formats
              appversion: 1.0.0+build.7
              location: {Location}
              description: '{LongText.Replace("'", "''", StringComparison.Ordinal)}'
            graph:
              - name: web
                params:
                  - name: port
                    description: The host port
                    default: 8080
                  - name: motto
                    description: '{LongText.Replace("'", "''", StringComparison.Ordinal)}'
                    default: '{LongText.Replace("'", "''", StringComparison.Ordinal)}'
                  - name: password
                    description: The admin password
                    hidden: true
                artifacts:
                  docker:
                    - file://artifacts/docker/web-run
            """);
        File.WriteAllText(Path.Combine(App, "artifacts", "docker", "web-run"),
            "docker run -d --name web -p $port:80 -e MOTTO=$motto -e PASSWORD=$password local/busybox:latest httpd -f -p 80 -h /etc\n");
        State = Path.Combine(_dir.Path, "state");
        Directory.CreateDirectory(State);
    }

    private string App { get; }

    private string State { get; }

    private string Index => Path.Combine(_dir.Path, "apps", "index.yaml");

    public void Dispose() => _dir.Dispose();

    /// <summary>Every reporting command with -o, the arguments that make it report, and what its document holds.</summary>
    private static readonly Dictionary<string, (Func<OutputFormatTests, string[]> Args, string Kind, string[] Fields)> Offline = new()
    {
        ["params"] = (t => ["params", t.App, "--set", $"web.password={Canary}"], "ParamList",
            ["items[0].scope", "items[1].name", "items[1].value", "items[2].hidden", "items[0].source", "items[0].missing", "items[1].description"]),
        ["validate"] = (t => ["validate", t.App, "--set", $"web.password={Canary}"], "ValidationReport", ["app", "valid", "errors", "warnings", "diagnostics"]),
        ["index list"] = (t => ["index", "list", t.Index], "AppList", ["items[0].id", "items[0].name", "items[0].appVersion", "items[0].providers[0]", "items[0].description"]),
        ["version"] = (_ => ["version", "--kubeconfig", "/nonexistent/kubeconfig"], "Version", ["client.version", "docker.reachable", "kubernetes.error"]),
        ["list"] = (_ => ["list"], "ReleaseList", ["items[0].name", "items[0].revision", "items[0].state", "items[0].updated", "items[0].target", "items[0].description"]),
        ["history"] = (_ => ["history", "shop"], "ReleaseHistory", ["release", "items[0].revision", "items[0].state", "items[0].description", "items[0].values"]),
        ["import"] = (t => ["import", t.ComposeFile(), "-d", Path.Combine(t._dir.Path, "imported"), "--force"], "ImportReport",
            ["app", "destination", "sources[0]", "components[0]", "params[0].name", "params[0].type", "params[0].default", "fidelity[0].target", "fidelity[0].key", "fidelity[0].effect", "fidelity[0].line"]),
    };

    /// <summary>A compose file for `import`: one key dropped on every target.</summary>
    private string ComposeFile()
    {
        var path = Path.Combine(_dir.Path, "compose", "compose.yaml");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, "services:\n  web:\n    image: ${WEB_IMAGE:-local/busybox:latest}\n    container_name: web\n");
        return path;
    }

    /// <summary>The commands the Docker test below covers.</summary>
    private static readonly string[] OnDocker = ["run", "upgrade", "rollback", "status", "diff", "stop", "list", "history", "ps"];

    public static TheoryData<string> OfflineCommands() => new(Offline.Keys);

    [Theory]
    [MemberData(nameof(OfflineCommands))]
    public async Task Should_print_one_document_as_json_and_as_yaml(string command)
    {
        // Given
        var (args, kind, fields) = Offline[command];
        await PrepareAsync();

        // When
        var json = await RunAsync([.. args(this), "-o", "json"]);
        var yaml = await RunAsync([.. args(this), "-o", "yaml"]);

        // Then
        var document = ShouldBeDocument(json, yaml, kind);
        foreach (var field in fields)
        {
            Field(document, field).ShouldNotBe(Missing, $"{command}: {field}\n{json.Stdout}");
        }

        if (command == "params")
        {
            var motto = document["items"]!.AsArray().Single(p => (string?)p!["name"] == "motto")!;
            ((string?)motto["value"]).ShouldBe(LongText);
            json.Stdout.ShouldContain("a+b > c, \\\"quoted\\\" & <tagged>", Case.Sensitive, "no needless escapes");
            ((string?)document["items"]!.AsArray().Single(p => (string?)p!["name"] == "password")!["value"]).ShouldBe("******");
        }
    }

    public static TheoryData<string, string> TableCommands() => new()
    {
        { "params", "KIND" },
        { "index list", "DESCRIPTION" },
        { "list", "DESCRIPTION" },
        { "history", "OBJECTS" },
        { "version", "" },
    };

    [Theory]
    [MemberData(nameof(TableCommands))]
    public async Task Should_fit_the_table_into_80_columns_and_show_everything_wide(string command, string wideHeader)
    {
        // Given: values longer than the line
        await PrepareAsync();
        var args = Offline[command].Args(this);

        // When
        var table = await RunAsync(args, columns: "80");
        var wide = await RunAsync([.. args, "-o", "wide"], columns: "80");

        // Then
        table.ExitCode.ShouldBe(0, table.Stderr);
        var lines = table.Stdout.TrimEnd('\n').Split('\n');
        lines.ShouldAllBe(l => Tables.Cells(l) <= 80 && !l.EndsWith(' '), table.Stdout);
        table.Stdout.ShouldContain("…");
        wide.ExitCode.ShouldBe(0, wide.Stderr);
        wide.Stdout.ShouldNotContain("…");
        wide.Stdout.Split('\n').ShouldAllBe(l => !l.EndsWith(' '));
        wide.Stdout.Split('\n')[0].ShouldContain(wideHeader);
        wide.Stdout.Split('\n').Length.ShouldBe(table.Stdout.Split('\n').Length, "wide adds columns, never lines");
        if (command != "version")
        {
            wide.Stdout.ShouldContain(command == "params" ? LongText : command == "index list" ? Location : "Install complete: " + new string('y', 100));
        }

        (table.Stdout + wide.Stdout + table.Stderr).ShouldNotContain(Canary);
    }

    /// <summary>The commands whose -o is the report format, from the real command tree.</summary>
    public static TheoryData<string> ReportingCommands() => new(CommandTree.Commands.Where(c => IsReportFormat(c.Command)).Select(c => c.Path));

    [Theory]
    [MemberData(nameof(ReportingCommands))]
    public async Task Should_refuse_an_unknown_format_in_one_line_listing_the_choices(string path)
    {
        // Given: the command's required arguments, then a format no command has
        var command = CommandTree.Commands.Single(c => c.Path == path).Command;
        var args = path.Split(' ').Concat(command.Arguments.Where(a => a.Arity.MinimumNumberOfValues > 0).Select(_ => "x")).Concat(["-o", "xml"]).ToArray();

        // When
        var result = await RunAsync(args);

        // Then
        result.ExitCode.ShouldBe(2, result.Stderr);
        result.Stdout.ShouldBeEmpty();
        var errors = result.Stderr.Split('\n').Where(l => l.StartsWith("error:", StringComparison.Ordinal)).ToList();
        errors.ShouldBe(["error: --output: 'xml' is not one of json, table, wide, yaml"], result.Stderr);
    }

    [Fact]
    public void Should_mean_the_format_by_o_everywhere_and_cover_every_reporting_command()
    {
        var withO = CommandTree.Commands.Where(c => c.Command.Options.Any(o => o.Aliases.Contains("-o"))).ToList();

        withO.Where(c => !IsReportFormat(c.Command)).Select(c => c.Path).ShouldBe(["genanswers"], "-o is the report format, or (genanswers) the answers format");
        CommandTree.Commands.Single(c => c.Path == "template").Command.Options.ShouldNotContain(o => o.Aliases.Contains("-o"));
        withO.Where(c => IsReportFormat(c.Command)).Select(c => c.Path)
            .ShouldAllBe(p => Offline.ContainsKey(p) || OnDocker.Contains(p), "a reporting command with -o that no test parses");
    }

    [DockerEngineFact]
    public async Task Should_report_every_release_verb_as_json_and_yaml_on_docker()
    {
        // Given: the app on the local engine under a release of its own (local/busybox, as `init` uses)
        DockerHost = Environment.GetEnvironmentVariable("DOCKER_HOST") is { Length: > 0 } host ? host : "unix:///var/run/docker.sock";
        var release = Probes.Release("out");
        string[] deploy = ["--provider", "docker", "--name", release, "--set", $"web.password={Canary}"];
        var first = Probes.FreePort();
        var second = Probes.FreePort();
        try
        {
            // When / Then: each verb in both formats
            var dry = await RunAsync(["run", App, .. deploy, "--set", $"web.port={first}", "--dry-run", "-o", "yaml"]);
            Yaml(dry, "ReleaseResult")["plannedOperations"]!.AsArray().Count.ShouldBeGreaterThan(0, dry.Stdout);

            var install = Json(await RunAsync(["run", App, .. deploy, "--set", $"web.port={first}", "-o", "json"]), "ReleaseResult");
            ((string?)install["operation"]).ShouldBe("install");
            ((int?)install["revision"]).ShouldBe(1);
            ((string?)install["state"]).ShouldBe("deployed");
            install["objects"]!.AsArray().ShouldContain(o => (string?)o!["component"] == "web" && (string?)o["action"] == "created");

            var again = Yaml(await RunAsync(["run", App, .. deploy, "--set", $"web.port={first}", "-o", "yaml"]), "ReleaseResult");
            ((bool?)again["upToDate"]).ShouldBe(true, again.ToJsonString());

            var status = await BothAsync(["status", release, "--provider", "docker"], "ReleaseStatus");
            ((string?)status["release"]).ShouldBe(release);
            ((string?)status["components"]![0]!["objects"]![0]!["state"]).ShouldBe("running");

            var diff = await BothAsync(["diff", release, "--set", $"web.port={second}"], "ReleaseDiff", exitCode: 1);
            ((bool?)diff["changed"]).ShouldBe(true);
            ((string?)diff["changes"]![0]!["component"]).ShouldBe("web");

            var upgrade = Yaml(await RunAsync(["upgrade", release, "--set", $"web.port={second}", "-o", "yaml"]), "ReleaseResult");
            ((string?)upgrade["operation"]).ShouldBe("upgrade");
            ((int?)upgrade["revision"]).ShouldBe(2);

            var rollback = Json(await RunAsync(["rollback", release, "-o", "json"]), "ReleaseResult");
            ((string?)rollback["operation"]).ShouldBe("rollback");
            ((int?)rollback["revision"]).ShouldBe(3);
            var rollbackYaml = await RunAsync(["rollback", release, "1", "-o", "yaml"]);
            ((int?)Yaml(rollbackYaml, "ReleaseResult")["revision"]).ShouldBe(4);

            var history = await BothAsync(["history", release], "ReleaseHistory");
            history["items"]!.AsArray().Select(r => (int?)r!["revision"]).ShouldBe([1, 2, 3, 4]);
            (await BothAsync(["list"], "ReleaseList"))["items"]!.AsArray().ShouldContain(r => (string?)r!["name"] == release);

            var ps = await BothAsync(["ps", release], "ProcessList");
            ps["items"]!.AsArray().ShouldContain(r => (string?)r!["component"] == "web" && (string?)r["release"] == release);

            var narrow = await RunAsync(["status", release, "--provider", "docker"], columns: "40");
            narrow.Stdout.TrimEnd('\n').Split('\n').ShouldAllBe(l => Tables.Cells(l) <= 40 && !l.EndsWith(' '), narrow.Stdout);
            (await RunAsync(["status", release, "--provider", "docker", "-o", "wide"], columns: "40")).Stdout.ShouldContain("REVISION");

            var stop = Json(await RunAsync(["stop", release, "--provider", "docker", "-o", "json"]), "ReleaseResult");
            ((string?)stop["operation"]).ShouldBe("stop");
            stop["objects"]!.AsArray().ShouldContain(o => (string?)o!["action"] == "deleted");
            var gone = Yaml(await RunAsync(["stop", release, "--provider", "docker", "--ignore-not-found", "-o", "yaml"]), "ReleaseResult");
            gone["objects"]!.AsArray().ShouldBeEmpty();
        }
        finally
        {
            await RunAsync(["stop", release, "--provider", "docker", "--ignore-not-found"]);
        }
    }

    private static bool IsReportFormat(Command command) =>
        command.Options.FirstOrDefault(o => o.Aliases.Contains("-o")) is { } o
        && o.GetCompletions(System.CommandLine.Completions.CompletionContext.Empty).Select(c => c.Label).Order().SequenceEqual(["json", "table", "wide", "yaml"]);

    /// <summary>A release in the history and an index of the app, for list, history and index list.</summary>
    private async Task PrepareAsync()
    {
        await OutputTests.Record(State, "shop", "Install complete: " + new string('y', 100));
        (await RunAsync(["index", "generate", Path.GetDirectoryName(App)!])).ExitCode.ShouldBe(0);
    }

    private async Task<Cli.Result> RunAsync(string[] args, string? columns = null)
    {
        var environment = new Dictionary<string, string>
        {
            ["NO_COLOR"] = "1", ["NULECULE_STATE_DIR"] = State, ["HOME"] = State, ["DOCKER_HOST"] = DockerHost,
        };
        if (columns is not null)
        {
            environment["COLUMNS"] = columns;
        }

        var result = await Cli.RunAsync(args, environment);
        (result.Stdout + result.Stderr).ShouldNotContain(Canary, Case.Sensitive, $"a secret printed by {string.Join(' ', args)}");
        return result;
    }

    /// <summary>No engine for the offline tests (version says: not reachable, at length); the Docker test sets the real one.</summary>
    private string DockerHost { get; set; } = "unix:///nonexistent/docker.sock";

    /// <summary>Runs the command with -o json and -o yaml; both parse to the same document, returned.</summary>
    private async Task<JsonObject> BothAsync(string[] args, string kind, int exitCode = 0)
    {
        var json = await RunAsync([.. args, "-o", "json"]);
        var yaml = await RunAsync([.. args, "-o", "yaml"]);
        json.ExitCode.ShouldBe(exitCode, Probes.Describe(json));
        return ShouldBeDocument(json, yaml, kind);
    }

    private static JsonObject ShouldBeDocument(Cli.Result json, Cli.Result yaml, string kind)
    {
        var fromJson = Json(json, kind);
        var fromYaml = Yaml(yaml, kind);
        fromYaml.ToJsonString().ShouldBe(fromJson.ToJsonString(), "the YAML document is the JSON one");
        return fromJson;
    }

    private static JsonObject Json(Cli.Result result, string kind)
    {
        result.Stderr.ShouldNotContain("error:", Case.Sensitive, Probes.Describe(result));
        var document = JsonNode.Parse(result.Stdout)!.AsObject();
        return Versioned(document, kind, result);
    }

    private static JsonObject Yaml(Cli.Result result, string kind)
    {
        result.Stderr.ShouldNotContain("error:", Case.Sensitive, Probes.Describe(result));
        var stream = new YamlStream();
        stream.Load(new StringReader(result.Stdout));
        stream.Documents.Count.ShouldBe(1, result.Stdout);
        return Versioned(FromYaml(stream.Documents[0].RootNode)!.AsObject(), kind, result);
    }

    private static JsonObject Versioned(JsonObject document, string kind, Cli.Result result)
    {
        ((string?)document["apiVersion"]).ShouldBe("nulecule/v1", result.Stdout);
        ((string?)document["kind"]).ShouldBe(kind, result.Stdout);
        return document;
    }

    /// <summary>YAML read as the core schema reads it: plain null, booleans and integers typed, everything else a string.</summary>
    private static JsonNode? FromYaml(YamlNode node) => node switch
    {
        YamlMappingNode mapping => new JsonObject(mapping.Children.Select(p => KeyValuePair.Create(((YamlScalarNode)p.Key).Value!, FromYaml(p.Value)))),
        YamlSequenceNode sequence => new JsonArray(sequence.Children.Select(FromYaml).ToArray()),
        YamlScalarNode { Style: ScalarStyle.Plain, Value: "null" or "~" or "" } => null,
        YamlScalarNode { Style: ScalarStyle.Plain, Value: "true" or "false" } scalar => JsonValue.Create(scalar.Value == "true"),
        YamlScalarNode { Style: ScalarStyle.Plain } scalar when int.TryParse(scalar.Value, System.Globalization.CultureInfo.InvariantCulture, out var number) => JsonValue.Create(number),
        YamlScalarNode scalar => JsonValue.Create(scalar.Value),
        _ => throw new InvalidOperationException($"unexpected YAML node {node.NodeType}"),
    };

    private static readonly JsonNode Missing = JsonValue.Create("<missing>");

    /// <summary>The value at `a.b[0].c`, <see cref="Missing"/> when a step is absent (a present null is null).</summary>
    private static JsonNode? Field(JsonNode? node, string path)
    {
        foreach (var step in path.Split('.'))
        {
            var name = step.Split('[')[0];
            if (node is not JsonObject obj || !obj.TryGetPropertyValue(name, out node))
            {
                return Missing;
            }

            foreach (var index in step.Split('[').Skip(1).Select(i => int.Parse(i.TrimEnd(']'), System.Globalization.CultureInfo.InvariantCulture)))
            {
                if (node is not JsonArray array || index >= array.Count)
                {
                    return Missing;
                }

                node = array[index];
            }
        }

        return node;
    }
}
