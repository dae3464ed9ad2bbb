#nullable disable
using Nulecule.Docker.Planning;
using Nulecule.Providers;
using Nulecule.Spec;

namespace Nulecule.Docker.Tests;

public sealed class ReleasePlannerTests
{
    private static ReleasePlan Plan(params Nulecule.Templating.RenderedComponent[] components) =>
        ReleasePlanner.Plan(TestApps.App("flask-redis", components), new RunOptions { Release = "r1", Revision = 2 }, _ => null);

    [Fact]
    public void Should_name_containers_deterministically_and_keep_given_names_as_aliases()
    {
        var plan = Plan(
            TestApps.Component("redis", "-d --name=redis img redis-server"),
            TestApps.Component("web", "-d -p 80 img", "-d img"));

        plan.Containers.Select(c => c.ContainerName).ShouldBe(["r1-redis", "r1-web-1", "r1-web-2"]);
        plan.NetworkName.ShouldBe("nulecule-r1");
        var redis = plan.Containers[0].Parameters;
        redis.HostConfig.NetworkMode.ShouldBe("nulecule-r1");
        redis.NetworkingConfig.EndpointsConfig["nulecule-r1"].Aliases.ShouldBe(["redis"]);
        plan.Containers[1].Parameters.NetworkingConfig.EndpointsConfig["nulecule-r1"].Aliases.ShouldBe(["web", "web-1"]);
    }

    [Fact]
    public void Should_turn_a_link_into_an_alias_of_the_target()
    {
        var plan = Plan(
            TestApps.Component("mariadb", "-d --name mariadb-atomicapp-app img"),
            TestApps.Component("wordpress", "-d --link mariadb-atomicapp-app:mysql img"));

        plan.Containers[0].Parameters.NetworkingConfig.EndpointsConfig["nulecule-r1"].Aliases
            .ShouldBe(["mariadb", "mariadb-atomicapp-app", "mysql"], ignoreOrder: true);
    }

    [Fact]
    public void Should_reject_a_link_to_an_unknown_container_at_its_line()
    {
        var error = Should.Throw<NuleculeException>(() => Plan(TestApps.Component("web", "-d --link ghost:db img")));

        error.Message.ShouldContain("'ghost'");
        error.Message.ShouldContain("artifacts/docker/web-0:1:1");
    }

    [Fact]
    public void Should_reject_two_containers_with_one_name()
    {
        Should.Throw<NuleculeException>(() => Plan(TestApps.Component("a", "--name x img"), TestApps.Component("b", "--name x img")))
            .Message.ShouldContain("'x'");
    }

    [Fact]
    public void Should_label_every_container_and_order_them()
    {
        var plan = Plan(TestApps.Component("a", "img"), TestApps.Component("b", "img"));

        var labels = plan.Containers[1].Parameters.Labels;
        labels[Labels.AppId].ShouldBe("flask-redis");
        labels[Labels.Release].ShouldBe("r1");
        labels[Labels.Component].ShouldBe("b");
        labels[Labels.Revision].ShouldBe("2");
        labels[Labels.ManagedBy].ShouldBe("nulecule");
        labels[Labels.ConfigHash].ShouldBe(plan.Containers[1].ConfigHash);
        labels[DockerLabels.Order].ShouldBe("0001");
        plan.NetworkLabels[Labels.Release].ShouldBe("r1");
    }

    [Fact]
    public void Should_keep_the_hash_across_revisions_and_change_it_with_the_config()
    {
        var app = TestApps.App("a", [TestApps.Component("web", "-e A=1 -p 8080:80 img")]);
        var first = ReleasePlanner.Plan(app, new RunOptions { Release = "r", Revision = 1 }).Containers[0].ConfigHash;
        var second = ReleasePlanner.Plan(app, new RunOptions { Release = "r", Revision = 7 }).Containers[0].ConfigHash;
        var changed = ReleasePlanner.Plan(TestApps.App("a", [TestApps.Component("web", "-e A=2 -p 8080:80 img")]), new RunOptions { Release = "r" }).Containers[0].ConfigHash;

        second.ShouldBe(first);
        changed.ShouldNotBe(first);
        first.Length.ShouldBe(64);
    }

    [Fact]
    public void Should_map_named_volumes_and_requirements_to_release_volumes()
    {
        var app = TestApps.App("a", [TestApps.Component("db", "-v data:/var/lib/db -v /srv:/srv:ro img")],
            volumes: [new PersistentVolumeRequirement("dbvol", "ReadWriteOnce", "1Gi", new SourceLocation("Nulecule", 1, 1))]);

        var plan = ReleasePlanner.Plan(app, new RunOptions { Release = "r" });

        plan.Volumes.Select(v => v.Name).ShouldBe(["r-data", "r-dbvol"]);
        plan.Containers[0].Parameters.HostConfig.Binds.ShouldBe(["r-data:/var/lib/db", "/srv:/srv:ro"]);
    }

