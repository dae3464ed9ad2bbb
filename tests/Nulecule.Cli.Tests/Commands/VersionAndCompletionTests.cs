using System.Diagnostics;
using System.Text.Json.Nodes;
using Nulecule.Cli.Tests.EndToEnd;

namespace Nulecule.Cli.Tests.Commands;

public class VersionAndCompletionTests
{
    [Fact]
    public async Task Should_say_engines_are_not_reachable_without_failing()
    {
        // Given: no engine where the command looks
        var environment = new Dictionary<string, string> { ["NO_COLOR"] = "1", ["DOCKER_HOST"] = "unix:///nonexistent/docker.sock" };

        // When
        var watch = Stopwatch.StartNew();
        var text = await Cli.RunAsync(["version", "--kubeconfig", "/nonexistent/kubeconfig"], environment);
        var json = await Cli.RunAsync(["version", "--kubeconfig", "/nonexistent/kubeconfig", "-o", "json"], environment);

        // Then
        text.ExitCode.ShouldBe(0, text.Stderr);
        watch.Elapsed.ShouldBeLessThan(TimeSpan.FromSeconds(10));
        var lines = text.Stdout.TrimEnd('\n').Split('\n');
        lines[0].ShouldStartWith("client:     0.1.0 (.NET ");
        lines[1].ShouldStartWith("docker:     not reachable at unix:///nonexistent/docker.sock (");
        lines[2].ShouldStartWith("kubernetes: not reachable (kubeconfig file '/nonexistent/kubeconfig' does not exist)");
        var doc = JsonNode.Parse(json.Stdout)!;
        doc["client"]!["version"]!.GetValue<string>().ShouldBe("0.1.0");
        doc["docker"]!["reachable"]!.GetValue<bool>().ShouldBeFalse();
        doc["kubernetes"]!["error"]!.GetValue<string>().ShouldContain("does not exist");
    }

    [DockerEngineFact]
    public async Task Should_report_the_engine_version_the_docker_cli_reports()
    {
        var oracle = await Tool.RunAsync("docker", "version", "--format", "{{.Server.Version}} (API {{.Server.APIVersion}}, {{.Server.Os}}/{{.Server.Arch}})");

        var result = await Cli.RunAsync(["version", "--kubeconfig", "/nonexistent/kubeconfig"], new Dictionary<string, string> { ["NO_COLOR"] = "1" });

        result.Stdout.Split('\n')[1].ShouldStartWith($"docker:     {oracle.Trim()} at ");
    }

    [KubernetesFact]
    public async Task Should_report_the_cluster_version_kubectl_reports()
    {
        var oracle = JsonNode.Parse(await Tool.RunAsync("kubectl", "--kubeconfig", KubeCluster.Kubeconfig, "version", "-o", "json"))!["serverVersion"]!["gitVersion"]!.GetValue<string>();

        var result = await Cli.RunAsync(["version", "--kubeconfig", KubeCluster.Kubeconfig, "-o", "json"], new Dictionary<string, string> { ["NO_COLOR"] = "1" });

        var kubernetes = JsonNode.Parse(result.Stdout)!["kubernetes"]!;
        kubernetes["reachable"]!.GetValue<bool>().ShouldBeTrue(result.Stdout);
        kubernetes["version"]!.GetValue<string>().ShouldBe(oracle);
    }

    [Theory]
    [InlineData("bash", "complete -o default -F _nulecule_complete nulecule")]
    [InlineData("zsh", "#compdef nulecule")]
    [InlineData("fish", "complete -c nulecule -f -a '(__nulecule_complete)'")]
    [InlineData("powershell", "Register-ArgumentCompleter -Native -CommandName nulecule")]
    public async Task Should_print_a_completion_script_that_asks_the_suggest_directive(string shell, string expected)
    {
        var result = await Cli.RunAsync("completion", shell);

        result.ExitCode.ShouldBe(0, result.Stderr);
        result.Stdout.ShouldContain(expected);
        result.Stdout.ShouldContain("[suggest:");
    }

