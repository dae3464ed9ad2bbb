using System.Net;
using System.Net.Sockets;
using Docker.DotNet.Models;
using Nulecule.Actions;
using Nulecule.Docker.Tests.Releases;
using Nulecule.Templating;
using Nulecule.Testing.Contracts;

namespace Nulecule.Docker.Tests.Swarm;

/// <summary>The provider lifecycle contract on the real single-node swarm.</summary>
public sealed class SwarmProviderContractTests : ProviderLifecycleContract
{
    protected override string? SkipReason => SwarmAvailability.SkipReason;

    protected override Task<IServedRelease> StartAsync() => Task.FromResult<IServedRelease>(new Served());

    private sealed class Served : IServedRelease
    {
        private readonly int _port = FreePort();
        private readonly SwarmReleaseHarness _h;
        private string? _foreign;

        public Served() => _h = new SwarmReleaseHarness(ServedApp.Writer(_port));

        public ReleaseConfiguration Config => _h.Config;

        public string Release => _h.Release;

        public string MissingImage => DockerReleaseApp.MissingImage;

        public RecordingReporter Reporter => _h.Reporter;

        public Task<RenderedApp> RenderAsync(params string[] sets) => _h.RenderAsync(sets);

        public Task<string> UrlAsync() => Task.FromResult($"http://127.0.0.1:{_port}/");

        public async Task DeleteWebAsync() => await _h.Client.Swarm.RemoveServiceAsync(_h.Service("web"));

        public async Task CreateForeignWebAsync() =>
            _foreign = (await _h.Client.Swarm.CreateServiceAsync(new ServiceCreateParameters
            {
                Service = new ServiceSpec
                {
                    Name = _h.Service("web"),
                    TaskTemplate = new TaskSpec { ContainerSpec = new ContainerSpec { Image = TestImages.Busybox, Args = ["sleep", "3600"] } },
                },
                RegistryAuth = null!,
            })).ID;

        public async ValueTask DisposeAsync()
        {
            if (_foreign is not null)
            {
                try
                {
                    await _h.Client.Swarm.RemoveServiceAsync(_foreign);
                }
                catch (global::Docker.DotNet.DockerApiException)
                {
                    // Taken over and removed with the release (the goal).
                }
            }

            _h.Dispose();
        }

        private static int FreePort()
        {
            using var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            return ((IPEndPoint)listener.LocalEndpoint).Port;
        }
    }
}
