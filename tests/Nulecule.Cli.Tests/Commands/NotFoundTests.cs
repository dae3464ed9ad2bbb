namespace Nulecule.Cli.Tests.Commands;

/// <summary>A release that does not exist: the same exit code (4) and message from every verb that names one.</summary>
public class NotFoundTests
{
    [Theory]
    [InlineData("history")]
    [InlineData("rollback")]
    public async Task Should_exit_4_for_a_release_with_no_history(string verb)
    {
        using var state = new TempDir();

        var result = await Cli.RunAsync([verb, "no-such-release"], Environment(state.Path));

        result.ExitCode.ShouldBe(4, result.Stderr);
        result.Stderr.ShouldContain("error: release 'no-such-release' not found");
    }

    [DockerEngineTheory]
    [InlineData("stop")]
    [InlineData("status")]
    [InlineData("logs")]
    public async Task Should_exit_4_for_a_release_with_nothing_deployed(string verb)
    {
        using var state = new TempDir();

        var result = await Cli.RunAsync([verb, "no-such-release"], Environment(state.Path));

        result.ExitCode.ShouldBe(4, result.Stderr);
        result.Stderr.ShouldContain("error: release 'no-such-release' not found");
    }

    [DockerEngineFact]
    public async Task Should_stop_nothing_quietly_with_ignore_not_found()
    {
        using var state = new TempDir();

        var result = await Cli.RunAsync(["stop", "no-such-release", "--ignore-not-found"], Environment(state.Path));

        result.ExitCode.ShouldBe(0, result.Stderr);
        result.Stderr.ShouldNotContain("error:");
    }

    private static Dictionary<string, string> Environment(string stateDir) =>
        new() { ["NO_COLOR"] = "1", ["NULECULE_STATE_DIR"] = stateDir, ["HOME"] = stateDir };
}

public sealed class DockerEngineTheoryAttribute : TheoryAttribute
{
    public DockerEngineTheoryAttribute() => Skip = EndToEnd.DockerEngine.Unavailable;
}
