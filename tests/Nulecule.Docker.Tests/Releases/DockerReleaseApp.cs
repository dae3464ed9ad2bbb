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
        File.WriteAllText(Path.Combine(directory, "Nulecule"), ReleaseTestSupport.ReleaseAppNulecule(
            "docker", TestImages.Busybox, ["file://artifacts/docker/web"], withWorker ? "file://artifacts/docker/worker" : null));
        File.WriteAllText(
            Path.Combine(directory, "artifacts", "docker", "web"),
            """docker run -d --name web -e GREETING=$greeting -e TOKEN=$token $image sh -c 'trap "exit 0" TERM; httpd -p 8080; while sleep 1; do :; done'""" + "\n");
        File.WriteAllText(
            Path.Combine(directory, "artifacts", "docker", "worker"),
            $"""docker run -d --name worker -e MODE=$mode {TestImages.Busybox} sh -c 'trap "exit 0" TERM; while sleep 1; do :; done'""" + "\n");
        return directory;
    }
}
