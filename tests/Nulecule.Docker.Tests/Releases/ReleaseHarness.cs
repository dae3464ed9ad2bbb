using System.Text;
using Docker.DotNet;
using Nulecule.Actions;
using Nulecule.Docker.Endpoints;
using Nulecule.Providers;
using Nulecule.Releases;

namespace Nulecule.Docker.Tests.Releases;

/// <summary>
/// What the Docker and swarm release harnesses share: a real engine client, a SQLite store and a
/// key in a temporary state directory, a recording reporter, the app in a temporary directory, a
/// canary hidden value, and the checks that it leaks nowhere. Dispose stops the release (volumes
/// too) and removes the directories.
/// </summary>
internal abstract class ReleaseHarness<TProvider> : IDisposable
    where TProvider : IProvider
{
    public const string Target = "unix:///var/run/docker.sock";

    private readonly TimeSpan _stopTimeout;

    protected ReleaseHarness(string prefix, Func<string, string> writeApp, Func<DockerClient, TProvider> provider, TimeSpan stopTimeout)
    {
        Release = prefix + "-" + Guid.NewGuid().ToString("N")[..10];
        Root = Path.Combine(Path.GetTempPath(), "nulecule-" + Release);
        StateDir = Path.Combine(Root, "state");
        AppDir = writeApp(Path.Combine(Root, "app"));
        Client = DockerConnector.CreateClient(new DockerEndpointResolver().Resolve());
        Provider = provider(Client);
        Store = new SqliteReleaseStore(Path.Combine(StateDir, SqliteReleaseStore.FileName));
        Key = ReleaseKey.LoadOrCreate(StateDir);
        Config = new ReleaseConfiguration { Provider = Provider, Store = Store, Key = Key, Target = Target, Reporter = Reporter };
        _stopTimeout = stopTimeout;
    }

    public string Release { get; }

    /// <summary>The hidden `token` value; it must never show up in stored state, output or errors.</summary>
    public string Canary { get; } = "canary-" + Guid.NewGuid().ToString("N");

    public string Root { get; }

    public string StateDir { get; }

    public string AppDir { get; }

    public DockerClient Client { get; }

    public TProvider Provider { get; }

    public SqliteReleaseStore Store { get; }

    public ReleaseKey Key { get; }

    public RecordingReporter Reporter { get; } = new();

    public ReleaseConfiguration Config { get; }

    /// <summary>Every message of every exception a test saw, for the canary check.</summary>
    public List<string> Errors { get; } = [];

    public Task<T> FailsAsync<T>(Func<Task> action)
        where T : Exception => ReleaseTestSupport.FailsAsync<T>(action, Errors);

    public async Task<IReadOnlyList<(int Revision, ReleaseState State)>> StatesAsync() =>
        (await Store.HistoryAsync(Release)).Select(r => (r.Revision, r.State)).ToList();

    /// <summary>The canary is in no file of the state directory, no reported line, no error message.</summary>
    public virtual void ShouldNotLeakTheCanary()
    {
        var needle = Encoding.UTF8.GetBytes(Canary);
        foreach (var file in Directory.GetFiles(StateDir, "*", SearchOption.AllDirectories))
        {
            using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            using var memory = new MemoryStream();
            stream.CopyTo(memory);
            memory.ToArray().AsSpan().IndexOf(needle).ShouldBe(-1, $"the hidden value is in {file}");
        }

        Reporter.Lines.ShouldAllBe(l => !l.Contains(Canary, StringComparison.Ordinal));
        Errors.ShouldAllBe(l => !l.Contains(Canary, StringComparison.Ordinal));
    }

    public void Dispose()
    {
        try
        {
            Provider.StopAsync(Release, new StopOptions { RemoveVolumes = true, Timeout = _stopTimeout }, CancellationToken.None).GetAwaiter().GetResult();
        }
        catch (Exception)
        {
            // Skipped test or engine gone: nothing to clean.
        }

        Store.Dispose();
        Client.Dispose();
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
            // Best effort.
        }
    }
}
