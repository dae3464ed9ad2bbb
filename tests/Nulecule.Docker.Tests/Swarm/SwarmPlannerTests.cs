#nullable disable
using Nulecule.Docker.Swarm;
using Nulecule.Providers;

namespace Nulecule.Docker.Tests.Swarm;

public sealed class SwarmPlannerTests
{
    private static SwarmPlan Plan(int revision, params Nulecule.Templating.RenderedComponent[] components) =>
        SwarmPlanner.Plan(TestApps.App("flask-redis", components), new RunOptions { Release = "r1", Revision = revision }, _ => null);

    private static SwarmPlan Plan(params Nulecule.Templating.RenderedComponent[] components) => Plan(2, components);

    [Fact]
    public void Should_name_services_per_release_and_label_them_for_docker_stack()
    {
        var plan = Plan(
            TestApps.Component("redis", "-d --name=redis img redis-server"),
            TestApps.Component("web", "-d -p 8080:80 img"));

        plan.Services.Select(s => s.ServiceName).ShouldBe(["r1_redis", "r1_web-1"]);
        plan.Networks.Single().Name.ShouldBe("r1_default");
        var labels = plan.Services[0].Spec.Labels;
        labels[SwarmPlanner.StackNamespace].ShouldBe("r1");
        labels[Labels.Release].ShouldBe("r1");
        labels[Labels.Component].ShouldBe("redis");
        labels[Labels.Revision].ShouldBe("2");
        labels[SwarmPlanner.StackImage].ShouldBe("img");
        plan.Networks.Single().Labels[SwarmPlanner.StackNamespace].ShouldBe("r1");
        plan.Services[0].Spec.TaskTemplate.ContainerSpec.Labels[SwarmPlanner.StackNamespace].ShouldBe("r1");
        plan.Services[0].Spec.TaskTemplate.ContainerSpec.Args.ShouldBe(["redis-server"]);
    }

    [Fact]
    public void Should_publish_host_mode_ports_with_dnsrr_and_stop_first_updates()
    {
        var web = Plan(TestApps.Component("web", "-d -p 8080:80 -p 53/udp img")).Services.Single().Spec;

        web.EndpointSpec.Mode.ShouldBe("dnsrr");
        web.EndpointSpec.Ports.Select(p => (p.PublishMode, p.PublishedPort, p.TargetPort, p.Protocol))
            .ShouldBe([("host", (uint?)8080, (uint?)80, "tcp"), ("host", null, (uint?)53, "udp")]);
        web.UpdateConfig.Order.ShouldBe("stop-first");
        web.UpdateConfig.FailureAction.ShouldBe("pause");

        Plan(TestApps.Component("worker", "img")).Services.Single().Spec.UpdateConfig.Order.ShouldBe("start-first");
    }

    [Fact]
    public void Should_give_links_and_names_as_aliases_on_the_release_network()
    {
        var plan = Plan(
            TestApps.Component("mariadb", "-d --name mariadb-app img"),
            TestApps.Component("wordpress", "-d --link mariadb-app:mysql img"));

        var attachment = plan.Services[0].Spec.TaskTemplate.Networks.Single();
        attachment.Target.ShouldBe("r1_default");
        attachment.Aliases.ShouldBe(["mariadb", "mariadb-app", "mysql"]);
    }

    [Fact]
    public void Should_keep_the_hash_across_revisions_and_change_it_with_the_spec()
    {
        var one = Plan(1, TestApps.Component("web", "-e A=1 img")).Services.Single();
        var two = Plan(7, TestApps.Component("web", "-e A=1 img")).Services.Single();
        var changed = Plan(7, TestApps.Component("web", "-e A=2 img")).Services.Single();

        two.SpecHash.ShouldBe(one.SpecHash);
        changed.SpecHash.ShouldNotBe(one.SpecHash);
        one.Spec.Labels[Labels.ConfigHash].ShouldBe(one.SpecHash);
        SwarmPlanner.SpecHash(two.Spec).ShouldBe(two.SpecHash);
    }

