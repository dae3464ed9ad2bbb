using System.Diagnostics;
using System.Text.Json.Nodes;
using Nulecule.Kubernetes.Internal;

namespace Nulecule.Kubernetes.Tests.Support;

/// <summary>Finds the test cluster once: KUBECONFIG, else the test bed's admin kubeconfig.</summary>
internal static class Cluster
{
    public const string Image = "local/busybox:latest";
    private static readonly Lazy<(string? Kubeconfig, string? Why)> Probe = new(Find);

    public static string? Kubeconfig => Probe.Value.Kubeconfig;

    /// <summary>Why the cluster tests skip, or null when a cluster answers.</summary>
    public static string? SkipReason => Probe.Value.Why;

    public static KubernetesSettings Settings(string ns) => new() { KubeconfigPath = Kubeconfig, Namespace = ns };

    private static (string?, string?) Find()
    {
        if (TestKubeconfig.Find(out var missing) is not { } path)
        {
            return (null, missing);
        }

        try
        {
            using var connection = KubernetesConnection.Resolve(new KubernetesSettings { KubeconfigPath = path });
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            var version = connection.Api.SendAsync(HttpMethod.Get, "/version", null, null, cts.Token).GetAwaiter().GetResult();
            if (version["gitVersion"] is null)
            {
                return (null, $"the API server of {path} did not answer /version");
            }
        }
        catch (Exception e)
        {
            return (null, $"no Kubernetes cluster answers ({path}): {e.Message}");
        }

        return EnsureImage() is { } why ? (null, why) : (path, null);
    }

    private static string? EnsureImage()
    {
        if (Run("docker", $"image inspect {Image}") == 0)
        {
            return null;
        }

        var script = Path.Combine(RepoRoot(), ".ci", "kube-setup.sh");
        return Run("bash", $"{script} image") == 0 ? null : $"image {Image} is missing and {script} image could not create it";
    }

    private static int Run(string file, string args)
    {
        try
        {
            using var process = Process.Start(new ProcessStartInfo(file, args) { RedirectStandardOutput = true, RedirectStandardError = true })!;
            process.WaitForExit(180_000);
            return process.HasExited ? process.ExitCode : -1;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return -1;
        }
    }

    internal static string RepoRoot()
    {
        var dir = AppContext.BaseDirectory;
        while (dir is not null && !Directory.Exists(Path.Combine(dir, ".ci")))
        {
            dir = Path.GetDirectoryName(dir);
        }

        return dir ?? ".";
    }
}

/// <summary>A test that needs the real cluster; skipped, saying why, when none answers.</summary>
public sealed class ClusterFactAttribute : FactAttribute
{
    public ClusterFactAttribute()
    {
        if (Cluster.SkipReason is { } why)
        {
            Skip = why;
        }
    }
}

/// <summary>A namespace of its own for one test class, deleted afterwards; plus raw API access for checks.</summary>
public sealed class TestNamespace : IAsyncLifetime
{
    private KubernetesConnection? _connection;

    public string Name { get; } = "nulecule-t-" + Guid.NewGuid().ToString("N")[..10];

    internal KubeApi Api => _connection!.Api;

    public async Task InitializeAsync()
    {
        if (Cluster.Kubeconfig is null)
        {
            return;
        }

        _connection = KubernetesConnection.Resolve(Cluster.Settings(Name));
        await Api.SendAsync(HttpMethod.Post, "/api/v1/namespaces", new JsonObject
        {
            ["apiVersion"] = "v1",
            ["kind"] = "Namespace",
            ["metadata"] = new JsonObject { ["name"] = Name },
        }, null, CancellationToken.None);

        // Pods need the namespace's default service account before they can be created.
        for (var i = 0; i < 50 && await Api.GetAsync($"/api/v1/namespaces/{Name}/serviceaccounts/default", CancellationToken.None) is null; i++)
        {
            await Task.Delay(200);
        }
    }

    public async Task DisposeAsync()
    {
        if (_connection is null)
        {
            return;
        }

        await Api.GetAsync($"/api/v1/namespaces/{Name}", CancellationToken.None);
        try
        {
            await Api.SendAsync(HttpMethod.Delete, $"/api/v1/namespaces/{Name}", null, null, CancellationToken.None);
        }
        catch (KubeApiException)
        {
            // Already gone.
        }

        _connection.Dispose();
    }

    internal async Task<JsonObject?> GetAsync(string path) => await Api.GetAsync(path, CancellationToken.None) as JsonObject;

    internal async Task<List<JsonObject>> ListAsync(string path) =>
        ((await Api.GetAsync(path, CancellationToken.None))?["items"] as JsonArray ?? []).OfType<JsonObject>().ToList();
}
