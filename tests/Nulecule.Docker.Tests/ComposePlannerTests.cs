#nullable disable
using Docker.DotNet.Models;
using Nulecule.Compose;
using Nulecule.Docker.Internal;
using Nulecule.Docker.Planning;
using Nulecule.Providers;
using Nulecule.Templating;

namespace Nulecule.Docker.Tests;

/// <summary>Compose services → the docker provider's containers: networks, external networks and volumes.</summary>
public sealed class ComposePlannerTests
{
    private const string Path = "artifacts/docker/compose.yaml";

    private static RenderedArtifact Artifact(string compose)
    {
        var loaded = ComposeLoader.Load([new ComposeSource(Path, compose, null)], new ComposeLoadOptions { Variables = _ => null });
        return new RenderedArtifact { Component = "stack", Provider = "docker", Source = Path, Format = ArtifactFormat.Compose, Documents = [loaded.Document], ComposeProject = loaded.Project };
    }

    private static ReleasePlan Plan(string compose, RunOptions options = null) =>
        ReleasePlanner.Plan(
            TestApps.App("stack", [new RenderedComponent("stack", "stack", TestApps.Root(), [Artifact(compose)])]),
            options ?? new RunOptions { Release = "r1", Revision = 1 },
            _ => null);

    private static PlannedContainer Container(ReleasePlan plan, string logical) => plan.Containers.Single(c => c.LogicalName == logical);

    private const string TwoNetworks = """
        services:
          api:
            image: img
            networks:
              front: {aliases: [frontend]}
              back:
                aliases: [backend]
                ipv4_address: 10.9.0.10
          worker:
            image: img
            networks: [back]
          plain:
            image: img
        networks:
          front: {labels: {tier: front}}
          back:
            internal: true
            ipam: {config: [{subnet: 10.9.0.0/24, gateway: 10.9.0.1}]}
        """;

    [Fact]
    public void Should_create_a_container_on_its_first_network_by_name_and_connect_it_to_the_others_with_their_aliases()
    {
        var plan = Plan(TwoNetworks);

        var api = Container(plan, "api-1");
        api.Parameters.HostConfig.NetworkMode.ShouldBe("r1_back");
        var first = api.Parameters.NetworkingConfig.EndpointsConfig.ShouldHaveSingleItem();
        first.Key.ShouldBe("r1_back");
        first.Value.Aliases.ShouldBe(["api", "backend", "api-1"], ignoreOrder: true);
        first.Value.IPAMConfig.IPv4Address.ShouldBe("10.9.0.10");
        var extra = api.ExtraNetworks.ShouldHaveSingleItem();
        (extra.Network, extra.Ipv4Address).ShouldBe(("r1_front", null));
        extra.Aliases.ShouldBe(["api", "frontend", "api-1"], ignoreOrder: true);
        Container(plan, "worker-1").Parameters.HostConfig.NetworkMode.ShouldBe("r1_back");
        Container(plan, "worker-1").ExtraNetworks.ShouldBeEmpty();
        Container(plan, "plain-1").Parameters.HostConfig.NetworkMode.ShouldBe("nulecule-r1");
    }

    [Fact]
    public void Should_plan_the_declared_networks_labelled_with_the_release()
    {
        var plan = Plan(TwoNetworks);

        plan.Networks.Select(n => n.Name).ShouldBe(["r1_back", "r1_front"]);
        var back = plan.Networks[0];
        (back.External, back.Internal, back.Driver).ShouldBe((false, true, null));
        back.Subnets.ShouldBe([new ComposeSubnet("10.9.0.0/24", "10.9.0.1", null)]);
        back.Labels[Labels.Release].ShouldBe("r1");
        back.Labels.ShouldNotContainKey(Labels.Revision);
        plan.Networks[1].Labels["tier"].ShouldBe("front");
    }

    [Fact]
    public void Should_change_the_hash_when_a_service_joins_another_network_or_its_address_changes()
    {
        var before = Container(Plan(TwoNetworks), "api-1").ConfigHash;

        Container(Plan(TwoNetworks), "api-1").ConfigHash.ShouldBe(before);
        Container(Plan(TwoNetworks.Replace("front: {aliases: [frontend]}", "front: {aliases: [web]}")), "api-1").ConfigHash.ShouldNotBe(before);
        Container(Plan(TwoNetworks.Replace("10.9.0.10", "10.9.0.11")), "api-1").ConfigHash.ShouldNotBe(before);
    }

