using System.Text.RegularExpressions;

namespace Nulecule.Actions;

/// <summary>Creates a new application skeleton: a Nulecule file with docker and kubernetes artifacts.</summary>
public static partial class InitAction
{
    public static string Run(string name, string? destination)
    {
        if (!NamePattern().IsMatch(name))
        {
            throw new NuleculeException($"'{name}' is not a usable application id", null,
                "use lower-case letters, digits and '-' (it names containers and Kubernetes objects), starting with a letter");
        }

        var dir = Path.GetFullPath(destination ?? name);
        if (Directory.Exists(dir) && Directory.EnumerateFileSystemEntries(dir).Any())
        {
            throw new NuleculeException($"{dir} already exists and is not empty", null, "choose another --destination");
        }

        Directory.CreateDirectory(Path.Combine(dir, "artifacts", "docker"));
        Directory.CreateDirectory(Path.Combine(dir, "artifacts", "kubernetes"));
        File.WriteAllText(Path.Combine(dir, "Nulecule"), $"""
            ---
            specversion: 0.0.2
            id: {name}

            metadata:
              name: {name}
              appversion: 0.1.0
              description: A new Nulecule application

            params:
              - name: provider
                description: The provider to deploy to when none is given
                default: docker

            graph:
              - name: web
                params:
                  - name: image
                    description: The container image to run
                    default: local/busybox:latest
                  - name: port
                    description: The host port the web server is published on
                    default: 8090
                    constraints:
                      - allowed_pattern: "[0-9]{"{1,5}"}"
                        description: a TCP port number
                artifacts:
                  docker:
                    - file://artifacts/docker/web-run
                  kubernetes:
                    - file://artifacts/kubernetes/web-deployment.yaml
                    - file://artifacts/kubernetes/web-service.yaml

            """);
        File.WriteAllText(Path.Combine(dir, "artifacts", "docker", "web-run"),
            "docker run -d --name web -p $port:80 $image httpd -f -p 80 -h /etc\n");
        File.WriteAllText(Path.Combine(dir, "artifacts", "kubernetes", "web-deployment.yaml"), """
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: web
            spec:
              replicas: 1
              selector:
                matchLabels:
                  app: web
              template:
                metadata:
                  labels:
                    app: web
                spec:
                  terminationGracePeriodSeconds: 2
                  containers:
                    - name: web
                      image: $image
                      imagePullPolicy: IfNotPresent
                      command: ["httpd", "-f", "-p", "80", "-h", "/etc"]
                      ports:
                        - containerPort: 80

            """);
        File.WriteAllText(Path.Combine(dir, "artifacts", "kubernetes", "web-service.yaml"), """
            apiVersion: v1
            kind: Service
            metadata:
              name: web
            spec:
              type: NodePort
              selector:
                app: web
              ports:
                - port: 80
                  targetPort: 80

            """);
        File.WriteAllText(Path.Combine(dir, "README.md"), $"""
            # {name}

            A Nulecule application. Check it, see what it renders, run it:

                nulecule validate .
                nulecule template . --provider kubernetes
                nulecule run . --provider docker --set port=8091

            """);
        File.WriteAllText(Path.Combine(dir, "Dockerfile"), $"""
            FROM local/busybox:latest
            LABEL io.projectatomic.nulecule.specversion="0.0.2" \
                  io.projectatomic.nulecule.providers="docker,kubernetes"
            COPY . /application-entity

            """);
        return dir;
    }

    [GeneratedRegex("^[a-z][a-z0-9-]{0,51}$")]
    private static partial Regex NamePattern();
}
