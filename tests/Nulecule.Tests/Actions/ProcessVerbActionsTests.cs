using System.Runtime.CompilerServices;
using Nulecule.Actions;
using Nulecule.Providers;
using Nulecule.Templating;

namespace Nulecule.Tests.Actions;

/// <summary>exec, restart, ps and logs --since as actions: capability checked first, component names resolved, not-found as exit 4.</summary>
public class ProcessVerbActionsTests
{
    private static readonly string[] Components = ["wordpress", "wordpress:mariadb"];

    [Fact]
    public async Task Should_refuse_exec_and_restart_on_an_engine_that_cannot_before_touching_it()
    {
        var engine = new Engine("render-only");
        var registry = Registry(new ProviderCapabilities());

        var exec = await Should.ThrowAsync<NuleculeException>(() => new ExecAction(registry, engine) { Release = "blog", Request = Request("wordpress") }.RunAsync(default));
        var restart = await Should.ThrowAsync<NuleculeException>(() => new RestartAction(registry, engine) { Release = "blog" }.RunAsync(default));

        exec.Message.ShouldContain("exec is not supported by render-only");
        exec.Message.ShouldContain("providers that support exec: docker");
        restart.Message.ShouldContain("restart is not supported by render-only");
        engine.Calls.ShouldBeEmpty();
    }

    [Fact]
    public async Task Should_exec_in_a_nested_component_named_by_its_own_name_and_return_the_exit_code()
    {
        var engine = new Engine("docker") { ExitCode = 7 };

        var code = await new ExecAction(Registry(), engine) { Release = "blog", Request = Request("mariadb") }.RunAsync(default);

        code.ShouldBe(7);
        engine.Calls.ShouldContain("exec wordpress:mariadb");
    }

    [Fact]
    public async Task Should_say_not_found_for_a_release_with_nothing_deployed()
    {
        var engine = new Engine("docker") { Deployed = [] };

        await Should.ThrowAsync<ReleaseNotFoundException>(() => new ExecAction(Registry(), engine) { Release = "gone", Request = Request("web") }.RunAsync(default));
        await Should.ThrowAsync<ReleaseNotFoundException>(() => new RestartAction(Registry(), engine) { Release = "gone" }.RunAsync(default));
        await Should.ThrowAsync<ReleaseNotFoundException>(() => new PsAction(Registry(), engine) { Release = "gone" }.RunAsync(default));
        (await new PsAction(Registry(), engine).RunAsync(default)).ShouldBeEmpty("ps of every release: none is no error");
    }

    [Fact]
    public async Task Should_check_every_component_name_before_restarting_anything()
    {
        var engine = new Engine("docker");

        var error = await Should.ThrowAsync<NuleculeException>(() => new RestartAction(Registry(), engine) { Release = "blog", Components = ["mariadb", "wordpres"] }.RunAsync(default));

        error.Message.ShouldContain("release 'blog' has no component 'wordpres'");
        engine.Calls.ShouldNotContain(c => c.StartsWith("restart", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Should_refuse_exec_without_a_command_or_with_an_index_below_one()
    {
        var engine = new Engine("docker");

        var empty = await Should.ThrowAsync<NuleculeException>(() => new ExecAction(Registry(), engine) { Release = "blog", Request = Request("wordpress") with { Command = [] } }.RunAsync(default));
        var index = await Should.ThrowAsync<NuleculeException>(() => new ExecAction(Registry(), engine) { Release = "blog", Request = Request("wordpress") with { Index = 0 } }.RunAsync(default));

        empty.Message.ShouldContain("exec needs a command");
        index.Message.ShouldContain("--index counts from 1");
    }

    [Fact]
    public async Task Should_drop_log_lines_stamped_before_since_even_when_the_engine_rounds_it_down()
    {
        var since = new DateTimeOffset(2026, 11, 30, 15, 0, 0, 500, TimeSpan.Zero);
        var engine = new Engine("docker")
        {
            Lines = [Line("early", since.AddMilliseconds(-400)), Line("at", since), Line("late", since.AddSeconds(1)), Line("unstamped", null)],
        };

        var lines = await new LogsAction(Registry(), engine) { Release = "blog", Since = since }.StartAsync(default);

        (await lines.ToListAsync()).Select(l => l.Text).ShouldBe(["at", "late", "unstamped"]);
        engine.Since.ShouldBe(since);
    }

    private static LogLine Line(string text, DateTimeOffset? time) => new("wordpress", "c", text, time);

    private static ExecRequest Request(string component) =>
        new() { Component = component, Command = ["true"], Stdout = Stream.Null, Stderr = Stream.Null };

    private static ProviderRegistry Registry(ProviderCapabilities? renderOnly = null) => new()
    {
        new ProviderRegistration { Name = "docker", Description = "test", Capabilities = new ProviderCapabilities { Exec = true, Restart = true, Ps = true } },
        new ProviderRegistration { Name = "render-only", Description = "test", Capabilities = renderOnly ?? new ProviderCapabilities() },
    };

    /// <summary>An engine whose release runs <see cref="Deployed"/> components; records what is asked of it.</summary>
    private sealed class Engine(string name) : IProvider
    {
        public IReadOnlyList<string> Deployed { get; init; } = Components;

        public IReadOnlyList<LogLine> Lines { get; init; } = [];

        public int ExitCode { get; init; }

        public List<string> Calls { get; } = [];

        public DateTimeOffset? Since { get; private set; }

        public string Name => name;

        public string Target => "memory://";

        public Task<ReleaseStatus> StatusAsync(string release, CancellationToken cancellationToken)
        {
            Calls.Add("status");
            return Task.FromResult(new ReleaseStatus(release, name, Target, Deployed.Select(c => new ComponentStatus(c, [new ObjectStatus("container", c, "running", true)])).ToList()));
        }

        public Task<int> ExecAsync(string release, ExecRequest request, CancellationToken cancellationToken)
        {
            Calls.Add($"exec {request.Component}");
            return Task.FromResult(ExitCode);
        }

        public Task<IReadOnlyList<RestartOutcome>> RestartAsync(string release, IReadOnlyCollection<string>? components, IReporter reporter, CancellationToken cancellationToken)
        {
            Calls.Add("restart");
            return Task.FromResult<IReadOnlyList<RestartOutcome>>(Deployed.Select(c => new RestartOutcome(c, "container", c, true)).ToList());
        }

        public Task<IReadOnlyList<ProcessRow>> PsAsync(string? release, CancellationToken cancellationToken) =>
            Task.FromResult<IReadOnlyList<ProcessRow>>(Deployed.Select(c => new ProcessRow(release ?? "r", c, "container", c, "img", "Up", "", null)).ToList());

        public async IAsyncEnumerable<LogLine> LogsAsync(string release, LogOptions options, [EnumeratorCancellation] CancellationToken cancellationToken)
        {
            Since = options.Since;
            foreach (var line in Lines)
            {
                await Task.Yield();
                yield return line;
            }
        }

        public Task<DeployResult> RunAsync(RenderedApp app, RunOptions options, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task<DeployResult> StopAsync(string release, StopOptions options, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task<IReadOnlyList<ReleaseSummary>> ListAsync(CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task ScaleAsync(string release, string component, int replicas, CancellationToken cancellationToken) => throw new NotSupportedException();
    }
}
