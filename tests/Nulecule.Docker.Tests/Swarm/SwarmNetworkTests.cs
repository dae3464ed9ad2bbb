using Docker.DotNet.Models;
using Nulecule.Actions;
using Nulecule.Docker.Tests.Releases;

namespace Nulecule.Docker.Tests.Swarm;

/// <summary>A compose network's `ipam` on the real single-node swarm: the overlay network gets the declared subnet and its tasks addresses in it.</summary>
public sealed class SwarmNetworkTests : IDisposable
{
    private const string Subnet = "10.213.7.0/24";

    private readonly SwarmReleaseHarness _h = new(dir => ComposeTestApp.Write(dir, $$"""
        services:
          web:
            image: {{TestImages.Busybox}}
            command: {{ComposeTestApp.Loop}}
            networks: [back]
        networks:
          back:
            ipam:
              config: [{subnet: {{Subnet}}, ip_range: 10.213.7.128/25}]
        """, []));

    public void Dispose() => _h.Dispose();

    [SwarmFact]
    public async Task Should_make_the_overlay_network_with_the_declared_subnet_and_give_tasks_addresses_in_its_range()
    {
        await _h.RunAsync();

        var network = await _h.Client.Networks.InspectNetworkAsync(_h.Service("back"));
        (network.Driver, network.Scope).ShouldBe(("overlay", "swarm"));
        network.IPAM.Config.Select(c => (c.Subnet, c.IPRange)).ShouldBe([(Subnet, "10.213.7.128/25")]);
        var tasks = await _h.Client.Tasks.ListAsync(new TasksListParameters
        {
            Filters = new Dictionary<string, IDictionary<string, bool>> { ["service"] = new Dictionary<string, bool> { [_h.Service("web")] = true }, ["desired-state"] = new Dictionary<string, bool> { ["running"] = true } },
        });
        var address = tasks.ShouldHaveSingleItem().NetworksAttachments!.Single(a => a.Network?.Spec?.Name == _h.Service("back")).Addresses.ShouldHaveSingleItem();
        System.Net.IPNetwork.Parse("10.213.7.128/25").Contains(System.Net.IPAddress.Parse(address.Split('/')[0])).ShouldBeTrue(address);

        await new UninstallAction(_h.Config) { Release = _h.Release, Timeout = TimeSpan.FromSeconds(60) }.RunAsync();
        (await _h.LeftoversAsync()).ShouldBeEmpty();
    }
}
