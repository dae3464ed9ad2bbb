using System.Text;
using Docker.DotNet;
using Docker.DotNet.Models;
using Nulecule.Actions;
using Nulecule.Docker.Endpoints;
using Nulecule.Providers;
using Nulecule.Releases;
using Nulecule.Templating;

namespace Nulecule.Docker.Tests.Releases;

/// <summary>
/// One release on the real engine, driven through the release actions: the Docker provider, a
/// SQLite store and a key in a temporary state directory, a recording reporter, the app in a
/// temporary directory. Dispose stops the release and removes the directories (<see cref="ReleaseHarness{TProvider}"/>).
/// </summary>
internal sealed class DockerReleaseHarness : ReleaseHarness<DockerProvider>
{
    /// <param name="writeApp">Writes the app into the directory it is given; the two-component <see cref="DockerReleaseApp"/> by default.</param>
    /// <param name="environment">The shell the provider reads bare `-e NAME` values from; the process's by default.</param>
    public DockerReleaseHarness(Func<string, string>? writeApp = null, Func<string, string?>? environment = null)
        : base(
            "rel",
            writeApp ?? (d => DockerReleaseApp.Write(d)),
            client => new DockerProvider(client, Target, environment) { PollInterval = TimeSpan.FromMilliseconds(200), SettleTime = TimeSpan.FromMilliseconds(500) },
            TimeSpan.FromSeconds(2))
    {
    }

    public string Container(string logical) => $"{Release}-{logical}";

    /// <summary>Renders the app (or another directory) with the canary token and the given `--set`s.</summary>
    public async Task<RenderedApp> RenderAsync(string[] sets, string? appDir = null) =>
        (await RenderAction.RunAsync(new RenderOptions { AppPath = appDir ?? AppDir, Provider = "docker", Sets = [$"token={Canary}", .. sets] })).App;

    public async Task<InstallOrUpgradeResult> RunAsync(params string[] sets) =>
        await new InstallOrUpgradeAction(Config) { Release = Release, Wait = true, Timeout = TimeSpan.FromSeconds(60) }.RunAsync(await RenderAsync(sets));

    /// <summary>Containers of the release the engine has, transient ones of a replacement included.</summary>
    public async Task<IReadOnlyList<string>> ContainerNamesAsync() =>
        (await Client.Containers.ListContainersAsync(new ContainersListParameters
        {
            All = true,
            Filters = new Dictionary<string, IDictionary<string, bool>> { ["label"] = new Dictionary<string, bool> { [$"{Labels.Release}={Release}"] = true } },
        }))
        .Select(c => c.Names[0].TrimStart('/'))
        .Order(StringComparer.Ordinal)
        .ToList();

    public async Task<ContainerInspectResponse?> InspectAsync(string logical)
    {
        try
        {
            return await Client.Containers.InspectContainerAsync(Container(logical));
        }
        catch (DockerContainerNotFoundException)
        {
            return null;
        }
    }

    public async Task<string?> EnvAsync(string logical, string name) =>
        (await InspectAsync(logical))?.Config?.Env?.FirstOrDefault(e => e.StartsWith(name + "=", StringComparison.Ordinal))?[(name.Length + 1)..];

    /// <summary>A lock as a killed `nulecule` would leave it: its pid belongs to a process that has exited.</summary>
    public async Task<ReleaseLock> AbandonLockAsync()
    {
        var stale = await ReleaseTestSupport.StaleLockAsync(Release);
        using var other = new SqliteReleaseStore(Store.Location);
        (await other.TryLockAsync(stale)).ShouldBeNull();
        return stale;
    }

    /// <summary>Writes a pending revision as a command would just before touching the engine.</summary>
    public async Task<Release> WritePendingAsync(RenderedApp app, int revision)
    {
        var pending = Nulecule.Releases.Release.Pending(app, Release, revision, Target, DateTimeOffset.UtcNow, "Upgrade", Key);
        await Store.CreateAsync(pending);
        return pending;
    }

    /// <summary>The canary leaks nowhere (<see cref="ReleaseHarness{TProvider}.ShouldNotLeakTheCanary"/>), and there was state and output to look at.</summary>
    public override void ShouldNotLeakTheCanary()
    {
        Directory.GetFiles(StateDir, "*", SearchOption.AllDirectories).ShouldContain(f => Path.GetFileName(f) == SqliteReleaseStore.FileName);
        Reporter.Lines.ShouldNotBeEmpty();
        base.ShouldNotLeakTheCanary();
    }
}