    [Fact]
    public void Should_use_external_networks_and_volumes_by_their_names_and_never_label_them()
    {
        var plan = Plan("""
            services:
              app:
                image: img
                networks: [outside]
                volumes: ["shared:/shared", "own:/own"]
            networks:
              outside: {external: true, name: lan}
            volumes:
              shared: {external: true, name: team-data}
              own: {driver_opts: {type: tmpfs, device: tmpfs}, labels: {keep: "no"}}
            """);

        var app = Container(plan, "app-1");
        app.Parameters.HostConfig.NetworkMode.ShouldBe("lan");
        app.Parameters.HostConfig.Binds.ShouldBe(["team-data:/shared", "r1-own:/own"], ignoreOrder: true);
        var network = plan.Networks.ShouldHaveSingleItem();
        (network.Name, network.External).ShouldBe(("lan", true));
        network.Labels.ShouldBeEmpty();
        network.Location.ToString().ShouldStartWith(Path + ":7:");
        var shared = plan.Volumes.Single(v => v.Name == "team-data");
        shared.External.ShouldBeTrue();
        shared.Labels.ShouldBeEmpty();
        shared.Location.ToString().ShouldStartWith(Path + ":9:");
        var own = plan.Volumes.Single(v => v.Name == "r1-own");
        own.External.ShouldBeFalse();
        own.Labels[Labels.Release].ShouldBe("r1");
        own.Labels["keep"].ShouldBe("no");
        own.DriverOptions["type"].ShouldBe("tmpfs");
    }

    [Theory]
    [InlineData("networks:\n  back: {name: shared-net}\n", "networks.back.name", ":6:")]
    [InlineData("networks:\n  back: {}\n  default: {driver: bridge}\n", "networks.default", ":7:")]
    [InlineData("networks:\n  back: {}\nvolumes:\n  data: {name: fixed}\n", "volumes.data.name", ":8:")]
    public void Should_refuse_what_would_make_two_releases_share_a_network_or_volume_at_its_line(string declarations, string key, string line)
    {
        var compose = "services:\n  app:\n    image: img\n    networks: [back]\n" + declarations;

        var error = Should.Throw<NuleculeException>(() => Plan(compose));

        error.Message.ShouldContain(key);
        error.Message.ShouldContain(Path + line);
    }

    [Fact]
    public void Should_refuse_a_fixed_address_on_a_network_without_a_subnet_at_the_service()
    {
        var error = Should.Throw<NuleculeException>(() => Artifact("""
            services:
              app:
                image: img
                networks:
                  back: {ipv4_address: 10.9.0.10}
            networks:
              back: {}
            """));

        error.Message.ShouldContain("services.app.networks.back.ipv4_address");
        error.Message.ShouldContain("declares none");
        error.Message.ShouldContain(Path + ":");
    }

    [Fact]
    public void Should_refuse_a_fixed_address_outside_the_subnet()
    {
        Should.Throw<NuleculeException>(() => Artifact("""
            services:
              app:
                image: img
                networks:
                  back: {ipv4_address: 10.8.0.10}
            networks:
              back: {ipam: {config: [{subnet: 10.9.0.0/24}]}}
            """)).Message.ShouldContain("10.8.0.10 is not in the subnet of 'back' (10.9.0.0/24)");
    }

    [Fact]
    public void Should_still_refuse_external_secrets_at_the_service()
    {
        var error = Should.Throw<NuleculeException>(() => Plan("""
            services:
              app:
                image: img
                secrets: [key]
            secrets:
              key: {external: true}
            """));

        error.Message.ShouldContain("external secret");
        error.Message.ShouldContain(Path + ":");
    }

    private const string Scalable = """
        services:
          web: {image: img, deploy: {replicas: 2}}
          db: {image: img}
        """;

    [Fact]
    public void Should_plan_the_count_scale_sets_for_a_service_or_a_whole_component_with_the_artifacts_own_count_labelled()
    {
        var one = Plan(Scalable, new RunOptions { Release = "r1", Scale = new Dictionary<string, int> { ["stack/web"] = 3 } });
        one.Containers.Select(c => c.LogicalName).ShouldBe(["db-1", "web-1", "web-2", "web-3"]);
        one.Containers.Where(c => c.Service == "web").ShouldAllBe(c => c.Parameters.Labels["io.nulecule.replicas"] == "2");

        var all = Plan(Scalable, new RunOptions { Release = "r1", Scale = new Dictionary<string, int> { ["stack"] = 1, ["stack/db"] = 2 } });
        all.Containers.Select(c => c.LogicalName).ShouldBe(["db-1", "db-2", "web-1"]);

        // The label is part of the configuration: the same container with the same count keeps its hash.
        Container(one, "web-1").ConfigHash.ShouldBe(Container(Plan(Scalable), "web-1").ConfigHash);
    }

    [Theory]
    [InlineData("stack/cache", "has no compose service 'cache'")]
    [InlineData("nope", "has no component 'nope'")]
    public void Should_refuse_a_count_for_what_the_app_does_not_have(string key, string message) =>
        Should.Throw<NuleculeException>(() => Plan(Scalable, new RunOptions { Release = "r1", Scale = new Dictionary<string, int> { [key] = 2 } }))
            .Message.ShouldContain(message);

