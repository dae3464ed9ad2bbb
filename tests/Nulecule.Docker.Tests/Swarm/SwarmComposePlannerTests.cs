#nullable disable
using System.Text;
using Nulecule.Compose;
using Nulecule.Docker.Swarm;
using Nulecule.Providers;
using Nulecule.Templating;

namespace Nulecule.Docker.Tests.Swarm;

/// <summary>The compose → swarm mapping (as docker/cli's convert package does it, with this provider's host-mode ports and content-named secrets).</summary>
public sealed class SwarmComposePlannerTests
{
    private const string Shop = """
        services:
          db:
            image: img/db
            entrypoint: ["docker-entrypoint.sh"]
            command: ["postgres", "-c", "x=1"]
            environment: {B: "2", A: "1"}
            secrets: [db_password]
            configs: [{source: settings, target: /etc/app.conf}]
            volumes: ["dbdata:/data", "/srv:/srv:ro", {type: tmpfs, target: /tmp}]
            networks:
              back: {aliases: [database]}
            healthcheck: {test: ["CMD", "pg_isready"], interval: 2s, retries: 5}
            restart: unless-stopped
            labels: {tier: data}
          migrate:
            image: img/migrate
            networks: [back]
            depends_on: {db: {condition: service_healthy}}
          web:
            image: img/web:${TAG:-1}
            ports: ["8080:80", {target: 443, published: 8443, mode: host}]
            deploy: {replicas: 2, endpoint_mode: vip}
            depends_on:
              db: {condition: service_healthy}
              migrate: {condition: service_completed_successfully}
            restart: "no"
        networks:
          back: {labels: {purpose: db}}
        volumes:
          dbdata: {driver_opts: {type: tmpfs, device: tmpfs}}
        secrets:
          db_password: {environment: PASSWORD}
        configs:
          settings: {content: "a=1"}
        """;

    private static SwarmPlan Plan(string compose, Dictionary<string, string> variables = null, string release = "r1", int revision = 2, ValueDigest digest = null)
    {
        variables ??= new Dictionary<string, string> { ["PASSWORD"] = "s3cret" };
        var loaded = ComposeLoader.Load([new ComposeSource("artifacts/docker/compose.yaml", compose, null)], new ComposeLoadOptions { Variables = n => variables.GetValueOrDefault(n) });
        var artifact = new RenderedArtifact { Component = "shop", Provider = "swarm", Source = "artifacts/docker/compose.yaml", Format = ArtifactFormat.Compose, Documents = [loaded.Document], ComposeProject = loaded.Project };
        var component = new RenderedComponent("shop", "shop", TestApps.Root(), [artifact]);
        return SwarmPlanner.Plan(TestApps.App("shop", [component]), new RunOptions { Release = release, Revision = revision, Digest = digest ?? ValueDigest.ForThisProcess }, _ => null);
    }

    private static PlannedService Service(SwarmPlan plan, string logical) => plan.Services.Single(s => s.LogicalName == logical);

    [Fact]
    public void Should_make_services_in_dependency_order_named_and_labelled_per_release()
    {
        var plan = Plan(Shop);

        plan.Services.Select(s => s.ServiceName).ShouldBe(["r1_db", "r1_migrate", "r1_web"]);
        var db = Service(plan, "db").Spec;
        db.Labels[SwarmPlanner.StackNamespace].ShouldBe("r1");
        db.Labels[Labels.Release].ShouldBe("r1");
        db.Labels[Labels.Component].ShouldBe("shop");
        db.Labels[Labels.Revision].ShouldBe("2");
        db.Labels[SwarmPlanner.StackImage].ShouldBe("img/db");
        db.Labels[Labels.ConfigHash].ShouldBe(Service(plan, "db").SpecHash);
        db.TaskTemplate.ContainerSpec.Labels["tier"].ShouldBe("data");
        db.TaskTemplate.ContainerSpec.Labels[SwarmPlanner.StackNamespace].ShouldBe("r1");
        Service(plan, "web").DependsOn.Select(d => (d.ServiceName, d.Condition))
            .ShouldBe([("r1_db", "service_healthy"), ("r1_migrate", "service_completed_successfully")]);
    }

    [Fact]
    public void Should_map_the_container_spec_as_docker_stack_deploy_does()
    {
        var db = Service(Plan(Shop), "db").Spec;
        var container = db.TaskTemplate.ContainerSpec;

        container.Image.ShouldBe("img/db");
        container.Command.ShouldBe(["docker-entrypoint.sh"]);
        container.Args.ShouldBe(["postgres", "-c", "x=1"]);
        container.Env.ShouldBe(["A=1", "B=2"]);
        container.Healthcheck.Test.ShouldBe(["CMD", "pg_isready"]);
        container.Healthcheck.Interval.ShouldBe(TimeSpan.FromSeconds(2));
        container.Healthcheck.Retries.ShouldBe(5);
        db.TaskTemplate.RestartPolicy.Condition.ShouldBe("any");
        container.Mounts.Select(m => (m.Type, m.Source, m.Target, m.ReadOnly))
            .ShouldBe([("volume", "r1_dbdata", "/data", (bool?)null), ("bind", "/srv", "/srv", true), ("tmpfs", "", "/tmp", null)]);
        var volume = container.Mounts[0].VolumeOptions;
        volume.Labels[Labels.Release].ShouldBe("r1");
        volume.DriverConfig.Name.ShouldBe("local");
        volume.DriverConfig.Options["device"].ShouldBe("tmpfs");
    }

