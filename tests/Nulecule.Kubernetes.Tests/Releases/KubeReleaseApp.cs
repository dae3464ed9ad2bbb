using Nulecule.Kubernetes.Tests.Support;

namespace Nulecule.Kubernetes.Tests.Releases;

/// <summary>
/// A small two-component app written to a temporary directory: `web` (a Deployment running busybox
/// httpd, its greeting, image and the hidden global `token` in its environment, plus a Service) and
/// `worker` (a Deployment with its `mode` in the environment).
/// </summary>
internal static class KubeReleaseApp
{
    public const string MissingImage = "localhost:1/nulecule-missing:latest";

    public static string Write(string directory, bool withWorker = true)
    {
        var artifacts = Path.Combine(directory, "artifacts", "kubernetes");
        Directory.CreateDirectory(artifacts);
        File.WriteAllText(Path.Combine(directory, "Nulecule"), ReleaseTestSupport.ReleaseAppNulecule(
            "kubernetes",
            Cluster.Image,
            ["file://artifacts/kubernetes/web.json", "file://artifacts/kubernetes/web-service.json"],
            withWorker ? "file://artifacts/kubernetes/worker.json" : null));
        File.WriteAllText(Path.Combine(artifacts, "web.json"), Deployment("web", """[ { "name": "GREETING", "value": "$greeting" }, { "name": "TOKEN", "value": "$token" } ]""", "$image", "trap 'exit 0' TERM; httpd -p 8080; while sleep 1; do :; done"));
        File.WriteAllText(Path.Combine(artifacts, "web-service.json"), """
            { "apiVersion": "v1", "kind": "Service", "metadata": { "name": "web" },
              "spec": { "selector": { "app": "web" }, "ports": [ { "port": 8080, "targetPort": 8080 } ] } }
            """);
        File.WriteAllText(Path.Combine(artifacts, "worker.json"), Deployment("worker", """[ { "name": "MODE", "value": "$mode" } ]""", Cluster.Image, "trap 'exit 0' TERM; while sleep 1; do :; done"));
        return directory;
    }

    private static string Deployment(string name, string env, string image, string script) => $$"""
        {
          "apiVersion": "apps/v1", "kind": "Deployment",
          "metadata": { "name": "{{name}}" },
          "spec": {
            "replicas": 1,
            "selector": { "matchLabels": { "app": "{{name}}" } },
            "template": {
              "metadata": { "labels": { "app": "{{name}}" } },
              "spec": {
                "terminationGracePeriodSeconds": 1,
                "containers": [ { "name": "main", "image": "{{image}}", "imagePullPolicy": "Never",
                                  "command": ["sh", "-c", "{{script}}"], "env": {{env}} } ]
              }
            }
          }
        }
        """;
}
