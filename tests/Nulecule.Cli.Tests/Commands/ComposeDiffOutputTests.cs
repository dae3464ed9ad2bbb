using System.Text.Json.Nodes;
using Nulecule.Cli.Tests.EndToEnd;

namespace Nulecule.Cli.Tests.Commands;

/// <summary>`nulecule diff` of a compose component on the local engine: one change per service, with the keys that changed, as text and as `-o json`; hidden values masked.</summary>
public sealed class ComposeDiffOutputTests : IDisposable
{
    private const string Canary = "canary-5e0c1a";

    private readonly TempDir _dir = new();

    public ComposeDiffOutputTests()
    {
        App = Path.Combine(_dir.Path, "compose-app");
        Directory.CreateDirectory(Path.Combine(App, "artifacts", "docker"));
        File.WriteAllText(Path.Combine(App, "Nulecule"), """
            specversion: 0.0.2
            id: compose-diff
            metadata:
              name: Compose diff
              appversion: 1.0.0
            graph:
              - name: stack
                params:
                  - name: GREETING
                    description: what web says
                    default: hi
                  - name: TOKEN
                    description: a secret
                    hidden: true
                artifacts:
                  docker:
                    - file://artifacts/docker/compose.yaml
            """);
        File.WriteAllText(Path.Combine(App, "artifacts", "docker", "compose.yaml"), """
            services:
              web:
                image: local/busybox:latest
                command: ["sh", "-c", "trap 'exit 0' TERM; while sleep 1; do :; done"]
                environment: {GREETING: "${GREETING}", TOKEN: "${TOKEN}"}
              db:
                image: local/busybox:latest
                command: ["sh", "-c", "trap 'exit 0' TERM; while sleep 1; do :; done"]
            """);
        State = Path.Combine(_dir.Path, "state");
        Directory.CreateDirectory(State);
    }

    private string App { get; }

    private string State { get; }

    public void Dispose() => _dir.Dispose();

    private async Task<Cli.Result> RunAsync(params string[] args)
    {
        var environment = new Dictionary<string, string>
        {
            ["NO_COLOR"] = "1", ["NULECULE_STATE_DIR"] = State, ["HOME"] = State,
            ["DOCKER_HOST"] = Environment.GetEnvironmentVariable("DOCKER_HOST") is { Length: > 0 } host ? host : "unix:///var/run/docker.sock",
        };
        var result = await Cli.RunAsync(args, environment);
        (result.Stdout + result.Stderr).ShouldNotContain(Canary, Case.Sensitive, $"a secret printed by {string.Join(' ', args)}");
        return result;
    }

    [DockerEngineFact]
    public async Task Should_report_a_compose_change_per_service_with_the_keys_that_changed()
    {
        var release = Probes.Release("cdiff");
        try
        {
            (await RunAsync("run", App, "--provider", "docker", "--name", release, "--set", $"stack.TOKEN={Canary}")).ExitCode.ShouldBe(0);

            // When: the greeting and the secret change
            var json = await RunAsync("diff", release, "--set", "stack.GREETING=v2", "--set", "stack.TOKEN=other-secret", "-o", "json");
            var text = await RunAsync("diff", release, "--set", "stack.GREETING=v2", "--set", "stack.TOKEN=other-secret");

            // Then: one change, the web service, naming its keys; the text shows the service's hunk with stars for the secret
            json.ExitCode.ShouldBe(1, Probes.Describe(json));
            var change = JsonNode.Parse(json.Stdout)!["changes"]!.AsArray().ShouldHaveSingleItem()!;
            ((string?)change["component"], (string?)change["kind"], (string?)change["name"], (string?)change["change"]).ShouldBe(("stack", "service", "web", "changed"));
            change["fields"]!.AsArray().Select(f => (string?)f).ShouldBe(["environment.GREETING", "environment.TOKEN"]);
            text.Stdout.ShouldContain("--- stack service/web (revision 1)");
            var lines = text.Stdout.Split('\n');
            lines.ShouldContain(l => l.StartsWith('+') && l.Contains("GREETING: v2", StringComparison.Ordinal));
            lines.ShouldContain(l => l.StartsWith('+') && l.Contains("TOKEN: ******", StringComparison.Ordinal));
            text.Stdout.ShouldNotContain("other-secret");
            text.Stdout.ShouldNotContain("service/db");
        }
        finally
        {
            await RunAsync("stop", release);
        }
    }
}
