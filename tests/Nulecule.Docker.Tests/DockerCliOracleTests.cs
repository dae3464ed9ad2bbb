using System.Text.Json.Nodes;
using Docker.DotNet;
using Nulecule.Docker.Endpoints;
using Nulecule.Docker.Internal;
using Nulecule.Docker.Planning;
using Nulecule.Docker.Run;
using Nulecule.Templating;
using Nulecule.Testing;

namespace Nulecule.Docker.Tests;

/// <summary>
/// The docker CLI is the oracle for docker-run artifacts: for each line, the container nulecule
/// creates and the one `docker create` makes from the same line have equal Config and HostConfig,
/// names, labels and networks aside (and the CLI's terminal attachment, which nulecule never asks for).
/// </summary>
public sealed class DockerCliOracleTests : IDisposable
{
    private readonly DockerClient _client = DockerConnector.CreateClient(new DockerEndpointResolver().Resolve());
    private readonly List<string> _created = [];
    private readonly List<string> _networks = [];

    public static TheoryData<string> Lines() => new(
        "-d --cpu-shares 512 --add-host db:10.0.0.2 --add-host cache:10.0.0.3 --dns 1.1.1.1 --dns-search example.com --dns-option ndots:2",
        "-d --tmpfs /run:rw,size=64m --tmpfs /scratch --read-only --init --stop-signal SIGINT --stop-timeout 20",
        "-d --shm-size 128m --ulimit nofile=1024:2048 --ulimit nproc=512 --sysctl net.ipv4.ip_forward=1 --security-opt no-new-privileges",
        "-d -c 256 --cpu-period 100000 --cpu-quota 50000 --cpuset-cpus 0 --memory 64m --memory-reservation 32m --memory-swap 128m --memory-swappiness 10 --pids-limit 100 --oom-score-adj 100",
        "-d -e A=1 -e B=two -p 8080:80 -p 127.0.0.1:9090:90/udp --expose 9000 -v /tmp:/data:ro -v /cache -w /tmp -u 1000 --restart on-failure:3 --cap-add NET_ADMIN --cap-drop MKNOD --privileged",
        "-d --log-driver json-file --log-opt max-size=1m --log-opt max-file=2 --group-add 1234 --domainname example.org --ipc shareable --uts host",
        "-d --hostname web --cpus 0.5 --add-host gw:192.168.1.1",
        "-d --health-cmd true --health-interval 5s --health-timeout 2s --health-retries 2 --health-start-period 1s --blkio-weight 300 -P --device-cgroup-rule 'c 1:3 mr' --entrypoint /bin/sh",
        "-dit --rm --no-healthcheck --cgroupns private --pid host",
        "-d --blkio-weight-device /dev/vda:300 --device-read-bps /dev/vda:1mb --device-write-bps /dev/vda:2m --device-read-iops /dev/vda:100 --device-write-iops /dev/vda:200 --kernel-memory 64m",
        "-d --gpus all --gpus '\"device=0,1\"' --gpus 'count=2,driver=nvidia,capabilities=compute,\"options=a=1,b=2\"' --platform linux/amd64",
        "-d --mount type=bind,source=/tmp,target=/data,readonly,bind-propagation=rslave --mount type=tmpfs,target=/run,tmpfs-size=64m,tmpfs-mode=1770 --mount type=volume,target=/cache,volume-nocopy",
        $"-d --network {TestNetwork} --ip 172.31.251.10 --ip6 fd00:fa17:1::10 --link-local-ip 169.254.7.7 --network-alias extra --net-alias more");

    /// <summary>Lines naming it run on a user-defined network with configured IPv4 and IPv6 subnets, made for the test.</summary>
    private const string TestNetwork = "{network}";

