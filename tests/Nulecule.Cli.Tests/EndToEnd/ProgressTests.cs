using System.Text.Json;
using System.Text.RegularExpressions;

namespace Nulecule.Cli.Tests.EndToEnd;

/// <summary>A real Docker engine and a pseudo-terminal, or the testbed and the real binary.</summary>
public sealed class TerminalDockerFactAttribute : FactAttribute
{
    public TerminalDockerFactAttribute() => Skip = Terminal.Unavailable ?? new DockerFactAttribute().Skip;
}

/// <summary>
/// `--progress` on the Docker engine: live lines at a terminal (the real binary under util-linux
/// `script`), one line per step when piped, one JSON object per line for tools; `-v` lists the
/// engine calls; `diff` in colour only when colour is wanted.
/// </summary>
public sealed partial class ProgressTests : IDisposable
{
    private const string Secret = "canary-5e9a17";
    private static readonly string[] States = ["pulling", "creating", "starting", "waiting", "ready", "started", "applied", "failed", "removing", "removed", "unchanged"];

    private readonly string _dir = Path.Combine(Path.GetTempPath(), "nulecule-progress-" + Guid.NewGuid().ToString("N")[..10]);
    private readonly string _release = "prog-" + Guid.NewGuid().ToString("N")[..8];
    private readonly string _app;
    private readonly Dictionary<string, string> _env;

    public ProgressTests()
    {
        _app = Path.Combine(_dir, "app");
        Directory.CreateDirectory(Path.Combine(_app, "artifacts"));
        File.WriteAllText(Path.Combine(_app, "Nulecule"), $$"""
            specversion: 0.0.2
            id: progress-app
            graph:
              - name: web
                params:
                  - {name: greeting, description: changed by the diff test, default: hello}
                  - {name: token, description: a secret, hidden: true, default: {{Secret}}}
                artifacts:
                  docker:
                    - file://artifacts/web
              - name: worker
                artifacts:
                  docker:
                    - file://artifacts/worker
            """);
        // Both end at once on SIGTERM (a shell as PID 1 would ignore it for the 10 s grace).
        File.WriteAllText(Path.Combine(_app, "artifacts", "web"),
            "docker run -d --name web -e GREETING=$greeting -e TOKEN=$token local/busybox:latest sh -c 'trap \"exit 0\" TERM; while true; do sleep 1; done'\n");
        // Healthy after about 2 s: --wait sees its health checks fail, then pass.
        File.WriteAllText(Path.Combine(_app, "artifacts", "worker"),
            "docker run -d --name worker --health-cmd 'test -f /tmp/ready' --health-interval 1s --health-retries 5 local/busybox:latest "
            + "sh -c 'trap \"exit 0\" TERM; sleep 2; touch /tmp/ready; while true; do sleep 1; done'\n");
        _env = new Dictionary<string, string> { ["NO_COLOR"] = "1", ["NULECULE_STATE_DIR"] = Path.Combine(_dir, "state"), ["HOME"] = Environment.GetEnvironmentVariable("HOME") ?? "/root" };
    }

    private Task<Cli.Result> Run(params string[] args) => Cli.RunAsync(args, _env);

    [TerminalDockerFact]
    public async Task Should_draw_one_live_line_per_component_at_a_terminal_and_leave_its_mode_as_it_was()
    {
        // Given: the terminal's settings before
        var before = Path.Combine(_dir, "stty-before");
        var after = Path.Combine(_dir, "stty-after");

        // When: the real binary runs the app in a pseudo-terminal 100 columns wide
        var output = await Terminal.RunAsync(
            $"stty cols 100; stty -g > {before}; NULECULE_STATE_DIR={_env["NULECULE_STATE_DIR"]} {Terminal.Nulecule} run {_app} --provider docker --name {_release} --wait; "
            + $"echo \"exit $?\"; stty -g > {after}");

        // Then: live lines redrawn in place (cursor up over both, each line erased) ...
        output.ShouldContain("exit 0", customMessage: output);
        output.ShouldContain("\r\u001b[2A\u001b[2K");
        Regex.Count(output, "\u001b\\[[12]A").ShouldBeGreaterThan(3, "redrawn while it waited");
        output.ShouldContain("waiting");
        output.ShouldContain("health starting");

        // ... ending in a frame with both components ready and their elapsed times
        var screen = Screen.Render(output);
        var web = screen.Single(l => l.StartsWith("✔ web ", StringComparison.Ordinal));
        var worker = screen.Single(l => l.StartsWith("✔ worker ", StringComparison.Ordinal));
        web.ShouldMatch(@"^✔ web +ready +running +\d+\.\ds$");
        worker.ShouldMatch(@"^✔ worker +ready +running, healthy +\d+\.\ds$");
        screen.ShouldAllBe(l => l.Length < 100);
        screen.ShouldContain(l => Regex.IsMatch(l, $@"^created +worker +container +{_release}-worker$"), "the result follows the last frame");

        // ... and the terminal as it was: same stty settings, no mode switched by an escape
        File.ReadAllText(after).ShouldBe(File.ReadAllText(before));
        output.ShouldNotContain("\u001b[?");
        output.ShouldNotContain("\u001b=");
        output.ShouldNotContain(Secret);
    }

