#nullable disable
using System.Text.RegularExpressions;
using Nulecule.Docker.Planning;
using Nulecule.Docker.Run;
using Nulecule.Providers;

namespace Nulecule.Docker.Tests;

/// <summary>
/// The docker-run flags that map onto the container create's endpoint, mounts, device requests,
/// block-IO limits, platform and the fields outside Docker.DotNet's model: parsed as the docker
/// CLI parses them, refused with a located reason where the CLI or the engine would refuse them.
/// </summary>
public sealed partial class DockerRunEngineFlagsTests
{
    private static DockerRunArguments Parse(string text) =>
        DockerRunArguments.Parse(TestApps.Command(text, "artifacts/docker/web_run", 3), "/apps/web/artifacts/docker", _ => null);

    private static global::Docker.DotNet.Models.CreateContainerParameters Create(string text) =>
        ReleasePlanner.Plan(TestApps.App("a", [TestApps.Component("web", text)]), new RunOptions { Release = "r" }).Containers[0].Parameters;

    [Fact]
    public void Should_read_mounts_as_the_docker_cli_does()
    {
        var mounts = Parse("--mount type=bind,src=./conf,dst=/etc/app,readonly,bind-propagation=RSlave "
            + "--mount type=tmpfs,destination=/run,tmpfs-size=64m,tmpfs-mode=1770 "
            + "--mount target=/cache,volume-nocopy,volume-label=a=b,volume-opt=type=nfs,volume-driver=local img").Mounts;

        mounts.Count.ShouldBe(3);
        (mounts[0].Type, mounts[0].Source, mounts[0].Target, mounts[0].ReadOnly).ShouldBe(("bind", "/apps/web/artifacts/docker/conf", "/etc/app", true));
        mounts[0].BindOptions!.Propagation.ShouldBe("rslave");
        (mounts[1].Type, mounts[1].TmpfsOptions!.SizeBytes, mounts[1].TmpfsOptions!.Mode).ShouldBe(("tmpfs", 64L << 20, Convert.ToUInt32("1770", 8)));
        (mounts[2].Type, mounts[2].Source, mounts[2].VolumeOptions!.NoCopy).ShouldBe(("volume", null, true));
        mounts[2].VolumeOptions!.Labels!["a"].ShouldBe("b");
        mounts[2].VolumeOptions!.DriverConfig!.Options!["type"].ShouldBe("nfs");
        mounts[2].VolumeOptions!.DriverConfig!.Name.ShouldBe("local");
    }

    [Fact]
    public void Should_name_a_mounted_volume_per_release_and_create_it_with_the_mounts_driver()
    {
        var plan = ReleasePlanner.Plan(
            TestApps.App("a", [TestApps.Component("db", "--mount source=data,target=/var/lib/db,volume-driver=local,volume-opt=o=bind,volume-label=tier=db img")]),
            new RunOptions { Release = "r" });

        plan.Containers[0].Parameters.HostConfig.Mounts!.ShouldHaveSingleItem().Source.ShouldBe("r-data");
        var volume = plan.Volumes.ShouldHaveSingleItem();
        (volume.Name, volume.Driver, volume.DriverOptions!["o"], volume.Labels["tier"], volume.Labels[Labels.Release]).ShouldBe(("r-data", "local", "bind", "db", "r"));
    }

    [Fact]
    public void Should_read_gpu_requests_as_the_docker_cli_does()
    {
        var p = Create("--gpus all --gpus 2 --gpus '\"device=0,1\"' --gpus 'driver=nvidia,capabilities=compute,\"options=a=1,b=2\"' img");

        var requests = p.HostConfig.DeviceRequests;
        requests.Select(r => r.Count).ShouldBe([-1, 2, 0, 1]);
        requests[2].DeviceIDs.ShouldBe(["0", "1"]);
        requests[0].Capabilities.ShouldHaveSingleItem().ShouldBe(["gpu"]);
        requests[3].Capabilities.ShouldHaveSingleItem().ShouldBe(["compute", "gpu"]);
        requests[3].Driver.ShouldBe("nvidia");
        requests[3].Options.ShouldBe(new Dictionary<string, string> { ["a"] = "1", ["b"] = "2" });
    }