    [Theory]
    [InlineData(null, "on-failure", true)]
    [InlineData("no", "none", true)]
    [InlineData("always", "any", false)]
    [InlineData("unless-stopped", "any", false)]
    [InlineData("on-failure:3", "on-failure", true)]
    public void Should_map_restart_policies(string restart, string condition, bool oneShot)
    {
        var command = restart is null ? "img" : $"--restart {restart} img";
        var service = Plan(TestApps.Component("job", command)).Services.Single();

        service.Spec.TaskTemplate.RestartPolicy.Condition.ShouldBe(condition);
        service.OneShot.ShouldBe(oneShot);
        if (restart == "on-failure:3")
        {
            service.Spec.TaskTemplate.RestartPolicy.MaxAttempts.ShouldBe(3UL);
        }
    }

    [Fact]
    public void Should_map_volumes_health_resources_and_settings()
    {
        var spec = Plan(TestApps.Component(
            "db",
            "-v data:/var/lib/db -v /srv:/srv:ro --health-cmd 'pg_isready' --health-interval 2s -m 64m --cpus 0.5 --init --read-only "
            + "--add-host db.local:10.0.0.2 --dns 1.1.1.1 --sysctl net.core.somaxconn=1024 --ulimit nofile=1024:2048 --stop-timeout 7 --tmpfs /run img")).Services.Single().Spec;

        var container = spec.TaskTemplate.ContainerSpec;
        container.Mounts.Select(m => (m.Type, m.Source, m.Target, m.ReadOnly))
            .ShouldBe([("volume", "r1_data", "/var/lib/db", null), ("bind", "/srv", "/srv", true), ("tmpfs", null, "/run", null)]);
        container.Mounts[0].VolumeOptions.Labels[Labels.Release].ShouldBe("r1");
        container.Healthcheck.Test.ShouldBe(["CMD-SHELL", "pg_isready"]);
        container.Healthcheck.Interval.ShouldBe(TimeSpan.FromSeconds(2));
        spec.TaskTemplate.Resources.Limits.MemoryBytes.ShouldBe(64L * 1024 * 1024);
        spec.TaskTemplate.Resources.Limits.NanoCPUs.ShouldBe(500_000_000L);
        container.Init.ShouldBe(true);
        container.ReadOnly.ShouldBe(true);
        container.Hosts.ShouldBe(["10.0.0.2 db.local"]);
        container.DNSConfig.Nameservers.ShouldBe(["1.1.1.1"]);
        container.Sysctls["net.core.somaxconn"].ShouldBe("1024");
        container.Ulimits.Single().Hard.ShouldBe(2048);
        container.StopGracePeriod.ShouldBe(TimeSpan.FromSeconds(7));
    }

    [Theory]
    [InlineData("--privileged img", "--privileged")]
    [InlineData("--network host img", "--network host")]
    [InlineData("--device /dev/fuse img", "--device")]
    [InlineData("--cpu-shares 10 --pid host img", "--cpu-shares, --pid")]
    [InlineData("-p 8000-8010:80 img", "not a range")]
    public void Should_refuse_what_a_service_cannot_express_at_its_line(string command, string expected)
    {
        var error = Should.Throw<NuleculeException>(() => Plan(TestApps.Component("web", command)));

        error.Message.ShouldContain(expected);
        error.Message.ShouldContain("artifacts/docker/web-0:1:1");
    }

    [Fact]
    public void Should_warn_that_a_host_address_is_not_kept()
    {
        var plan = Plan(TestApps.Component("web", "-p 127.0.0.1:8080:80 img"));

        plan.Warnings.ShouldHaveSingleItem().ShouldContain("127.0.0.1 is not kept");
    }

    [Fact]
    public void Should_refuse_two_services_on_one_host_port()
    {
        var error = Should.Throw<NuleculeException>(() => Plan(TestApps.Component("a", "-p 8080:80 img"), TestApps.Component("b", "-p 8080:81 img")));

        error.Message.ShouldContain("both publish host port 8080/tcp");
    }

    [Fact]
    public void Should_refuse_a_service_name_longer_than_a_dns_label()
    {
        var long_ = new string('x', 61);
        Should.Throw<NuleculeException>(() => Plan(TestApps.Component("web", $"--name {long_} img"))).Message.ShouldContain("longer than 63");
    }
}