    [DockerFact]
    public async Task Should_write_every_step_as_a_JSON_object_with_the_documented_fields()
    {
        // When
        var run = await Run("run", _app, "--provider", "docker", "--name", _release, "--wait", "--progress", "json");
        var stop = await Run("stop", _release, "--progress", "json");

        // Then: every line of stderr is an object of version 1
        run.ExitCode.ShouldBe(0, run.Stderr);
        stop.ExitCode.ShouldBe(0, stop.Stderr);
        var events = new List<JsonElement>();
        foreach (var line in (run.Stderr + stop.Stderr).Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var e = JsonDocument.Parse(line).RootElement;
            e.GetProperty("version").GetInt32().ShouldBe(1, line);
            DateTimeOffset.Parse(e.GetProperty("time").GetString()!, System.Globalization.CultureInfo.InvariantCulture).ShouldBeGreaterThan(DateTimeOffset.UtcNow.AddMinutes(-5));
            e.GetProperty("type").GetString().ShouldBeOneOf("progress", "log");
            if (e.GetProperty("type").GetString() == "progress")
            {
                States.ShouldContain(e.GetProperty("state").GetString());
                e.GetProperty("elapsed").GetDouble().ShouldBeGreaterThanOrEqualTo(0);
                foreach (var field in new[] { "component", "object", "detail", "message" })
                {
                    e.TryGetProperty(field, out _).ShouldBeTrue(field);
                }

                events.Add(e);
            }
        }

        // ... and each component went through its states in order
        string[] Of(string component) => events.Where(e => e.GetProperty("component").GetString() == component)
            .Select(e => e.GetProperty("state").GetString()!).Distinct().ToArray();
        Of("web").ShouldBe(["creating", "starting", "waiting", "ready", "removing", "removed"]);
        Of("worker").ShouldBe(["creating", "starting", "waiting", "ready", "removing", "removed"]);
        events.ShouldContain(e => e.GetProperty("component").GetString() == "worker" && e.GetProperty("state").GetString() == "waiting"
            && (e.GetProperty("detail").GetString() ?? "").Contains("health starting", StringComparison.Ordinal));
        (run.Stderr + stop.Stderr).ShouldNotContain(Secret);
    }

    [DockerFact]
    public async Task Should_print_a_plain_line_per_step_when_piped_and_the_engine_calls_with_v()
    {
        // When: stderr is no terminal (auto: plain)
        var run = await Run("run", _app, "--provider", "docker", "--name", _release, "--wait", "-v");
        var stop = await Run("stop", _release, "-q");

        // Then: the steps as lines, no control characters
        run.ExitCode.ShouldBe(0, run.Stderr);
        var lines = run.Stderr.Split('\n');
        lines.ShouldContain($"creating {_release}-web (local/busybox:latest)");
        lines.ShouldContain($"starting {_release}-worker");
        lines.ShouldContain("waiting for worker");
        lines.ShouldContain(l => EngineReady().IsMatch(l));
        run.Stderr.ShouldNotContain("\u001b");

        // ... the engine calls with status and time, never a header or body
        var calls = lines.Where(l => EngineCall().IsMatch(l)).ToList();
        calls.ShouldContain(l => l.StartsWith("docker: POST /", StringComparison.Ordinal) && l.Contains("/containers/create 201 ", StringComparison.Ordinal));
        calls.ShouldContain(l => l.StartsWith("docker: GET /", StringComparison.Ordinal) && l.Contains(" 200 ", StringComparison.Ordinal));
        run.Stderr.ShouldNotContain(Secret);
        run.Stderr.ShouldNotContain("\"Env\"");

        // ... and nothing but errors when quiet
        stop.ExitCode.ShouldBe(0, stop.Stderr);
        stop.Stderr.ShouldBeEmpty();
    }

    [DockerFact]
    public async Task Should_colour_the_diff_only_when_colour_is_wanted()
    {
        // Given
        (await Run("run", _app, "--provider", "docker", "--name", _release)).ExitCode.ShouldBe(0);

        // When
        var forced = await Cli.RunAsync(["diff", _release, "--set", "web.greeting=bye"], new Dictionary<string, string>(_env) { ["NO_COLOR"] = "", ["FORCE_COLOR"] = "1" });
        var noColor = await Cli.RunAsync(["diff", _release, "--set", "web.greeting=bye"], new Dictionary<string, string>(_env) { ["NO_COLOR"] = "1", ["FORCE_COLOR"] = "1" });
        var piped = await Cli.RunAsync(["diff", _release, "--set", "web.greeting=bye"], new Dictionary<string, string>(_env) { ["NO_COLOR"] = "" });

        // Then: headers bold, removed red, added green, as git shows them
        forced.ExitCode.ShouldBe(1, forced.Stderr);
        forced.Stdout.ShouldContain("\u001b[1m--- web ");
        forced.Stdout.ShouldContain("\u001b[1m+++ web ");
        forced.Stdout.ShouldContain("\u001b[31m-");
        forced.Stdout.ShouldContain("GREETING=hello");
        forced.Stdout.ShouldContain("\u001b[32m+");
        forced.Stdout.ShouldContain("GREETING=bye");
        forced.Stdout.ShouldNotContain(Secret);
        noColor.ExitCode.ShouldBe(1);
        piped.ExitCode.ShouldBe(1);
        noColor.Stdout.ShouldNotContain("\u001b");
        piped.Stdout.ShouldNotContain("\u001b");
        noColor.Stdout.ShouldBe(Regex.Replace(forced.Stdout, "\u001b\\[[0-9;]*m", ""));
    }

    public void Dispose()
    {
        Run("stop", _release).GetAwaiter().GetResult();
        if (Directory.Exists(_dir))
        {
            Directory.Delete(_dir, recursive: true);
        }
    }

    [GeneratedRegex(@"^(docker|kubernetes): (GET|HEAD|POST|PUT|PATCH|DELETE) /\S* \d{3} \d+ ms$")]
    private static partial Regex EngineCall();

    [GeneratedRegex(@"^worker ready \(\d+\.\ds\)$")]
    private static partial Regex EngineReady();
}
