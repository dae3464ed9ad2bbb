using Docker.DotNet;
using Docker.DotNet.Models;
using Nulecule.Docker.Endpoints;
using Nulecule.Docker.Internal;

namespace Nulecule.Docker.Tests;

/// <summary>
/// `stop` deletes the release network after its containers (<see cref="EngineResources.DeleteNetworkAsync"/>):
/// tried again while the engine still reports endpoints of removed containers, never by cutting off a
/// container that still exists.
/// </summary>
public sealed class NetworkRemovalTests : IDisposable
{
    private readonly DockerClient _client = DockerConnector.CreateClient(new DockerEndpointResolver().Resolve());
    private readonly string _name = $"nul-netrm-{Guid.NewGuid():N}"[..22];
    private readonly List<string> _containers = [];

    [DockerFact]
    public async Task Should_delete_a_network_right_after_its_containers_are_removed()
    {
        var network = await CreateNetworkAsync();
        for (var i = 0; i < 3; i++)
        {
            await RunOnAsync(network, $"{_name}-{i}");
        }

        foreach (var id in _containers)
        {
            await _client.Containers.RemoveContainerAsync(id, new ContainerRemoveParameters { Force = true });
        }

        await EngineResources.DeleteNetworkAsync(_client, network, [$"{_name}-0", $"{_name}-1", $"{_name}-2"], CancellationToken.None);

        (await _client.Networks.ListNetworksAsync(new NetworksListParameters())).ShouldNotContain(n => n.ID == network);
    }

    [DockerFact]
    public async Task Should_leave_a_container_that_still_exists_connected_and_report_the_refusal()
    {
        var network = await CreateNetworkAsync();
        var other = await RunOnAsync(network, $"{_name}-live");

        var refused = await Should.ThrowAsync<DockerApiException>(() =>
            EngineResources.DeleteNetworkAsync(_client, network, [$"{_name}-live", $"{_name}-removed"], CancellationToken.None));

        (refused.ResponseBody ?? refused.Message).ShouldContain("active endpoints");
        var inspected = await _client.Containers.InspectContainerAsync(other);
        inspected.State!.Running.ShouldBeTrue();
        inspected.NetworkSettings!.Networks!.Keys.ShouldContain(_name);
    }

    private async Task<string> CreateNetworkAsync() =>
        (await _client.Networks.CreateNetworkAsync(new NetworksCreateParameters { Name = _name, Driver = "bridge" })).ID;

    private async Task<string> RunOnAsync(string network, string name)
    {
        var created = await _client.Containers.CreateContainerAsync(new CreateContainerParameters
        {
            Name = name,
            Image = TestImages.Busybox,
            Cmd = ["sleep", "300"],
            HostConfig = new HostConfig { NetworkMode = _name },
        });
        _containers.Add(created.ID);
        await _client.Containers.StartContainerAsync(created.ID, new ContainerStartParameters());
        return created.ID;
    }

    public void Dispose()
    {
        foreach (var id in _containers)
        {
            try
            {
                _client.Containers.RemoveContainerAsync(id, new ContainerRemoveParameters { Force = true }).GetAwaiter().GetResult();
            }
            catch (DockerApiException)
            {
            }
        }

        try
        {
            _client.Networks.DeleteNetworkAsync(_name).GetAwaiter().GetResult();
        }
        catch (DockerApiException)
        {
        }

        _client.Dispose();
    }
}