    [Fact]
    public void Should_refuse_to_scale_a_component_of_docker_run_commands()
    {
        var app = TestApps.App("flask", [TestApps.Component("web", "-d img")]);

        Should.Throw<NuleculeException>(() => ReleasePlanner.Plan(app, new RunOptions { Release = "r1", Scale = new Dictionary<string, int> { ["web"] = 2 } }, _ => null))
            .Message.ShouldContain("has no compose services");
    }

    private static ContainerListResponse Running(string service, int number, string artifactCount) => new()
    {
        Names = [$"/r1-{service}-{number}"],
        Labels = new Dictionary<string, string>
        {
            [Labels.Component] = "stack",
            [ComposeServices.ServiceLabel] = service,
            [ComposeServices.NumberLabel] = number.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["io.nulecule.replicas"] = artifactCount,
        },
    };

    [Fact]
    public void Should_keep_a_scaled_count_while_the_artifacts_own_count_is_what_it_was()
    {
        // web's artifact says 2, db's 1 (Scalable)
        IReadOnlyList<(string, string, int)> services = [("stack", "web", 2), ("stack", "db", 1)];

        // web: artifact 2, scaled to 3; db runs its artifact's one
        ScaledCounts.Kept(services, [Running("web", 1, "2"), Running("web", 2, "2"), Running("web", 3, "2"), Running("db", 1, "1")], null, null)
            .ShouldBe(new Dictionary<string, int> { ["stack/web"] = 3 });

        // The artifact said 1 when web was scaled: its count changed since, and wins.
        ScaledCounts.Kept(services, [Running("web", 1, "1"), Running("web", 2, "1"), Running("web", 3, "1"), Running("db", 1, "1")], null, null).ShouldBeEmpty();

        // A replica removed behind the tool's back is made again: the highest number counts.
        ScaledCounts.Kept(services, [Running("web", 1, "2"), Running("web", 4, "2"), Running("db", 1, "1")], null, null)["stack/web"].ShouldBe(4);

        // A count being set now is not kept, nor one a set-aside container of a replacement would give.
        ScaledCounts.Kept(services, [Running("web", 1, "2"), Running("web", 2, "2"), Running("web", 3, "2"), Running("db", 1, "1")], new Dictionary<string, int> { ["stack"] = 1 }, null).ShouldBeEmpty();
        var transient = Running("web", 3, "2");
        transient.Names = ["/r1-web-3--prev"];
        ScaledCounts.Kept(services, [Running("web", 1, "2"), Running("web", 2, "2"), transient, Running("db", 1, "1")], null, null).ShouldBeEmpty();
    }

    [Fact]
    public void Should_keep_a_count_of_zero_from_the_record_while_the_artifacts_own_count_is_what_it_was()
    {
        IReadOnlyList<(string, string, int)> services = [("stack", "web", 2), ("stack", "db", 1)];
        var db = Running("db", 1, "1");

        // No web container: the record says web was scaled to 0 while its artifact said 2
        ScaledCounts.Kept(services, [db], null, [new ScaledReplicas("stack/web", 0, 2)]).ShouldBe(new Dictionary<string, int> { ["stack/web"] = 0 });

        // The artifact's count changed since (the record says 3): the artifact wins; no record: the artifact's count
        ScaledCounts.Kept(services, [db], null, [new ScaledReplicas("stack/web", 0, 3)]).ShouldBeEmpty();
        ScaledCounts.Kept(services, [db], null, null).ShouldBeEmpty();

        // Containers that run say more than the record
        ScaledCounts.Kept(services, [Running("web", 1, "2"), db], null, [new ScaledReplicas("stack/web", 0, 2)]).ShouldBe(new Dictionary<string, int> { ["stack/web"] = 1 });

        // What the record keeps: the counts that differ from the artifact's, per service (a component's count for each of its services)
        ScaledCounts.Held(services, new Dictionary<string, int> { ["stack"] = 1 }).ShouldBe([new ScaledReplicas("stack/web", 1, 2)]);
        ScaledCounts.Held(services, new Dictionary<string, int> { ["stack/db"] = 0, ["stack/web"] = 2 }).ShouldBe([new ScaledReplicas("stack/db", 0, 1)]);
    }

    [Fact]
    public void Should_show_in_a_dry_run_the_networks_made_used_and_joined()
    {
        var plan = Plan(TwoNetworks.Replace("  front: {labels: {tier: front}}", "  front: {external: true, name: lan}", StringComparison.Ordinal));

        var lines = DryRunPlan.Describe(plan, SecretMasker.None, null).PlannedOperations;

        lines.ShouldContain("POST /networks/create name=r1_back driver=bridge internal subnets=[10.9.0.0/24]");
        lines.ShouldContain("use the external network lan (it must exist; never created or removed)");
        lines.ShouldContain("POST /networks/lan/connect container=r1-api-1 aliases=[api frontend api-1]");
        lines.ToList().IndexOf("POST /networks/lan/connect container=r1-api-1 aliases=[api frontend api-1]").ShouldBeLessThan(lines.ToList().IndexOf("POST /containers/r1-api-1/start"));
    }
}