    [DockerTheory]
    [MemberData(nameof(Lines))]
    public async Task Should_create_the_container_the_docker_cli_creates(string line)
    {
        // Given: one docker-run line, tokenized as nulecule tokenizes artifacts
        var suffix = Guid.NewGuid().ToString("N")[..8];
        string? network = null;
        if (line.Contains(TestNetwork, StringComparison.Ordinal))
        {
            network = $"oracle-net-{suffix}";
            Docker(["network", "create", "--ipv6", "--subnet", "172.31.251.0/24", "--subnet", "fd00:fa17:1::/64", network]);
            _networks.Add(network);
            line = line.Replace(TestNetwork, network, StringComparison.Ordinal);
        }

        var command = DockerRunParser.Parse("oracle-run", $"docker run {line} {TestImages.Busybox} sleep 300", new Dictionary<string, Spec.Scalar>()).Commands.ShouldHaveSingleItem();

        // When: nulecule creates it through the Engine API, the CLI from the same words
        var args = DockerRunArguments.Parse(command, Path.GetTempPath(), _ => null);
        var parameters = ReleasePlanner.ToCreateParameters(args, $"oracle-ours-{suffix}", "oracle", "bridge", [], new Dictionary<string, string>());
        var ours = (await ContainerCreate.CreateAsync(_client, parameters, args.Settings.RawFields, CancellationToken.None)).ID;
        _created.Add(ours);
        var cliArgs = new List<string> { "create", "--name", $"oracle-cli-{suffix}" };
        cliArgs.AddRange(command.Arguments.Where(a => a is not ("-d" or "--detach")).Select(a => a == "-dit" ? "-it" : a));
        var theirs = Docker(cliArgs).Trim();
        _created.Add(theirs);

        // Then
        var mine = ContainerComparison.Comparable(Docker(["inspect", ours]));
        var cli = ContainerComparison.Comparable(Docker(["inspect", theirs]));
        JsonNode.DeepEquals(mine["Config"], cli["Config"]).ShouldBeTrue($"Config differs for `{line}`:\nnulecule {mine["Config"]!.ToJsonString()}\ndocker   {cli["Config"]!.ToJsonString()}");
        JsonNode.DeepEquals(mine["HostConfig"], cli["HostConfig"]).ShouldBeTrue($"HostConfig differs for `{line}`:\nnulecule {mine["HostConfig"]!.ToJsonString()}\ndocker   {cli["HostConfig"]!.ToJsonString()}");
        if (network is not null)
        {
            // The endpoint flags: what each asked of the network, as the engine recorded it.
            var myEndpoint = Endpoint(ours, network);
            var cliEndpoint = Endpoint(theirs, network);
            myEndpoint["IPAMConfig"].ShouldNotBeNull();
            JsonNode.DeepEquals(myEndpoint, cliEndpoint).ShouldBeTrue($"endpoint differs for `{line}`:\nnulecule {myEndpoint.ToJsonString()}\ndocker   {cliEndpoint.ToJsonString()}");
        }
    }

    [DockerFact]
    public async Task Should_give_the_container_the_mac_address_asked_for()
    {
        // Given: --mac-address on a release network (the docker CLI here cannot be the oracle: it
        // refuses the flag below API 1.44, and this engine speaks 1.41; the engine is the judge)
        var suffix = Guid.NewGuid().ToString("N")[..8];
        var network = $"oracle-mac-{suffix}";
        Docker(["network", "create", network]);
        _networks.Add(network);
        var command = DockerRunParser.Parse("oracle-run", $"docker run -d --mac-address 02:42:ac:1f:00:99 {TestImages.Busybox} sleep 300", new Dictionary<string, Spec.Scalar>()).Commands.Single();
        var args = DockerRunArguments.Parse(command, Path.GetTempPath(), _ => null);
        var parameters = ReleasePlanner.ToCreateParameters(args, $"oracle-mac-{suffix}", "oracle", network, ["web"], new Dictionary<string, string>());

        // When
        var id = (await ContainerCreate.CreateAsync(_client, parameters, args.Settings.RawFields, CancellationToken.None)).ID;
        _created.Add(id);
        await _client.Containers.StartContainerAsync(id, new global::Docker.DotNet.Models.ContainerStartParameters());

        // Then: the running container has it on the release network
        var inspect = await _client.Containers.InspectContainerAsync(id);
        inspect.NetworkSettings!.Networks[network].MacAddress.ShouldBe("02:42:ac:1f:00:99");
    }

