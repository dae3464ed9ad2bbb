using Nulecule.Kubernetes.Tests.Support;

namespace Nulecule.Kubernetes.Tests.Releases;

/// <summary>
/// A one-component app that serves its `greeting` over HTTP: a Deployment (busybox httpd, ready
/// when it answers) behind a ClusterIP Service `web` on port 8080. With `mode=crash` the container
/// exits 3 at once; a deployment namespace puts the Deployment in another namespace; a host port
/// publishes the pod's port on 127.0.0.1 (`hostport`).
/// </summary>
internal static class KubeServedApp
{
    public static Func<string, string> Writer(string? deploymentNamespace = null, int hostPort = 0) => directory =>
    {
        var artifacts = Path.Combine(directory, "artifacts", "kubernetes");
        Directory.CreateDirectory(artifacts);
        File.WriteAllText(Path.Combine(directory, "Nulecule"), $"""
            specversion: 0.0.2
            id: kservedapp
            metadata:
              name: Served app
              appversion: 1.0.0
            params:
              - name: token
                description: A secret
                hidden: true
            graph:
              - name: web
                params:
                  - name: image
                    description: Image
                    default: {Cluster.Image}
                  - name: greeting
                    description: The page
                    default: hello
                  - name: mode
                    description: serve or crash
                    default: serve
                  - name: hostport
                    description: The host port (on 127.0.0.1); 0 publishes none
                    default: {hostPort}
                artifacts:
                  kubernetes:
                    - file://artifacts/kubernetes/web.json
                    - file://artifacts/kubernetes/service.json
            """);
        var ns = deploymentNamespace is null ? "" : $"\"namespace\": \"{deploymentNamespace}\", ";
        var ports = hostPort == 0 ? "" : ",\n                      \"ports\": [ { \"containerPort\": 8080, \"hostPort\": $hostport, \"hostIP\": \"127.0.0.1\" } ]";
        File.WriteAllText(Path.Combine(artifacts, "web.json"), $$"""
            {
              "apiVersion": "apps/v1", "kind": "Deployment",
              "metadata": { {{ns}}"name": "web" },
              "spec": {
                "replicas": 1,
                "selector": { "matchLabels": { "app": "web" } },
                "template": {
                  "metadata": { "labels": { "app": "web" } },
                  "spec": {
                    "terminationGracePeriodSeconds": 1,
                    "containers": [ {
                      "name": "main", "image": "$image", "imagePullPolicy": "Never",
                      "env": [ { "name": "TOKEN", "value": "$token" } ],
                      "command": ["sh", "-c", "trap 'exit 0' TERM; test $mode = crash && exit 3; mkdir -p /www; echo $greeting > /www/index.html; httpd -p 8080 -h /www; while sleep 1; do :; done"],
                      "readinessProbe": { "httpGet": { "path": "/", "port": 8080 }, "periodSeconds": 1 }{{ports}}
                    } ]
                  }
                }
              }
            }
            """);
        File.WriteAllText(Path.Combine(artifacts, "service.json"), """
            { "apiVersion": "v1", "kind": "Service", "metadata": { "name": "web" },
              "spec": { "selector": { "app": "web" }, "ports": [ { "port": 8080, "targetPort": 8080 } ] } }
            """);
        return directory;
    };
}
