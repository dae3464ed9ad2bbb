using System.Text.Json.Nodes;
using Nulecule.Actions;
using Nulecule.Kubernetes.Tests.Support;
using Nulecule.Templating;
using Nulecule.Testing.Contracts;

namespace Nulecule.Kubernetes.Tests.Releases;

/// <summary>The provider lifecycle contract on the Kubernetes testbed, in a namespace of its own.</summary>
public sealed class KubeProviderContractTests : ProviderLifecycleContract
{
    protected override string? SkipReason => Cluster.SkipReason;

    protected override async Task<IServedRelease> StartAsync() => new Served(await KubeReleaseHarness.CreateAsync(KubeServedApp.Writer()));

    private sealed class Served(KubeReleaseHarness h) : IServedRelease
    {
        public ReleaseConfiguration Config => h.Config;

        public string Release => h.Release;

        public string MissingImage => KubeReleaseApp.MissingImage;

        public RecordingReporter Reporter => h.Reporter;

        public Task<RenderedApp> RenderAsync(params string[] sets) => h.RenderAsync(sets);

        /// <summary>The Service's ClusterIP, once kube-proxy has programmed it and a pod answers.</summary>
        public async Task<string> UrlAsync()
        {
            var ip = (string?)(await h.Ns.GetAsync($"/api/v1/namespaces/{h.Ns.Name}/services/web"))?["spec"]?["clusterIP"];
            var url = $"http://{ip}:8080/";
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
            for (var i = 0; i < 60; i++)
            {
                try
                {
                    await http.GetStringAsync(url);
                    return url;
                }
                catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
                {
                    await Task.Delay(500);
                }
            }

            return url;
        }

        public async Task DeleteWebAsync() =>
            await h.Ns.Api.SendAsync(HttpMethod.Delete, $"/apis/apps/v1/namespaces/{h.Ns.Name}/deployments/web", null, null, CancellationToken.None);

        public async Task CreateForeignWebAsync() =>
            await h.Ns.Api.SendAsync(HttpMethod.Post, $"/apis/apps/v1/namespaces/{h.Ns.Name}/deployments", JsonNode.Parse($$"""
                {
                  "apiVersion": "apps/v1", "kind": "Deployment", "metadata": { "name": "web" },
                  "spec": {
                    "replicas": 1,
                    "selector": { "matchLabels": { "app": "web" } },
                    "template": {
                      "metadata": { "labels": { "app": "web" } },
                      "spec": { "terminationGracePeriodSeconds": 1,
                                "containers": [ { "name": "main", "image": "{{Cluster.Image}}", "imagePullPolicy": "Never", "command": ["sleep", "3600"] } ] }
                    }
                  }
                }
                """), null, CancellationToken.None);

        public ValueTask DisposeAsync() => h.DisposeAsync();
    }
}
