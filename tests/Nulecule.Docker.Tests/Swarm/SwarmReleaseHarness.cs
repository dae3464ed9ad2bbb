using Docker.DotNet;
using Docker.DotNet.Models;
using Nulecule.Actions;
using Nulecule.Docker.Endpoints;
using Nulecule.Docker.Swarm;
using Nulecule.Docker.Tests.Releases;
using Nulecule.Providers;
using Nulecule.Releases;
using Nulecule.Templating;

namespace Nulecule.Docker.Tests.Swarm;

/// <summary>
/// One release on the real single-node swarm, driven through the release actions: the swarm
/// provider, a SQLite store and a key in a temporary state directory, a recording reporter, the
/// app in a temporary directory. Dispose stops the release (volumes too) and removes the directories.
/// </summary>
internal sealed class SwarmReleaseHarness : ReleaseHarness<SwarmProvider>
{
    public static ProviderRegistry Registry { get; } = [SwarmEngine.Swarm];

    public SwarmReleaseHarness(Func<string, string> writeApp)
        : base(
            "sw",
            writeApp,
            client => new SwarmProvider(client, Target) { PollInterval = TimeSpan.FromMilliseconds(200), SettleTime = TimeSpan.FromMilliseconds(500) },
            TimeSpan.FromSeconds(20))
    {
    }

    public string Service(string logical) => SwarmPlanner.ScopedName(Release, logical);

    public async Task<RenderedApp> RenderAsync(params string[] sets) =>
        (await RenderAction.RunAsync(new RenderOptions { AppPath = AppDir, Provider = "swarm", Providers = Registry, Sets = [$"token={Canary}", .. sets] })).App;

    public async Task<InstallOrUpgradeResult> RunAsync(params string[] sets) =>
        await new InstallOrUpgradeAction(Config) { Release = Release, Wait = true, Timeout = TimeSpan.FromSeconds(90) }.RunAsync(await RenderAsync(sets));

    /// <summary>Everything on the engine that carries the release's stack namespace label.</summary>
    public async Task<IReadOnlyList<string>> LeftoversAsync(bool volumes = true)
    {
        var filter = new Dictionary<string, IDictionary<string, bool>> { ["label"] = new Dictionary<string, bool> { [$"{SwarmPlanner.StackNamespace}={Release}"] = true } };
        var left = new List<string>();
        left.AddRange((await Client.Swarm.ListServicesAsync(new ServiceListParameters { Filters = filter })).Select(s => "service " + s.Spec?.Name));
        left.AddRange((await Client.Networks.ListNetworksAsync(new NetworksListParameters { Filters = filter })).Select(n => "network " + n.Name));
        left.AddRange((await Client.Containers.ListContainersAsync(new ContainersListParameters { All = true, Filters = filter })).Select(c => "container " + c.Names[0]));
        left.AddRange((await Client.Secrets.ListAsync()).Where(s => s.Spec.Name?.StartsWith(Release + "_", StringComparison.Ordinal) == true).Select(s => "secret " + s.Spec.Name));
        left.AddRange((await Client.Configs.ListConfigsAsync()).Where(c => c.Spec.Name?.StartsWith(Release + "_", StringComparison.Ordinal) == true).Select(c => "config " + c.Spec.Name));
        if (volumes)
        {
            left.AddRange(((await Client.Volumes.ListAsync(new VolumesListParameters { Filters = filter })).Volumes ?? []).Select(v => "volume " + v.Name));
        }

        return left;
    }
}
