using System.Text.Json.Nodes;
using Nulecule.Answers;
using Nulecule.Providers;
using Nulecule.Resolution;
using Nulecule.Spec;
using Nulecule.Templating;

namespace Nulecule.Kubernetes.Tests.Support;

/// <summary>Builds rendered apps (what `template` hands a provider) from JSON documents.</summary>
internal static class TestApps
{
    public static RenderedApp App(
        string id,
        IEnumerable<(string Component, string[] Documents)> components,
        IReadOnlyList<PersistentVolumeRequirement>? volumes = null,
        Dictionary<string, IReadOnlyDictionary<string, Scalar>>? contexts = null,
        IReadOnlyList<ResolvedParam>? parameters = null,
        string provider = "kubernetes")
    {
        var application = new Application { Id = id, SpecVersion = "0.0.2", Directory = "/tmp/" + id, File = $"/tmp/{id}/Nulecule" };
        var root = new AppNode(application, null, new Dictionary<string, AppNode>());
        var rendered = components.Select(c => new RenderedComponent(c.Component, c.Component, root, c.Documents.Select((d, i) => new RenderedArtifact
        {
            Component = c.Component,
            Provider = provider,
            Source = $"artifacts/{provider}/{c.Component}-{i}.json",
            Format = ArtifactFormat.Json,
            Documents = [JsonNode.Parse(d)!],
            Text = d,
        }).ToList())).ToList();
        var values = new ResolvedValues(parameters ?? [], new Dictionary<string, string>(), contexts ?? []);
        return new RenderedApp(root, provider, rendered, volumes ?? [], values);
    }

    public static RunOptions Options(string release, bool wait = true, int timeoutSeconds = 90) =>
        new() { Release = release, Wait = wait, Timeout = TimeSpan.FromSeconds(timeoutSeconds) };

    /// <summary>A Deployment of local/busybox running <paramref name="script"/> under `sh -c`.</summary>
    public static string Deployment(string name, string script, int replicas = 1, string image = Cluster.Image) => $$"""
        {
          "apiVersion": "apps/v1", "kind": "Deployment",
          "metadata": { "name": "{{name}}" },
          "spec": {
            "replicas": {{replicas}},
            "selector": { "matchLabels": { "app": "{{name}}" } },
            "template": {
              "metadata": { "labels": { "app": "{{name}}" } },
              "spec": {
                "terminationGracePeriodSeconds": 1,
                "containers": [ { "name": "main", "image": "{{image}}", "imagePullPolicy": "Never", "command": ["sh", "-c", "{{script}}"] } ]
              }
            }
          }
        }
        """;

    public static string Service(string name, int port = 80) => $$"""
        { "apiVersion": "v1", "kind": "Service", "metadata": { "name": "{{name}}" },
          "spec": { "selector": { "app": "{{name}}" }, "ports": [ { "port": {{port}}, "targetPort": {{port}} } ] } }
        """;

    public static string ConfigMap(string name, string value) => $$"""
        { "apiVersion": "v1", "kind": "ConfigMap", "metadata": { "name": "{{name}}" }, "data": { "key": "{{value}}" } }
        """;
}
