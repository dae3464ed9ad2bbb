namespace Nulecule.Docker.Tests.Releases;

/// <summary>
/// A one-component app that serves HTTP on a host port: `web` publishes `127.0.0.1:$port`, writes
/// `$greeting` as its page and runs busybox httpd. With `mode=crash` its command exits 3 at once.
/// It traps TERM so a replacement does not wait out the stop timeout.
/// </summary>
internal static class ServedApp
{
    public static Func<string, string> Writer(int port) => directory =>
    {
        Directory.CreateDirectory(Path.Combine(directory, "artifacts", "docker"));
        File.WriteAllText(Path.Combine(directory, "Nulecule"), $"""
            specversion: 0.0.2
            id: servedapp
            metadata:
              name: Served app
              appversion: 1.0.0
            params:
              - name: token
                description: A secret the web server gets
                hidden: true
            graph:
              - name: web
                params:
                  - name: image
                    description: Image
                    default: {TestImages.Busybox}
                  - name: port
                    description: Host port
                    default: {port}
                  - name: greeting
                    description: The page
                    default: hello
                  - name: mode
                    description: serve or crash
                    default: serve
                artifacts:
                  docker:
                    - file://artifacts/docker/web
            """);
        File.WriteAllText(
            Path.Combine(directory, "artifacts", "docker", "web"),
            """docker run -d --name web -p 127.0.0.1:$port:8080 -e TOKEN=$token $image sh -c 'trap "exit 0" TERM; test $mode = crash && exit 3; mkdir -p /www; echo $greeting > /www/index.html; httpd -p 8080 -h /www; while sleep 1; do :; done'""" + "\n");
        return directory;
    };
}