    [Fact]
    public async Task Should_complete_commands_options_values_and_release_names()
    {
        // Given: a release recorded in the local history
        using var state = new TempDir();
        await OutputTests.Record(state.Path, "shop", "Install complete");
        var environment = new Dictionary<string, string> { ["NULECULE_STATE_DIR"] = state.Path };

        // When: what the shell scripts ask
        var commands = await Cli.RunAsync(["[suggest:4]", "stat"], environment);
        var options = await Cli.RunAsync(["[suggest:10]", "stop --ign"], environment);
        var values = await Cli.RunAsync(["[suggest:12]", "status x -o "], environment);
        var releases = await Cli.RunAsync(["[suggest:7]", "stop sh"], environment);

        // Then
        Lines(commands).ShouldBe(["status"]);
        Lines(options).ShouldBe(["--ignore-not-found"]);
        Lines(values).ShouldBe(["json", "table", "wide", "yaml"]);
        Lines(releases).ShouldContain("shop");
        (await Cli.RunAsync(["[suggest:2]", "-"], environment)).Stdout.ShouldNotContain("/?");
    }

    [ShellFact("fish")]
    public async Task Should_complete_in_fish_with_the_script_it_prints()
    {
        var output = await Tool.RunAsync("fish", "-c", $"{Terminal.Nulecule} completion fish | source; complete -C '{Terminal.Nulecule} stop --ig'");

        output.Trim().ShouldStartWith("--ignore-not-found");
    }

    [ShellFact("zsh")]
    public async Task Should_complete_in_zsh_with_the_script_it_prints()
    {
        // Given: the completion function with zsh's compadd replaced by one that prints what it is given
        var script = $"compdef() {{ :; }}; compadd() {{ print -l -- ${{(P)2}}; }}; source <({Terminal.Nulecule} completion zsh); "
            + $"words=({Terminal.Nulecule} stat); LBUFFER='{Terminal.Nulecule} stat'; _nulecule";

        // When
        var output = await Tool.RunAsync("zsh", "-fc", script);

        // Then
        output.Trim().ShouldBe("status");
    }

    [ShellFact("bash")]
    public async Task Should_complete_in_bash_with_the_script_it_prints()
    {
        // Given: bash with the script sourced, as `source <(nulecule completion bash)` does
        var script = $"source <({Terminal.Nulecule} completion bash); "
            + $"COMP_WORDS=({Terminal.Nulecule} hist); COMP_CWORD=1; COMP_LINE='{Terminal.Nulecule} hist'; COMP_POINT=${{#COMP_LINE}}; "
            + "_nulecule_complete; printf '%s\\n' \"${COMPREPLY[@]}\"";

        // When
        var output = await Tool.RunAsync("bash", "-c", script);

        // Then
        output.Trim().ShouldBe("history");
    }

    private static string[] Lines(Cli.Result result) => result.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}

internal static class Tool
{
    public static async Task<string> RunAsync(string program, params string[] args)
    {
        var start = new ProcessStartInfo(program, args) { RedirectStandardOutput = true, RedirectStandardError = true };
        using var process = Process.Start(start)!;
        var output = await process.StandardOutput.ReadToEndAsync();
        var error = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        process.ExitCode.ShouldBe(0, $"{program} {string.Join(' ', args)}: {error}");
        return output;
    }
}

/// <summary>A test of a completion script in its shell, with the built binary; skipped without either.</summary>
public sealed class ShellFactAttribute : FactAttribute
{
    public ShellFactAttribute(string shell) =>
        Skip = !File.Exists(Terminal.Nulecule) ? $"the nulecule binary is not built at {Terminal.Nulecule}"
            : File.Exists($"/usr/bin/{shell}") || File.Exists($"/bin/{shell}") ? null
            : $"{shell} is not installed";
}

public sealed class DockerEngineFactAttribute : FactAttribute
{
    public DockerEngineFactAttribute() => Skip = DockerEngine.Unavailable;
}

public sealed class KubernetesFactAttribute : FactAttribute
{
    public KubernetesFactAttribute() => Skip = KubeCluster.Unavailable;
}
