using System.Text.Json.Nodes;
using Docker.DotNet;
using Nulecule.Docker.Endpoints;
using Nulecule.Docker.Export;
using Nulecule.Docker.Internal;
using Nulecule.Docker.Planning;
using Nulecule.Docker.Run;
using Nulecule.Templating;
using Nulecule.Testing;

namespace Nulecule.Docker.Tests.Export;

/// <summary>
/// docker-compose (1.29, the one .ci/docker-setup.sh installs) is the oracle for the exported file:
/// it accepts the file (`config`), and the container it creates from the service equals the one
/// the docker provider creates from the docker-run line (Config and HostConfig; names, labels and
/// networks aside, named volumes compared by their name in the app).
/// </summary>
public sealed class ComposeExportOracleTests : IDisposable
{
    private readonly DockerClient _client = DockerConnector.CreateClient(new DockerEndpointResolver().Resolve());
    private readonly List<string> _created = [];
    private readonly List<(string Project, string File)> _projects = [];
    private readonly string _dir = Directory.CreateTempSubdirectory("nulecule-export-").FullName;

    public static TheoryData<string> Lines() => new(
        "-d -e A=1 -e B='two words' -e PRICE='$5' -p 18080:80 -p 127.0.0.1:19090:90/udp --expose 9000 -v /tmp:/data:ro -v /cache -v data:/var/lib/x -w /tmp -u 1000 --restart on-failure:3 --cap-add NET_ADMIN --cap-drop MKNOD --privileged",
        "-d --cpu-shares 512 --add-host db:10.0.0.2 --dns 1.1.1.1 --dns-search example.com --dns-option ndots:2 --hostname web --cpus 0.5 --memory 64m",
        "-d --tmpfs /run:rw,size=64m --read-only --init --stop-signal SIGINT --shm-size 128m --ulimit nofile=1024:2048 --sysctl net.ipv4.ip_forward=1 --security-opt no-new-privileges",
        "-d --cpu-period 100000 --cpu-quota 50000 --cpuset-cpus 0 --memory 64m --memory-reservation 32m --memory-swap 128m --memory-swappiness 10 --pids-limit 100 --oom-score-adj 100",
        "-d --log-driver json-file --log-opt max-size=1m --log-opt max-file=2 --group-add 1234 --domainname example.org --ipc shareable --pid host",
        "-d --health-cmd 'true' --health-interval 5s --health-timeout 2s --health-retries 2 --health-start-period 1s --blkio-weight 300 --device-cgroup-rule 'c 1:3 mr' --entrypoint /bin/sh -it",
        "-d --no-healthcheck -l tier=front -l 'note=a b'",
        "-d --stop-timeout 20 --blkio-weight-device /dev/vda:300 --device-read-bps /dev/vda:1mb --device-write-iops /dev/vda:200 --oom-kill-disable",
        "-d --mount type=bind,source=/tmp,target=/data,readonly,bind-propagation=rslave --mount type=volume,source=cache,target=/cache,volume-nocopy");

    [DockerTheory]
    [MemberData(nameof(Lines))]
    public async Task Should_export_a_service_docker_compose_creates_as_the_docker_provider_does(string line)
    {
        // Given: one docker-run line of an app, exported
        var project = "exp" + Guid.NewGuid().ToString("N")[..8];
        var app = TestApps.App("oracle", [TestApps.Component("web", $"docker run {line} {TestImages.Busybox} sleep 300")]);
        var file = Path.Combine(_dir, project + ".yaml");
        await File.WriteAllTextAsync(file, DocumentWriter.ToYaml(ComposeExport.Export(app, SecretMasker.None, _ => null)));
        _projects.Add((project, file));

        // When: docker-compose reads and creates it; the docker provider creates the same line
        DockerCli.Run("docker-compose", ["-p", project, "-f", file, "config", "-q"]);
        DockerCli.Run("docker-compose", ["-p", project, "-f", file, "up", "--no-start"]);
        var theirs = DockerCli.Run("docker", ["ps", "-aq", "--filter", $"label=com.docker.compose.project={project}"]).Trim();
        var args = DockerRunArguments.Parse(app.Components[0].Artifacts[0].Commands[0], Path.GetTempPath(), _ => null);
        var parameters = ReleasePlanner.ToCreateParameters(args, $"{project}-ours", project, "bridge", [], new Dictionary<string, string>());
        var ours = (await ContainerCreate.CreateAsync(_client, parameters, args.Settings.RawFields, CancellationToken.None)).ID;
        _created.Add(ours);

        // Then
        theirs.ShouldNotBeEmpty();
        var mine = ContainerComparison.Comparable(DockerCli.Run("docker", ["inspect", ours]), project + "-");
        var compose = ContainerComparison.Comparable(DockerCli.Run("docker", ["inspect", theirs]), project + "_");
        JsonNode.DeepEquals(mine["Config"], compose["Config"]).ShouldBeTrue($"Config differs for `{line}`:\nnulecule {mine["Config"]!.ToJsonString()}\ncompose  {compose["Config"]!.ToJsonString()}");
        JsonNode.DeepEquals(mine["HostConfig"], compose["HostConfig"]).ShouldBeTrue($"HostConfig differs for `{line}`:\nnulecule {mine["HostConfig"]!.ToJsonString()}\ncompose  {compose["HostConfig"]!.ToJsonString()}");
    }


    public void Dispose()
    {
        foreach (var (project, file) in _projects)
        {
            try
            {
                DockerCli.Run("docker-compose", ["-p", project, "-f", file, "down", "--volumes"]);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                // the test's own failure says more
            }
        }

        foreach (var id in _created)
        {
            try
            {
                _client.Containers.RemoveContainerAsync(id, new global::Docker.DotNet.Models.ContainerRemoveParameters { Force = true, RemoveVolumes = true }).GetAwaiter().GetResult();
            }
            catch (DockerApiException)
            {
                // already gone
            }
        }

        // The docker provider's named volumes (the engine made them on create): `<release>-<name>`.
        foreach (var (project, _) in _projects)
        {
            foreach (var volume in DockerCli.Run("docker", ["volume", "ls", "-q", "--filter", $"name={project}-"]).Split('\n', StringSplitOptions.RemoveEmptyEntries))
            {
                DockerCli.Run("docker", ["volume", "rm", volume]);
            }
        }

        Directory.Delete(_dir, recursive: true);
        _client.Dispose();
    }
}