    [Fact]
    public void Should_publish_host_mode_ports_with_dnsrr_and_say_why_when_the_file_asks_for_ingress()
    {
        var plan = Plan(Shop);
        var web = Service(plan, "web").Spec;

        web.EndpointSpec.Mode.ShouldBe("dnsrr");
        web.EndpointSpec.Ports.Select(p => (p.PublishMode, p.PublishedPort, p.TargetPort))
            .ShouldBe([("host", (uint?)8080, (uint?)80), ("host", (uint?)8443, (uint?)443)]);
        web.UpdateConfig.Order.ShouldBe("stop-first");
        web.Mode.Replicated.Replicas.ShouldBe(2UL);
        web.Labels[SwarmComposePlanner.ReplicasLabel].ShouldBe("2");
        web.TaskTemplate.RestartPolicy.Condition.ShouldBe("none");
        Service(plan, "web").OneShot.ShouldBeTrue();

        // The short syntax asks for the routing mesh: a warning with the port's location; mode host does not.
        var ingress = plan.Warnings.Where(w => w.Contains("routing mesh", StringComparison.Ordinal)).ShouldHaveSingleItem();
        ingress.ShouldContain("port 80");
        ingress.ShouldContain("artifacts/docker/compose.yaml:21:");
        plan.Warnings.ShouldContain(w => w.Contains("endpoint_mode vip", StringComparison.Ordinal));
    }

    [Fact]
    public void Should_put_services_on_attachable_release_networks_with_their_name_as_alias()
    {
        var plan = Plan(Shop);

        plan.Networks.Select(n => n.Name).ShouldBe(["r1_back", "r1_default"]);
        plan.Networks[0].Labels["purpose"].ShouldBe("db");
        plan.Networks[0].Labels[SwarmPlanner.StackNamespace].ShouldBe("r1");
        Service(plan, "db").Spec.TaskTemplate.Networks.Select(n => (n.Target, string.Join(",", n.Aliases))).ShouldBe([("r1_back", "database,db")]);
        Service(plan, "web").Spec.TaskTemplate.Networks.Select(n => (n.Target, string.Join(",", n.Aliases))).ShouldBe([("r1_default", "web")]);
    }

    [Fact]
    public void Should_give_an_overlay_network_the_subnets_its_ipam_declares()
    {
        var plan = Plan("""
            services: {s: {image: i, networks: [back]}}
            networks:
              back:
                ipam:
                  config: [{subnet: 10.213.7.0/24, gateway: 10.213.7.1, ip_range: 10.213.7.128/25}]
            """);

        plan.Networks.Single().Subnets.ShouldBe([new ComposeSubnet("10.213.7.0/24", "10.213.7.1", "10.213.7.128/25")]);
    }

    [Fact]
    public void Should_make_content_named_secrets_and_configs_whose_value_is_only_in_their_data()
    {
        var plan = Plan(Shop);
        var secret = plan.Secrets.ShouldHaveSingleItem();
        var config = plan.Configs.ShouldHaveSingleItem();

        secret.Name.ShouldBe($"r1_db_password_{SwarmComposePlanner.Digest(ValueDigest.ForThisProcess, "r1", "db_password", "s3cret")}");
        Encoding.UTF8.GetString(secret.Data).ShouldBe("s3cret");
        secret.Labels[Labels.Release].ShouldBe("r1");
        config.Name.ShouldStartWith("r1_settings_");
        var container = Service(plan, "db").Spec.TaskTemplate.ContainerSpec;
        container.Secrets.Select(s => (s.SecretName, s.File.Name, s.File.Mode)).ShouldBe([(secret.Name, "db_password", 0x124u)]);
        container.Configs.Select(c => (c.ConfigName, c.File.Name)).ShouldBe([(config.Name, "/etc/app.conf")]);

        // The spec (what is hashed and stored on the engine) names the secret, never its value.
        System.Text.Json.JsonSerializer.Serialize(Service(plan, "db").Spec, SwarmJsonContext.Default.ServiceSpec).ShouldNotContain("s3cret");
    }