    [Fact]
    public void Should_set_block_io_limits_platform_and_the_fields_outside_the_model()
    {
        var args = Parse("--blkio-weight-device /dev/vda:300 --device-read-bps /dev/vda:1mb --device-write-bps /dev/vda:2g "
            + "--device-read-iops /dev/vda:100 --device-write-iops /dev/vda:50 --platform linux/amd64 --kernel-memory 64m --mac-address 02:42:ac:11:00:99 img");
        var p = Create("--blkio-weight-device /dev/vda:300 --device-read-bps /dev/vda:1mb --device-write-bps /dev/vda:2g "
            + "--device-read-iops /dev/vda:100 --device-write-iops /dev/vda:50 --platform linux/amd64 img");

        var host = p.HostConfig;
        (host.BlkioWeightDevice.ShouldHaveSingleItem().Path, host.BlkioWeightDevice[0].Weight).ShouldBe(("/dev/vda", (ushort)300));
        host.BlkioDeviceReadBps.ShouldHaveSingleItem().Rate.ShouldBe(1UL << 20);
        host.BlkioDeviceWriteBps.ShouldHaveSingleItem().Rate.ShouldBe(2UL << 30);
        host.BlkioDeviceReadIOps.ShouldHaveSingleItem().Rate.ShouldBe(100UL);
        host.BlkioDeviceWriteIOps.ShouldHaveSingleItem().Rate.ShouldBe(50UL);
        p.Platform.ShouldBe("linux/amd64");
        args.Settings.RawFields.ShouldBe(new RawCreateFields("02:42:ac:11:00:99", 64L << 20));
    }

    [Fact]
    public void Should_write_the_fields_outside_the_model_into_the_create_body()
    {
        var body = System.Text.Json.Nodes.JsonNode.Parse("""{"Image":"img","HostConfig":{"Memory":1}}""")!.AsObject();

        new RawCreateFields("02:42:ac:11:00:99", 1024).WriteTo(body);

        body.ToJsonString().ShouldBe("""{"Image":"img","HostConfig":{"Memory":1,"KernelMemory":1024},"MacAddress":"02:42:ac:11:00:99"}""");
    }

    [Fact]
    public void Should_put_aliases_and_addresses_on_the_containers_endpoint()
    {
        var own = Create("--network-alias api --net-alias v1 --link-local-ip 169.254.1.5 --mac-address 02:42:ac:11:00:99 img").NetworkingConfig.EndpointsConfig;
        var theirs = Create("--network shared --ip 10.1.0.5 --ip6 fd00::5 --network-alias api img").NetworkingConfig.EndpointsConfig;

        own["nulecule-r"].Aliases.ShouldBe(["web", "web-1", "api", "v1"]);
        own["nulecule-r"].IPAMConfig.LinkLocalIPs.ShouldBe(["169.254.1.5"]);
        own["nulecule-r"].MacAddress.ShouldBe("02:42:ac:11:00:99");
        theirs.Keys.ShouldBe(["shared"]);
        (theirs["shared"].IPAMConfig.IPv4Address, theirs["shared"].IPAMConfig.IPv6Address).ShouldBe(("10.1.0.5", "fd00::5"));
        theirs["shared"].Aliases.ShouldBe(["api"]);
        Create("--network shared img").NetworkingConfig.ShouldBeNull();
    }

