using System.Text.Json.Nodes;

namespace Nulecule.Cli.Tests.Commands;

/// <summary>`nulecule import`: exit codes, the report as text and as an ImportReport document, and an app the other commands accept.</summary>
public sealed class ImportCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("nulecule-import-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Compose(string text)
    {
        var path = Path.Combine(_dir, "shop", "compose.yaml");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
        return path;
    }

    private const string Shop = """
        services:
          db:
            image: local/busybox:latest
            environment:
              DB_PASSWORD: ${DB_PASSWORD:?the database password}
            expose: ["5432"]
          web:
            image: ${WEB_IMAGE:-local/busybox:latest}
            container_name: web
            ports: ["${WEB_PORT:-8090}:80"]
            depends_on: [db]
        """;

    [Fact]
    public async Task Should_import_print_the_report_and_give_an_app_that_validates_and_renders()
    {
        var app = Path.Combine(_dir, "app");

        var import = await Cli.RunAsync("import", Compose(Shop), "--destination", app);
        var validate = await Cli.RunAsync("validate", app, "--set", "DB_PASSWORD=pw");
        var kube = await Cli.RunAsync("template", app, "--provider", "kubernetes", "--set", "DB_PASSWORD=pw", "--set", "WEB_PORT=9000");

        import.ExitCode.ShouldBe(0, import.Stderr);
        import.Stdout.ShouldContain("components, in dependency order: db, web");
        import.Stdout.ShouldContain("compose.yaml:9:5: services.web.container_name dropped");
        import.Stdout.ShouldContain("DB_PASSWORD (string, hidden): required");
        validate.ExitCode.ShouldBe(0, validate.Stderr + validate.Stdout);
        kube.ExitCode.ShouldBe(0, kube.Stderr);
        kube.Stdout.ShouldContain("kind: Deployment");
        kube.Stdout.ShouldNotContain("DB_PASSWORD: pw");
    }

    [Fact]
    public async Task Should_write_the_report_as_an_ImportReport_document()
    {
        var result = await Cli.RunAsync("import", Compose(Shop), "-d", Path.Combine(_dir, "app"), "-o", "json");

        result.ExitCode.ShouldBe(0, result.Stderr);
        var report = JsonNode.Parse(result.Stdout)!;
        report["kind"]!.GetValue<string>().ShouldBe("ImportReport");
        report["components"]!.AsArray().Select(c => c!.GetValue<string>()).ShouldBe(["db", "web"]);
        var port = report["params"]!.AsArray().Single(p => p!["name"]!.GetValue<string>() == "WEB_PORT")!;
        port["default"]!.GetValue<string>().ShouldBe("8090");
        var dropped = report["fidelity"]!.AsArray().First(f => f!["key"]!.GetValue<string>() == "services.web.container_name")!;
        dropped["effect"]!.GetValue<string>().ShouldBe("dropped");
        dropped["line"]!.GetValue<int>().ShouldBe(9);
        dropped["column"]!.GetValue<int>().ShouldBe(5);
    }

    [Fact]
    public async Task Should_refuse_a_non_empty_destination_with_exit_2()
    {
        var app = Path.Combine(_dir, "app");
        Directory.CreateDirectory(app);
        File.WriteAllText(Path.Combine(app, "notes.txt"), "mine");

        var refused = await Cli.RunAsync("import", Compose(Shop), "-d", app);
        var forced = await Cli.RunAsync("import", Compose(Shop), "-d", app, "--force");

        refused.ExitCode.ShouldBe(2);
        refused.Stderr.ShouldContain("is not empty");
        forced.ExitCode.ShouldBe(0, forced.Stderr);
        File.ReadAllText(Path.Combine(app, "notes.txt")).ShouldBe("mine");
    }

    [Fact]
    public async Task Should_locate_an_invalid_compose_file_and_create_nothing()
    {
        var app = Path.Combine(_dir, "app");

        var result = await Cli.RunAsync("import", Compose("services:\n  web:\n    image: x\n    ports: 80\n"), "-d", app);

        result.ExitCode.ShouldBe(2);
        result.Stderr.ShouldContain("compose.yaml:4:");
        Directory.Exists(app).ShouldBeFalse();
    }
}