    [DockerFact]
    public async Task Should_send_the_platform_with_the_create()
    {
        // Given: the same line for the platform the local image has and for one it lacks
        async Task<string> Create(string platform)
        {
            var command = DockerRunParser.Parse("oracle-run", $"docker run -d --platform {platform} {TestImages.Busybox} true", new Dictionary<string, Spec.Scalar>()).Commands.Single();
            var args = DockerRunArguments.Parse(command, Path.GetTempPath(), _ => null);
            var parameters = ReleasePlanner.ToCreateParameters(args, $"oracle-platform-{Guid.NewGuid().ToString("N")[..8]}", "oracle", "bridge", [], new Dictionary<string, string>());
            var id = (await ContainerCreate.CreateAsync(_client, parameters, args.Settings.RawFields, CancellationToken.None)).ID;
            _created.Add(id);
            return id;
        }

        // When / Then: the engine honours it (and refuses what the local image cannot be)
        (await Create("linux/amd64")).ShouldNotBeNullOrEmpty();
        var error = await Should.ThrowAsync<DockerApiException>(() => Create("linux/s390x"));
        error.Message.ShouldContain("platform");
    }

    private static JsonObject Endpoint(string id, string network)
    {
        var endpoint = JsonNode.Parse(Docker(["inspect", id]))!.AsArray()[0]!["NetworkSettings"]!["Networks"]![network]!.AsObject();
        return new JsonObject { ["IPAMConfig"] = ContainerComparison.Normalized(endpoint["IPAMConfig"]), ["Aliases"] = ContainerComparison.Normalized(endpoint["Aliases"]) };
    }

    [Fact]
    public void Should_refuse_flags_that_need_a_terminal_or_the_clis_state_at_their_location()
    {
        foreach (var (flag, reason) in new[] { ("--attach stdout", "terminal"), ("-a stdout", "terminal"), ("--cidfile /tmp/id", "release history"), ("--sig-proxy", "signals"), ("--detach-keys ctrl-x", "terminal") })
        {
            var command = DockerRunParser.Parse("web-run", $"docker run -d {flag} {TestImages.Busybox}", new Dictionary<string, Spec.Scalar>()).Commands.Single();

            var error = Should.Throw<NuleculeException>(() => DockerRunArguments.Parse(command, Path.GetTempPath(), _ => null));

            var diagnostic = error.Diagnostics.ShouldHaveSingleItem();
            diagnostic.Message.ShouldContain("is not supported: ");
            diagnostic.Message.ShouldContain(reason);
            diagnostic.Location!.File.ShouldBe("web-run");
        }
    }

    /// <summary>The docker CLI at the engine's API version (the CLI here may be newer than the engine).</summary>
    private static string Docker(IEnumerable<string> args) => DockerCli.Run("docker", args);

    public void Dispose()
    {
        foreach (var id in _created)
        {
            try
            {
                _client.Containers.RemoveContainerAsync(id, new global::Docker.DotNet.Models.ContainerRemoveParameters { Force = true }).GetAwaiter().GetResult();
            }
            catch (DockerApiException)
            {
                // already gone
            }
        }

        foreach (var network in _networks)
        {
            Docker(["network", "rm", network]);
        }

        _client.Dispose();
    }
}

/// <summary>A theory that needs a Docker engine; skipped, with the reason, when none answers.</summary>
public sealed class DockerTheoryAttribute : TheoryAttribute
{
    public DockerTheoryAttribute()
    {
        if (new DockerFactAttribute().Skip is { } reason)
        {
            Skip = reason;
        }
    }
}
