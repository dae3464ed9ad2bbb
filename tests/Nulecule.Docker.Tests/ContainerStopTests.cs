using Docker.DotNet.Models;
using Nulecule.Docker.Internal;
using Nulecule.Docker.Planning;
using Nulecule.Providers;

namespace Nulecule.Docker.Tests;

/// <summary>
/// Which components a Docker `stop` keeps in graph order: the rule of <see cref="StopOrder"/>
/// (the one Kubernetes follows) read from what each container was created with. The containers
/// are planned from docker-run lines and shown to the rule as the engine's inspect reports them.
/// </summary>
public sealed class ContainerStopTests
{
    private const string Release = "rel";

    [Fact]
    public void Should_keep_a_component_after_the_one_whose_environment_names_it()
    {
        // Given, in graph order: the database, an unrelated cache, wordpress (DB_HOST names the database)
        var prerequisites = Prerequisites(
            ("mariadb", "-d --name mariadb local/busybox:latest sleep 300"),
            ("cache", "-d local/busybox:latest sleep 300"),
            ("wordpress", "-d -e WORDPRESS_DB_HOST=mariadb:3306 -e TITLE=blog local/busybox:latest sleep 300"));

        // Then, in stop order (wordpress, cache, mariadb): mariadb waits for wordpress only
        prerequisites.ShouldBe([[], [], [0]]);
        StopWaves.Of(prerequisites).ShouldBe([[0, 1], [2]]);
    }

    [Theory]
    [InlineData("-e DB_HOST=db")]
    [InlineData("-e DB_URL=mysql://user@db.internal:3306/x")]
    [InlineData("--entrypoint /bin/wait-for local/busybox:latest db")]
    [InlineData("local/busybox:latest sh -c 'until nc -z db 3306; do sleep 1; done'")]
    [InlineData("--add-host db:10.0.0.5")]
    [InlineData("--network container:rel-db")]
    [InlineData("-e DB=database --link db:database")]
    public void Should_relate_what_a_container_was_created_with_to_the_names_of_another(string flags)
    {
        var prerequisites = Prerequisites(
            ("db", "-d --name db local/busybox:latest sleep 300"),
            ("web", $"-d {flags}{(flags.Contains("local/busybox", StringComparison.Ordinal) ? "" : " local/busybox:latest sleep 300")}"));

        prerequisites.ShouldBe([[], [0]]);
    }

    [Theory]
    [InlineData("-e DB_HOST=mydb")]
    [InlineData("-e DB_HOST=db_backup")]
    [InlineData("-e DB_HOST=db-0")]
    [InlineData("-e DB_HOST=DB")]
    [InlineData("-e db=1")]
    [InlineData("--label io.example/uses=db")]
    [InlineData("--hostname db")]
    public void Should_not_relate_a_name_inside_another_word_a_variable_name_or_a_label(string flags)
    {
        var prerequisites = Prerequisites(
            ("db", "-d --name db local/busybox:latest sleep 300"),
            ("web", $"-d {flags} local/busybox:latest sleep 300"));

        prerequisites.ShouldBe([[], []]);
    }

    [Fact]
    public void Should_read_volumes_from_and_links_the_engine_reports()
    {
        // (nulecule refuses --volumes-from and turns --link into aliases, but a container made by hand or
        // by an older tool may carry them; the engine reports `--volumes-from db:ro` and `--link db:d` so)
        var says = ContainerStop.Says(new ContainerConfig(), new HostConfig { VolumesFrom = ["rel-db:ro"], Links = ["/rel-cache:/rel-web/cache"] });

        says.ShouldContain("rel-db");
        says.ShouldContain("rel-cache");
    }

    [Fact]
    public void Should_hold_a_containers_name_id_aliases_and_volumes()
    {
        var container = Inspected(Plan(("db", "-d --name db -v data:/var/lib/db local/busybox:latest sleep 300")).Containers[0], "0123456789abcdef0123");

        var references = ContainerStop.References(container);

        references.Holds.ShouldBe(["rel-db", "0123456789abcdef0123", "0123456789ab", "db", "rel-data"], ignoreOrder: true);
        references.Says.ShouldBe(["sleep", "300"], ignoreOrder: true);
    }

    [Fact]
    public void Should_list_components_in_reverse_graph_order_with_their_containers_together()
    {
        // A container of an earlier revision keeps its order label: b (0001) was unchanged when a (0000)
        // and a second command of b (0002) came in; b's containers still stop together, before a's.
        var listed = new[] { Listed("a-1", "a", "0000"), Listed("b-1", "b", "0001"), Listed("b-2", "b", "0002"), Listed("c-1", "c", "0000") };

        ContainerStop.InStopOrder(listed).Select(DockerObjects.NameOf).ShouldBe(["b-2", "b-1", "a-1", "c-1"]);
    }

    private static ContainerListResponse Listed(string name, string component, string order) => new()
    {
        ID = name,
        Names = ["/" + name],
        Labels = new Dictionary<string, string> { [Labels.Component] = component, [DockerLabels.Order] = order },
    };

    /// <summary>The prerequisites of the app's components in stop order, read as a stop reads them.</summary>
    private static int[][] Prerequisites(params (string Component, string Command)[] components)
    {
        var plan = Plan(components);
        var references = plan.Containers
            .Select((c, i) => (c.Component, References: ContainerStop.References(Inspected(c, $"{i:D2}{new string('f', 62)}"))))
            .Reverse()
            .Select(c => c.References)
            .ToList();
        return StopOrder.Prerequisites(references);
    }

    private static ReleasePlan Plan(params (string Component, string Command)[] components) =>
        ReleasePlanner.Plan(TestApps.App("stop-app", components.Select(c => TestApps.Component(c.Component, c.Command))), new RunOptions { Release = Release }, _ => null);

    /// <summary>What `docker inspect` reports of a container created from <paramref name="planned"/>.</summary>
    private static ContainerInspectResponse Inspected(PlannedContainer planned, string id)
    {
        var p = planned.Parameters;
        var config = new ContainerConfig { Env = p.Env, Cmd = p.Cmd, Entrypoint = p.Entrypoint, Labels = p.Labels, Image = p.Image, Hostname = p.Hostname };
        var mounts = (p.HostConfig?.Binds ?? []).Select(b => b.Split(':')[0]).Where(s => !s.StartsWith('/'))
            .Select(name => new MountPoint { Type = "volume", Name = name }).ToList();
        return new ContainerInspectResponse
        {
            ID = id,
            Name = "/" + planned.ContainerName,
            Config = config,
            HostConfig = p.HostConfig,
            NetworkSettings = new NetworkSettings
            {
                Networks = p.NetworkingConfig?.EndpointsConfig ?? new Dictionary<string, EndpointSettings>(),
            },
            Mounts = mounts,
        };
    }
}