    [Theory]
    [InlineData("--ip 10.0.0.5 img", "--ip needs a network with a configured subnet")]
    [InlineData("--network host --network-alias x img", "apply only to user-defined networks, not to --network host")]
    [InlineData("--network bridge --ip 172.17.0.9 img", "apply only to user-defined networks")]
    [InlineData("--network n --ip 10.0.0 img", "not an IPv4 address")]
    [InlineData("--network n --ip 10.0.0.010 img", "not an IPv4 address")]
    [InlineData("--network n --ip6 10.0.0.1 img", "not an IPv6 address")]
    [InlineData("--network n --ip6 fe80::1%eth0 img", "not an IPv6 address")]
    [InlineData("--mac-address 02:42:zz:11:00:99 img", "not a MAC address")]
    [InlineData("--mount type=bind,src=/a img", "target is required")]
    [InlineData("--mount type=image,src=a,dst=/a img", "image mounts need Engine API 1.47")]
    [InlineData("--mount type=bind,src=/a,dst=/a,volume-nocopy img", "cannot mix 'volume-*' options with mount type 'bind'")]
    [InlineData("--mount type=volume,dst=/a,volume-subpath=x img", "needs Engine API 1.45")]
    [InlineData("--mount dst=/a,bogus=1 img", "unexpected key 'bogus'")]
    [InlineData("--mount dst=/a,tmpfs-mode=9 img", "invalid value for tmpfs-mode")]
    [InlineData("--mount 'dst=/a,x\"y' img", "double quote inside an unquoted field")]
    [InlineData("--gpus count=x img", "invalid count (x)")]
    [InlineData("--gpus 1,count=2 img", "'count' can be given only once")]
    [InlineData("--gpus foo=1 img", "unexpected key 'foo'")]
    [InlineData("--blkio-weight-device /dev/vda:5 img", "not a valid rate or weight")]
    [InlineData("--device-read-bps vda:1m img", "must start with /dev/")]
    [InlineData("--device-write-iops /dev/vda:1k img", "not a valid rate or weight")]
    [InlineData("--kernel-memory lots img", "not a size")]
    [InlineData("--platform linux//amd64 img", "not a platform")]
    [InlineData("--volumes-from db img", "copies the mounts of a container at the moment")]
    public void Should_refuse_what_the_cli_or_the_engine_would_refuse_at_its_line(string text, string expected)
    {
        var error = Should.Throw<NuleculeException>(() => Parse(text));

        error.Message.ShouldContain(expected);
        error.Diagnostics.ShouldHaveSingleItem().Location!.ToString().ShouldBe("artifacts/docker/web_run:3:1");
    }

    [Fact]
    public void Should_change_the_config_hash_with_every_flag_and_keep_it_without_them()
    {
        string Hash(string text) => ReleasePlanner.Plan(TestApps.App("a", [TestApps.Component("web", text)]), new RunOptions { Release = "r" }).Containers[0].ConfigHash;
        var plain = ReleasePlanner.Plan(TestApps.App("a", [TestApps.Component("web", "-p 80:80 img")]), new RunOptions { Release = "r" }).Containers[0];

        Hash("--dns 1.1.1.1 img").ShouldNotBe(Hash("--dns 8.8.8.8 img"));
        Hash("--mount dst=/a img").ShouldNotBe(Hash("--mount dst=/b img"));
        Hash("--kernel-memory 64m img").ShouldNotBe(Hash("--kernel-memory 32m img"));
        // Without such flags the hash is the one computed from the create fields alone, as before flags were hashed.
        plain.ConfigHash.ShouldBe(ConfigHash.Compute(plain.Parameters));
    }

    [Fact]
    public void Should_list_every_flag_of_the_table_as_supported_or_refused_and_count_them()
    {
        var table = File.ReadAllText(Path.Combine(RepositoryRoot(), "docs", "docker-run-flags.md"));
        var rows = FlagRow().Matches(table).Select(m => (Flag: m.Groups[1].Value, Status: m.Groups[2].Value)).ToList();

        rows.Count.ShouldBeGreaterThan(90);
        foreach (var (flag, status) in rows)
        {
            var known = status == "supported" ? DockerRunFlagParser.Supported.Contains(flag) : DockerRunFlagParser.Refused.ContainsKey(flag);
            known.ShouldBeTrue($"--{flag} is '{status}' in the table but not in the parser");
        }

        DockerRunFlagParser.Refused.Keys.ShouldBeSubsetOf(rows.Where(r => r.Status == "refused").Select(r => r.Flag));
        var supported = rows.Count(r => r.Status == "supported");
        var refused = rows.Count(r => r.Status == "refused");
        table.ShouldContain($"{supported} supported, {refused} refused.");
    }

    private static string RepositoryRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Nulecule.slnx")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException("repository root not found");
    }

    [GeneratedRegex(@"^\| `(?:-\w, )?--([a-z0-9-]+)` \| (supported|refused) \|", RegexOptions.Multiline)]
    private static partial Regex FlagRow();
}