    [Fact]
    public void Should_build_create_parameters_from_every_option()
    {
        var p = Plan(TestApps.Component("web",
            "-p 127.0.0.1:8080:80/tcp -e A=1 -l tier=web --restart on-failure:3 --entrypoint /bin/sh -w /w -u nobody --privileged --cap-add NET_ADMIN "
            + "--health-cmd 'true' --health-retries 2 -m 64m --cpus 2 --rm -it img -c run")).Containers[0].Parameters;

        p.ExposedPorts.Keys.ShouldBe(["80/tcp"]);
        p.HostConfig.PortBindings["80/tcp"].ShouldHaveSingleItem().HostPort.ShouldBe("8080");
        p.HostConfig.PortBindings["80/tcp"][0].HostIP.ShouldBe("127.0.0.1");
        p.Env.ShouldBe(["A=1"]);
        p.Labels["tier"].ShouldBe("web");
        p.HostConfig.RestartPolicy.Name.ShouldBe(global::Docker.DotNet.Models.RestartPolicyKind.OnFailure);
        p.HostConfig.RestartPolicy.MaximumRetryCount.ShouldBe(3);
        p.Entrypoint.ShouldBe(["/bin/sh"]);
        p.Cmd.ShouldBe(["-c", "run"]);
        (p.WorkingDir, p.User, p.HostConfig.Privileged).ShouldBe(("/w", "nobody", true));
        p.HostConfig.CapAdd.ShouldBe(["NET_ADMIN"]);
        p.Healthcheck.Test.ShouldBe(["CMD-SHELL", "true"]);
        p.Healthcheck.Retries.ShouldBe(2);
        p.HostConfig.Memory.ShouldBe(64L << 20);
        p.HostConfig.NanoCPUs.ShouldBe(2_000_000_000L);
        (p.HostConfig.AutoRemove, p.Tty, p.OpenStdin).ShouldBe((true, true, true));
    }

    [Fact]
    public void Should_leave_a_container_with_an_explicit_network_off_the_release_network()
    {
        var p = Plan(TestApps.Component("web", "--network host img")).Containers[0].Parameters;

        p.HostConfig.NetworkMode.ShouldBe("host");
        p.NetworkingConfig.ShouldBeNull();
    }

    [Theory]
    [InlineData("bad name")]
    [InlineData("-x")]
    [InlineData("a:b")]
    public void Should_reject_release_names_docker_cannot_use(string release)
    {
        Should.Throw<NuleculeException>(() => ReleasePlanner.Plan(TestApps.App("a", []), new RunOptions { Release = release }))
            .Message.ShouldContain(release);
    }

    [Fact]
    public async Task Should_plan_a_dry_run_without_an_engine_and_mask_secrets()
    {
        // Given an endpoint that cannot answer: a dry run must not need it
        using var provider = new DockerProvider(Endpoints.EndpointEnvironment.From(new Dictionary<string, string> { ["DOCKER_HOST"] = "unix:///nonexistent.sock" }, "/tmp"));
        var app = TestApps.App("a", [TestApps.Component("db", "-d --name db -e PASSWORD=hunter2 -p 5432:5432 img")], secrets: ["hunter2"]);

        // When
        var result = await provider.RunAsync(app, new RunOptions { Release = "dry", DryRun = true }, CancellationToken.None);

        // Then
        result.PlannedOperations.ShouldContain("POST /networks/create name=nulecule-dry driver=bridge");
        var create = result.PlannedOperations.Single(l => l.StartsWith("POST /containers/create", StringComparison.Ordinal));
        create.ShouldContain("name=dry-db image=img");
        create.ShouldContain("PASSWORD=******");
        create.ShouldContain("5432:5432/tcp");
        create.ShouldNotContain("hunter2");
        result.Objects.ShouldAllBe(o => o.Action == ObjectAction.Planned);
    }

    [Fact]
    public async Task Should_point_a_direct_scale_call_to_the_scale_command()
    {
        using var provider = new DockerProvider();

        var error = await Should.ThrowAsync<NuleculeException>(() => provider.ScaleAsync("r", "web", 3, CancellationToken.None));

        error.Message.ShouldContain("scales compose services by running the deployed revision");
        error.Diagnostics[0].Hint.ShouldBe("use `nulecule scale RELEASE COMPONENT[/SERVICE] --replicas N`");
    }
}
