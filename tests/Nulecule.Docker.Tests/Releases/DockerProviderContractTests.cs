using System.Net;
using System.Net.Sockets;
using Nulecule.Actions;
using Nulecule.Templating;
using Nulecule.Testing.Contracts;

namespace Nulecule.Docker.Tests.Releases;

/// <summary>The provider lifecycle contract on the real Docker engine.</summary>
public sealed class DockerProviderContractTests : ProviderLifecycleContract
{
    protected override string? SkipReason => new DockerFactAttribute().Skip;

    protected override Task<IServedRelease> StartAsync() => Task.FromResult<IServedRelease>(new Served());

    private sealed class Served : IServedRelease
    {
        private readonly int _port = FreePort();
        private readonly DockerReleaseHarness _h;
        private string? _foreign;

        public Served() => _h = new DockerReleaseHarness(ServedApp.Writer(_port));

        public ReleaseConfiguration Config => _h.Config;

        public string Release => _h.Release;

        public string MissingImage => DockerReleaseApp.MissingImage;

        public RecordingReporter Reporter => _h.Reporter;

        public Task<RenderedApp> RenderAsync(params string[] sets) => _h.RenderAsync(sets);

        public Task<string> UrlAsync() => Task.FromResult($"http://127.0.0.1:{_port}/");

        public async Task DeleteWebAsync() =>
            await _h.Client.Containers.RemoveContainerAsync(_h.Container("web"), new() { Force = true });

        public async Task CreateForeignWebAsync() =>
            _foreign = (await _h.Client.Containers.CreateContainerAsync(new() { Name = _h.Container("web"), Image = TestImages.Busybox, Cmd = ["sleep", "3600"] })).ID;

        public async ValueTask DisposeAsync()
        {
            if (_foreign is not null)
            {
                try
                {
                    await _h.Client.Containers.RemoveContainerAsync(_foreign, new() { Force = true });
                }
                catch (global::Docker.DotNet.DockerApiException)
                {
                    // Replaced by the release (the goal).
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
