using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Nulecule.Cli.Tests.EndToEnd;

namespace Nulecule.Cli.Tests.Packaging;

/// <summary>
/// The container image of the tool (scripts/build-tool-image.sh, from the NativeAOT binary that
/// scripts/publish-aot.sh makes): its labels, `version` in it, and its RUN label deploying an app
/// to the host's engine through the mounted socket.
/// </summary>
public partial class ToolImageTests
{
    [ToolImageFact]
    public async Task Should_carry_the_labels_and_run_an_app_through_the_host_socket_as_its_run_label_says()
    {
        // Given: the image, built offline under a name of this test's own
        var image = $"local/nulecule-test:{Guid.NewGuid().ToString("N")[..8]}";
        var build = await Processes.RunAsync("bash", ["scripts/build-tool-image.sh", image], timeout: TimeSpan.FromMinutes(3));
        build.ExitCode.ShouldBe(0, build.ToString());
        using var app = new TempDir();
        var release = "img" + Guid.NewGuid().ToString("N")[..6];
        try
        {
            // Then: the Nulecule/Atomic and OCI labels, as docker inspect shows them
            var inspect = await Processes.RunAsync("docker", ["image", "inspect", "-f", "{{json .Config.Labels}}", image]);
            var labels = JsonNode.Parse(inspect.Stdout)!.AsObject();
            labels["io.projectatomic.nulecule.specversion"]!.GetValue<string>().ShouldBe("0.0.2");
            labels["io.projectatomic.nulecule.atomicappversion"]!.GetValue<string>().ShouldBe("0.1.0");
            labels["io.projectatomic.nulecule.providers"]!.GetValue<string>().ShouldBe("docker,kubernetes,openshift");
            labels["org.opencontainers.image.title"]!.GetValue<string>().ShouldBe("nulecule");
            labels["org.opencontainers.image.version"]!.GetValue<string>().ShouldBe("0.1.0");
            labels["org.opencontainers.image.revision"]!.GetValue<string>().ShouldMatch("^[0-9a-f]{40}$");
            labels["org.opencontainers.image.created"]!.GetValue<string>().ShouldMatch(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$");
            var runLabel = labels["RUN"]!.GetValue<string>();
            runLabel.ShouldContain("-v /var/run/docker.sock:/var/run/docker.sock");
            runLabel.ShouldContain("${IMAGE} ${OPT2} run ${OPT3}");

            // And: `version` runs in it (the man pages are in it too)
            var version = await Processes.RunAsync("docker", ["run", "--rm", image, "version", "--kubeconfig", "/nonexistent"]);
            version.ExitCode.ShouldBe(0, version.ToString());
            version.Stdout.ShouldStartWith("client:     0.1.0");
            (await Processes.RunAsync("docker", ["run", "--rm", "--entrypoint", "/opt/nulecule/nulecule", image, "manpage"])).Stdout.ShouldStartWith(".TH NULECULE 1");

            // When: the RUN label, with its variables filled in as `podman container runlabel` does,
            // runs a new app from the current directory on the host's engine
            (await Cli.RunAsync("init", "hello", "--destination", app.Path)).ExitCode.ShouldBe(0);
            var port = FreePort();
            var run = await Processes.RunAsync("docker", Expand(runLabel, image, app.Path, opt3: $"--provider docker --name {release} --set port={port} --wait --timeout 1m").Skip(1),
                directory: app.Path, timeout: TimeSpan.FromMinutes(2));

            // Then: the container runs on the host, labelled as the release's, and answers
            run.ExitCode.ShouldBe(0, run.ToString());
            var containers = await Processes.RunAsync("docker", ["ps", "--filter", $"label={(global::Nulecule.Providers.Labels.Release)}={release}", "--format", "{{.Names}} {{.Ports}}"]);
            containers.Stdout.ShouldContain($"0.0.0.0:{port}->80/tcp", customMessage: containers.ToString());
        }
        finally
        {
            // The release is stopped through the image too: its history is in the image's state volume.
            await Processes.RunAsync("docker", ["run", "--rm", "-v", "/var/run/docker.sock:/var/run/docker.sock", "-v", "nulecule-state:/var/lib/nulecule", image, "stop", release, "--ignore-not-found", "--purge"]);
            await Processes.RunAsync("docker", ["image", "rm", image]);
        }
    }

    /// <summary>A label's command as `podman container runlabel` builds it: IMAGE, PWD and OPT1-3 put in, split into words.</summary>
    private static string[] Expand(string label, string image, string pwd, string opt3)
    {
        var text = Variable().Replace(label, m => m.Groups[1].Value switch
        {
            "IMAGE" => image,
            "PWD" => pwd,
            "OPT3" => opt3,
            _ => "",
        });
        return text.Split(' ', StringSplitOptions.RemoveEmptyEntries);
    }

    [GeneratedRegex(@"\$\{(\w+)\}")]
    private static partial Regex Variable();

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

/// <summary>
/// Needs the Docker engine and the NativeAOT binary (out/aot/nulecule; scripts/publish-aot.sh takes
/// minutes, so CI does not make it: scripts/check-packages.sh does, then runs this test).
/// </summary>
public sealed class ToolImageFactAttribute : FactAttribute
{
    public ToolImageFactAttribute() =>
        Skip = DockerEngine.Unavailable
            ?? (File.Exists(Repo.Path("out", "aot", "nulecule")) ? null : $"no NativeAOT binary at {Repo.Path("out", "aot", "nulecule")} (scripts/publish-aot.sh makes it, in minutes)");
}