    [Fact]
    public void Should_name_secrets_by_a_keyed_digest_that_only_the_same_key_reproduces()
    {
        // Every user of the swarm can list secret names: a plain hash of a short password in the name could be
        // searched for; the user's key makes the name stable for them and meaningless to anyone else.
        var mine = new ValueDigest(Enumerable.Repeat((byte)1, 32).ToArray());
        var sameKeyAgain = new ValueDigest(Enumerable.Repeat((byte)1, 32).ToArray());
        var theirs = new ValueDigest(Enumerable.Repeat((byte)2, 32).ToArray());
        var plainSha256 = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes("s3cret")));

        var name = Plan(Shop, digest: mine).Secrets.Single().Name;

        Plan(Shop, digest: sameKeyAgain, revision: 7).Secrets.Single().Name.ShouldBe(name);
        Plan(Shop, digest: theirs).Secrets.Single().Name.ShouldNotBe(name);
        plainSha256.ShouldNotContain(name[^SwarmComposePlanner.DigestLength..]);
    }

    [Fact]
    public void Should_rename_a_changed_secret_and_so_update_only_the_services_using_it()
    {
        var one = Plan(Shop);
        var two = Plan(Shop, new Dictionary<string, string> { ["PASSWORD"] = "other" });
        var again = Plan(Shop, revision: 9);

        two.Secrets[0].Name.ShouldNotBe(one.Secrets[0].Name);
        Service(two, "db").SpecHash.ShouldNotBe(Service(one, "db").SpecHash);
        Service(two, "web").SpecHash.ShouldBe(Service(one, "web").SpecHash);
        again.Secrets[0].Name.ShouldBe(one.Secrets[0].Name);
        Service(again, "db").SpecHash.ShouldBe(Service(one, "db").SpecHash);
    }

    [Theory]
    [InlineData("global", null, "global")]
    [InlineData("replicated-job", 3, "job")]
    [InlineData("global-job", null, "globaljob")]
    public void Should_map_deploy_modes(string mode, int? replicas, string expected)
    {
        var spec = Service(Plan($$"""
            services:
              s:
                image: img
                restart: "no"
                deploy: {mode: {{mode}}{{(replicas is null ? "" : $", replicas: {replicas}")}}}
            """), "s").Spec;

        (expected switch
        {
            "global" => spec.Mode.Global is not null,
            "job" => spec.Mode.ReplicatedJob is { TotalCompletions: 3, MaxConcurrent: 3 },
            _ => spec.Mode.GlobalJob is not null,
        }).ShouldBeTrue();
        if (expected != "global")
        {
            spec.UpdateConfig.ShouldBeNull();
        }
    }

    [Theory]
    [InlineData("services: {s: {image: i, ports: ['8000-8001:80-81']}}\n", null)]
    [InlineData("services: {s: {image: i, networks: [n]}}\nnetworks: {n: {driver: bridge}}\n", "not a swarm network driver")]
    [InlineData("services: {s: {image: i, networks: [n]}}\nnetworks: {n: {name: shared}}\n", "names its networks")]
    [InlineData("services: {s: {image: i, healthcheck: {test: [CMD, x], start_interval: 1s}}}\n", "API 1.44")]
    [InlineData("services: {s: {image: i, restart: always, deploy: {mode: replicated-job}}}\n", "cannot restart always")]
    [InlineData("services: {s: {build: .}}\n", "build")]
    [InlineData("services: {s: {image: i, deploy: {placement: {constraints: [x]}}}}\n", "deploy.placement")]
    public void Should_refuse_what_a_swarm_service_cannot_be_with_the_file_named(string compose, string message)
    {
        if (message is null)
        {
            // Ranges become one port each: fine, as many host ports.
            Plan(compose).Services.Single().Spec.EndpointSpec.Ports.Count.ShouldBe(2);
            return;
        }

        var error = Should.Throw<NuleculeException>(() => Plan(compose));
        error.Message.ShouldContain(message);
        error.Message.ShouldContain("compose.yaml");
    }

    [Fact]
    public void Should_refuse_two_services_of_one_name_across_artifacts()
    {
        var loaded = ComposeLoader.Load([new ComposeSource("c.yaml", "services: {web: {image: i}}", null)], new ComposeLoadOptions());
        var compose = new RenderedArtifact { Component = "a", Provider = "swarm", Source = "c.yaml", Format = ArtifactFormat.Compose, Documents = [loaded.Document] };
        var app = TestApps.App("x", [new RenderedComponent("a", "a", TestApps.Root(), [compose]), TestApps.Component("b", "-d --name web img")]);

        Should.Throw<NuleculeException>(() => SwarmPlanner.Plan(app, new RunOptions { Release = "r1", Revision = 1 }, _ => null)).Message.ShouldContain("'r1_web'");
    }

    [Fact]
    public void Should_keep_a_scaled_count_while_the_artifact_count_stays()
    {
        var planned = Service(Plan(Shop), "web");
        var live = new global::Docker.DotNet.Models.SwarmService
        {
            Spec = new global::Docker.DotNet.Models.ServiceSpec
            {
                Labels = new Dictionary<string, string> { [SwarmComposePlanner.ReplicasLabel] = "2" },
                Mode = new global::Docker.DotNet.Models.ServiceMode { Replicated = new global::Docker.DotNet.Models.ReplicatedService { Replicas = 5 } },
            },
        };

        SwarmProvider.KeepScaledReplicas(live, planned, NullReporter.Instance).Mode.Replicated.Replicas.ShouldBe(5UL);
        live.Spec.Labels[SwarmComposePlanner.ReplicasLabel] = "1";
        var changedArtifact = Service(Plan(Shop), "web");
        SwarmProvider.KeepScaledReplicas(live, changedArtifact, NullReporter.Instance).Mode.Replicated.Replicas.ShouldBe(2UL);
    }
}
