using Docker.DotNet;
using k8s;
using Nulecule.Docker.Endpoints;

namespace Nulecule.Cli.Tests.EndToEnd;

/// <summary>
/// The stand-in images scripts/build-corpus-images.sh builds under the names the corpus apps use.
/// </summary>
internal static class StandIns
{
    public const string Httpd = "centos/httpd:latest";
    public const string Redis = "centos/redis:latest";
    public const string FlaskRedis = "dharmit/redis:latest";
    public const string Flask = "dharmit/flask:latest";
    public const string Guestbook = "kubernetes/guestbook:v2";
    public const string Script = "scripts/build-corpus-images.sh";
}

/// <summary>The local Docker engine, probed once, as the Docker provider's tests probe it.</summary>
internal static class DockerEngine
{
    private static readonly Lazy<string?> Problem = new(() =>
    {
        try
        {
            var endpoint = new DockerEndpointResolver().Resolve();
            return DockerConnector.ProbeAsync(endpoint).GetAwaiter().GetResult() is { } problem ? $"no Docker engine at {endpoint}: {problem}" : null;
        }
        catch (Exception e)
        {
            return $"no Docker engine: {e.Message}";
        }
    });

    /// <summary>Why engine tests cannot run, or null.</summary>
    public static string? Unavailable => Problem.Value;

    public static DockerClient Client() => DockerConnector.CreateClient(new DockerEndpointResolver().Resolve());

    /// <summary>The images of <paramref name="images"/> the engine does not have.</summary>
    public static IReadOnlyList<string> Missing(IEnumerable<string> images)
    {
        using var client = Client();
        var missing = new List<string>();
        foreach (var image in images)
        {
            try
            {
                client.Images.InspectImageAsync(image).GetAwaiter().GetResult();
            }
            catch (DockerApiException)
            {
                missing.Add(image);
            }
        }

        return missing;
    }
}

/// <summary>The test cluster: KUBECONFIG, else the testbed's admin kubeconfig, probed once.</summary>
internal static class KubeCluster
{
    private static readonly Lazy<(string? Path, string? Why)> Probe = new(Find);

    public static string Kubeconfig => Probe.Value.Path ?? throw new InvalidOperationException(Probe.Value.Why);

    public static string? Unavailable => Probe.Value.Why;

    public static k8s.Kubernetes Client() => new(KubernetesClientConfiguration.BuildConfigFromConfigFile(Kubeconfig));

    /// <summary>Creates a namespace and waits for its default service account (pods are refused until it exists).</summary>
    public static async Task CreateNamespaceAsync(k8s.Kubernetes client, string name, TimeSpan wait)
    {
        await client.CoreV1.CreateNamespaceAsync(new k8s.Models.V1Namespace { Metadata = new k8s.Models.V1ObjectMeta { Name = name } });
        await Probes.EventuallyAsync(async () =>
        {
            try
            {
                await client.CoreV1.ReadNamespacedServiceAccountAsync("default", name);
                return true;
            }
            catch (k8s.Autorest.HttpOperationException)
            {
                return false;
            }
        }, ok => ok, wait);
    }

    /// <summary>Deletes a namespace at once; one already gone is fine.</summary>
    public static async Task DeleteNamespaceAsync(k8s.Kubernetes client, string name)
    {
        try
        {
            await client.CoreV1.DeleteNamespaceAsync(name, new k8s.Models.V1DeleteOptions { GracePeriodSeconds = 0 });
        }
        catch (k8s.Autorest.HttpOperationException)
        {
            // Already gone.
        }
    }

    private static (string?, string?) Find()
    {
        if (TestKubeconfig.Find(out var missing) is not { } path)
        {
            return (null, missing);
        }

        try
        {
            using var client = new k8s.Kubernetes(KubernetesClientConfiguration.BuildConfigFromConfigFile(path));
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            client.Version.GetCodeAsync(cts.Token).GetAwaiter().GetResult();
            return (path, null);
        }
        catch (Exception e)
        {
            return (null, $"no Kubernetes cluster answers ({path}): {e.Message}");
        }
    }
}

/// <summary>
/// A corpus app on the local Docker engine: skipped, saying why, without the corpus, the engine
/// or the stand-in images.
/// </summary>
public sealed class DockerCorpusFactAttribute : FactAttribute
{
    public DockerCorpusFactAttribute(params string[] images)
    {
        Skip = Repo.Corpus is null ? "the Nulecule corpus (../shared/corpus beside the repository) is not present"
            : DockerEngine.Unavailable is { } why ? why
            : DockerEngine.Missing(images) is { Count: > 0 } missing ? $"stand-in images missing ({string.Join(", ", missing)}): run {StandIns.Script}"
            : null;
    }
}

/// <summary>
/// A corpus app on the Kubernetes testbed (whose kubelet uses the local Docker engine's images):
/// skipped, saying why, without the corpus, the cluster or the stand-in images.
/// </summary>
public sealed class KubernetesCorpusFactAttribute : FactAttribute
{
    public KubernetesCorpusFactAttribute(params string[] images)
    {
        Skip = Repo.Corpus is null ? "the Nulecule corpus (../shared/corpus beside the repository) is not present"
            : KubeCluster.Unavailable is { } why ? why
            : DockerEngine.Unavailable is { } noDocker ? $"the stand-in images cannot be checked: {noDocker}"
            : DockerEngine.Missing(images) is { Count: > 0 } missing ? $"stand-in images missing ({string.Join(", ", missing)}): run {StandIns.Script}"
            : null;
    }
}

/// <summary>A namespace of its own on the testbed for one test, deleted with it.</summary>
internal sealed class TestNamespace : IAsyncDisposable
{
    private readonly k8s.Kubernetes _client;

    private TestNamespace(k8s.Kubernetes client, string name)
    {
        _client = client;
        Name = name;
    }

    public string Name { get; }

    /// <summary>A new namespace `PREFIX-xxxxxxxx`, ready for pods; null when there is no testbed (the test skips).</summary>
    public static async Task<TestNamespace?> CreateAsync(string prefix)
    {
        if (KubeCluster.Unavailable is not null)
        {
            return null;
        }

        var created = new TestNamespace(KubeCluster.Client(), prefix + "-" + Guid.NewGuid().ToString("N")[..8]);
        await KubeCluster.CreateNamespaceAsync(created._client, created.Name, TimeSpan.FromSeconds(20));
        return created;
    }

    public async ValueTask DisposeAsync()
    {
        await KubeCluster.DeleteNamespaceAsync(_client, Name);
        _client.Dispose();
    }
}
