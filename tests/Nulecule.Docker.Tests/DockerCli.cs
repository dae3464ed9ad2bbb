using System.Diagnostics;

namespace Nulecule.Docker.Tests;

/// <summary>The docker and docker-compose programs, for oracle tests and their clean-up.</summary>
internal static class DockerCli
{
    /// <summary>Runs docker or docker-compose (API 1.41, as the engine here speaks) and returns its output; a non-zero exit fails the test.</summary>
    public static string Run(string program, IEnumerable<string> args, IReadOnlyDictionary<string, string>? environment = null)
    {
        var start = new ProcessStartInfo(program, args) { RedirectStandardOutput = true, RedirectStandardError = true };
        start.Environment["DOCKER_API_VERSION"] = "1.41";
        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[key] = value;
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEnd();
        process.WaitForExit();
        process.ExitCode.ShouldBe(0, $"{program} {string.Join(' ', args)}: {stderr}");
        return stdout.Result;
    }
}
