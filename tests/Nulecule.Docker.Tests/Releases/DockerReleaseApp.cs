namespace Nulecule.Docker.Tests.Releases;

/// <summary>
/// A small two-component app written to a temporary directory: `web` (busybox httpd, its
/// greeting and the hidden global `token` in its environment) and `worker` (a loop, its `mode`
/// in the environment). Both trap TERM so a recreate does not wait out the stop timeout.
/// </summary>
internal static class DockerReleaseApp
{
    public const string MissingImage = "localhost:1/nulecule-missing:latest";

    public static string Write(string directory, bool withWorker = true)
    {
        Directory.CreateDirectory(Path.Combine(directory, "artifacts", "docker"));
        var worker = withWorker
            ? """
                - name: worker
                  params:
                    - name: mode
                      description: How the worker works
                      default: one
                  artifacts:
                    docker:
                      - file://artifacts/docker/worker
              """
            : "";
        File.WriteAllText(Path.Combine(directory, "Nulecule"), $"""
            specversion: 0.0.2
            id: relapp
            metadata:
              name: Release test app
              appversion: 1.0.0
            params:
              - name: token
                description: A secret the web server gets
                hidden: true
            graph:
              - name: web
                params:
                  - name: greeting
                    description: What the web server says
                    default: hello
                  - name: image
                    description: The web server image
                    default: {TestImages.Busybox}
                artifacts:
                  docker:
                    - file://artifacts/docker/web
            {worker}
            """);
        File.WriteAllText(
            Path.Combine(directory, "artifacts", "docker", "web"),
            """docker run -d --name web -e GREETING=$greeting -e TOKEN=$token $image sh -c 'trap "exit 0" TERM; httpd -p 8080; while sleep 1; do :; done'""" + "\n");
        File.WriteAllText(
            Path.Combine(directory, "artifacts", "docker", "worker"),
            $"""docker run -d --name worker -e MODE=$mode {TestImages.Busybox} sh -c 'trap "exit 0" TERM; while sleep 1; do :; done'""" + "\n");
        return directory;
    }
}
