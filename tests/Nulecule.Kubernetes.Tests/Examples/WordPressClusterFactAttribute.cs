using System.Diagnostics;
using Nulecule.Kubernetes.Tests.Support;

namespace Nulecule.Kubernetes.Tests.Examples;

/// <summary>
/// A fact that runs examples/wordpress on the test cluster: skipped, saying why, when no cluster
/// answers or the example's images (scripts/build-wordpress-images.sh) are not in the node's engine.
/// </summary>
public sealed class WordPressClusterFactAttribute : FactAttribute
{
    public static readonly string[] Images = ["local/mariadb:10", "local/wordpress:6", "local/nulecule-mariadb:1"];

    private static readonly Lazy<string?> Unavailable = new(() =>
    {
        if (Cluster.SkipReason is { } why)
        {
            return why;
        }

        foreach (var image in Images)
        {
            if (DockerCli.Run("image", "inspect", image).ExitCode != 0)
            {
                return $"image {image} is missing from the node's Docker engine: run scripts/build-debian-image.sh, then scripts/build-wordpress-images.sh";
            }
        }

        return null;
    });

    public WordPressClusterFactAttribute()
    {
        if (Unavailable.Value is { } reason)
        {
            Skip = reason;
        }
    }
}

/// <summary>The docker CLI, for what this project does not otherwise reach (the node's image store).</summary>
internal static class DockerCli
{
    public static (int ExitCode, string Output) Run(params string[] args)
    {
        try
        {
            var info = new ProcessStartInfo("docker") { RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (var arg in args)
            {
                info.ArgumentList.Add(arg);
            }

            using var process = Process.Start(info)!;
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEnd();
            process.WaitForExit(60_000);
            return (process.HasExited ? process.ExitCode : -1, stdout.GetAwaiter().GetResult() + stderr);
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            return (-1, e.Message);
        }
    }
}
