using Nulecule.Actions;
using Nulecule.Providers;
using Nulecule.Releases;

namespace Nulecule.Tests.Actions;

/// <summary>
/// The core release locator over a registry of two fake engines: `local` keeps its releases in the
/// local history, `cluster` (and `cluster-plus`, which shares its store) keep them on the engine.
/// </summary>
public sealed class ReleaseLocatorTests
{
    private const string Name = "shop";
    private readonly MemoryReleaseStore _local = new();
    private readonly CountingStore _cluster = new();
    private readonly ReleaseKey _key = ReleaseKey.Ephemeral();
    private readonly List<(string Provider, ProviderSettings Settings)> _created = [];
    private bool _clusterConfigured = true;

    private ProviderRegistry Registry() => new ProviderRegistry
    {
        DefaultForReleases = "local",
    }.With(
        new ProviderRegistration { Name = "local", Description = "fake local engine", Create = Make("local") },
        new ProviderRegistration
        {
            Name = "cluster", Description = "fake cluster", Create = Make("cluster"), EngineStore = _ => _cluster,
            Configured = _ => _clusterConfigured, Capabilities = new ProviderCapabilities { Scale = true, Namespaces = true },
        },
        new ProviderRegistration
        {
            Name = "cluster-plus", Description = "fake cluster with more", Create = Make("cluster-plus"), EngineStore = _ => _cluster,
            SharesReleasesWith = "cluster", Configured = _ => _clusterConfigured,
        },
        new ProviderRegistration { Name = "paper", Description = "renders only", Capabilities = new ProviderCapabilities { Deploy = false, Logs = false } });

    private Func<ProviderSettings, IProvider> Make(string name) => settings =>
    {
        _created.Add((name, settings));
        return new RecordingFakeProvider { Name = name, Target = name + "://target" };
    };

    private async Task RecordAsync(IReleaseStore store, string provider, ReleaseState state, int revision = 1, string? @namespace = null)
    {
        var app = ReleaseTestApps.Make(provider: provider);
        if (@namespace is not null)
        {
            var contexts = app.Components.Select(c => c.Scope).Append(Nulecule.Answers.AnswerSection.General).Distinct()
                .ToDictionary(s => s, app.Values.ContextFor);
            app = app with { Values = new Nulecule.Answers.ResolvedValues(app.Values.Params, new Dictionary<string, string> { ["namespace"] = @namespace }, contexts) };
        }

        await store.CreateAsync(Release.Pending(app, Name, revision, provider + "://target", DateTimeOffset.UtcNow, "test", _key) with { State = state });
    }

    private ReleaseLocator Locator() => new(Registry(), _local, _key);

    [Fact]
    public async Task Should_take_a_live_local_release_without_asking_the_cluster()
    {
        await RecordAsync(_local, "local", ReleaseState.Deployed);

        var found = await Locator().FindAsync(Name, new ReleaseQuery(), null, default);

        found.Provider.Name.ShouldBe("local");
        found.Record!.State.ShouldBe(ReleaseState.Deployed);
        found.Store.ShouldBeSameAs(_local);
        _cluster.Reads.ShouldBe(0);
    }

    [Fact]
    public async Task Should_prefer_a_deployed_release_on_the_cluster_over_an_uninstalled_local_one_and_say_so()
    {
        await RecordAsync(_local, "local", ReleaseState.Uninstalled);
        await RecordAsync(_cluster, "cluster", ReleaseState.Deployed);
        var reporter = new RecordingReporter();

        var found = await Locator().FindAsync(Name, new ReleaseQuery(), reporter, default);

        found.Provider.Name.ShouldBe("cluster");
        found.Store.ShouldBeSameAs(_cluster);
        reporter.Lines.ShouldContain(m => m.Contains("deployed (revision 1, cluster) on cluster://target") && m.Contains("uninstalled (revision 1, local) locally"));
    }

    [Fact]
    public async Task Should_look_on_the_cluster_when_the_provider_names_it_even_with_a_live_local_release()
    {
        await RecordAsync(_local, "local", ReleaseState.Deployed);
        await RecordAsync(_cluster, "cluster", ReleaseState.Failed);

        var found = await Locator().FindAsync(Name, new ReleaseQuery { Provider = "cluster" }, null, default);

        found.Provider.Name.ShouldBe("cluster");
        found.Record!.State.ShouldBe(ReleaseState.Failed);
    }

    [Fact]
    public async Task Should_treat_a_namespace_as_naming_an_engine_with_namespaces()
    {
        await RecordAsync(_local, "local", ReleaseState.Deployed);
        await RecordAsync(_cluster, "cluster", ReleaseState.Uninstalled);

        var found = await Locator().FindAsync(Name, new ReleaseQuery { NamespaceGiven = true }, null, default);

        found.Provider.Name.ShouldBe("cluster");
        found.Record!.State.ShouldBe(ReleaseState.Uninstalled);
    }

    [Fact]
    public async Task Should_not_ask_a_cluster_that_is_not_configured()
    {
        _clusterConfigured = false;
        await RecordAsync(_cluster, "cluster", ReleaseState.Deployed);

        var found = await Locator().FindAsync(Name, new ReleaseQuery(), null, default);

        found.Provider.Name.ShouldBe("local");
        found.Record.ShouldBeNull();
        _cluster.Reads.ShouldBe(0);
    }

    [Fact]
    public async Task Should_pass_over_a_cluster_that_fails_unless_it_was_named()
    {
        _cluster.Fail = true;
        await RecordAsync(_local, "local", ReleaseState.Uninstalled);

        var found = await Locator().FindAsync(Name, new ReleaseQuery(), null, default);
        found.Provider.Name.ShouldBe("local");

        await Should.ThrowAsync<OperationFailedException>(() => Locator().FindAsync(Name, new ReleaseQuery { Provider = "cluster" }, null, default));
    }

    [Fact]
    public async Task Should_open_a_release_with_the_provider_and_settings_its_record_names()
    {
        await RecordAsync(_cluster, "cluster-plus", ReleaseState.Deployed, @namespace: "shop-ns");

        var found = await Locator().FindAsync(Name, new ReleaseQuery(), null, default);

        found.Provider.Name.ShouldBe("cluster-plus");
        _created.Last().Settings.Get("namespace").ShouldBe("shop-ns");
    }

    [Fact]
    public async Task Should_take_an_unrecorded_release_to_be_on_the_default_or_named_provider()
    {
        _clusterConfigured = false;
        (await Locator().FindAsync(Name, new ReleaseQuery(), null, default)).Provider.Name.ShouldBe("local");

        _clusterConfigured = true;
        var named = await Locator().FindAsync(Name, new ReleaseQuery { Provider = "cluster" }, null, default);
        named.Provider.Name.ShouldBe("cluster");
        named.Record.ShouldBeNull();
        named.Store.ShouldBeSameAs(_cluster);
    }

    [Fact]
    public async Task Should_list_the_local_history_and_each_configured_engine_store_once()
    {
        await RecordAsync(_local, "local", ReleaseState.Deployed);
        await RecordAsync(_cluster, "cluster", ReleaseState.Deployed);

        var all = await Locator().ListAsync(ProviderSettings.Empty, all: true, new RecordingReporter(), default);

        all.Select(r => r.Provider).Order().ShouldBe(["cluster", "local"]);
    }

    [Fact]
    public async Task Should_list_the_local_history_with_one_warning_line_when_an_engine_store_is_refused()
    {
        await RecordAsync(_local, "local", ReleaseState.Deployed);
        _cluster.ListFails = new NuleculeException("cluster 'c' of ~/.kube/config sets both insecure-skip-tls-verify and a certificate authority", hint: "remove one");
        var reporter = new RecordingReporter();

        var all = await Locator().ListAsync(ProviderSettings.Empty, all: true, reporter, default);

        all.Select(r => r.Provider).ShouldBe(["local"]);
        reporter.Lines.ShouldBe(["warn: the releases kept by cluster are not listed: cluster 'c' of ~/.kube/config sets both insecure-skip-tls-verify and a certificate authority (remove one)"]);
    }

    [Fact]
    public void Should_refuse_an_unknown_provider_with_a_suggestion_and_a_render_only_one_with_what_deploys()
    {
        var registry = Registry();

        Should.Throw<NuleculeException>(() => registry.Create("clustr", ProviderSettings.Empty)).Diagnostics[0].Hint!.ShouldContain("did you mean 'cluster'?");
        var paper = Should.Throw<NuleculeException>(() => registry.Create("paper", ProviderSettings.Empty));
        paper.Message.ShouldContain("can render (`nulecule template --provider paper`) but not deploy");
        paper.Diagnostics[0].Hint!.ShouldBe("deploy with --provider local, cluster, cluster-plus");
        Should.Throw<ArgumentException>(() => registry.Add(new ProviderRegistration { Name = "local", Description = "again" }));
    }

    [Fact]
    public async Task Should_scale_a_nested_component_by_its_short_name_and_refuse_engines_that_cannot_scale()
    {
        var registry = Registry();
        var cluster = new RecordingFakeProvider { Name = "cluster" };
        var components = new[] { "web", "wordpress:mariadb" };
        var record = await RecordWithComponentsAsync(components);

        var scaled = await new ScaleAction(registry, cluster) { Release = Name, Component = "mariadb", Replicas = 2, Record = record, Key = _key }.RunAsync(default);

        scaled.ShouldBe("wordpress:mariadb");
        cluster.Scales.ShouldBe([(Name, "wordpress:mariadb", 2)]);
        var local = new RecordingFakeProvider { Name = "local" };
        var refused = await Should.ThrowAsync<NuleculeException>(() => new ScaleAction(registry, local) { Release = Name, Component = "web", Replicas = 2 }.RunAsync(default));
        refused.Diagnostics[0].Message.ShouldBe("the local provider cannot scale a component");
        refused.Diagnostics[0].Hint.ShouldBe("providers that scale: cluster");
        local.Scales.ShouldBeEmpty();
    }

    [Theory]
    [InlineData("web", "web")]
    [InlineData("wordpress:mariadb", "wordpress:mariadb")]
    [InlineData("mariadb", "wordpress:mariadb")]
    public void Should_resolve_a_component_by_full_or_unambiguous_short_name(string typed, string expected) =>
        ReleaseComponents.Resolve(typed, ["web", "wordpress:mariadb", "wordpress:php"], Name).ShouldBe(expected);

    [Fact]
    public void Should_list_the_components_when_a_name_matches_none_or_several()
    {
        var unknown = Should.Throw<NuleculeException>(() => ReleaseComponents.Resolve("mariadv", ["web", "wordpress:mariadb"], Name));
        unknown.Diagnostics[0].Message.ShouldBe("release 'shop' has no component 'mariadv'");
        unknown.Diagnostics[0].Hint.ShouldBe("did you mean 'wordpress:mariadb'? its components: web, wordpress:mariadb");

        var ambiguous = Should.Throw<NuleculeException>(() => ReleaseComponents.Resolve("db", ["a:db", "b:db"], Name));
        ambiguous.Diagnostics[0].Message.ShouldBe("component 'db' of release 'shop' is ambiguous: a:db, b:db");
    }

    [Fact]
    public async Task Should_refuse_logs_of_an_engine_without_logs_before_reading_any()
    {
        var paper = new RecordingFakeProvider { Name = "paper" };

        var refused = await Should.ThrowAsync<NuleculeException>(() => new LogsAction(Registry(), paper) { Release = Name }.StartAsync(default));

        refused.Diagnostics[0].Message.ShouldBe("the paper provider has no logs to show");
    }

    private async Task<Release> RecordWithComponentsAsync(IReadOnlyList<string> scopes)
    {
        var app = ReleaseTestApps.Make(provider: "cluster");
        var template = app.Components[0];
        app = app with { Components = scopes.Select(s => template with { Scope = s, Name = s.Split(':').Last() }).ToList() };
        var record = Release.Pending(app, Name, 1, "cluster://target", DateTimeOffset.UtcNow, "test", _key) with { State = ReleaseState.Deployed };
        await _cluster.CreateAsync(record);
        return record;
    }

    /// <summary>A memory store that counts reads and can fail like an API server that is gone.</summary>
    private sealed class CountingStore : IReleaseStore
    {
        private readonly MemoryReleaseStore _inner = new();

        public int Reads { get; private set; }

        public bool Fail { get; set; }

        public Exception? ListFails { get; set; }

        public string Location => "fake cluster";

        public Task CreateAsync(Release release, CancellationToken cancellationToken = default) => _inner.CreateAsync(release, cancellationToken);

        public Task UpdateAsync(Release release, CancellationToken cancellationToken = default) => _inner.UpdateAsync(release, cancellationToken);

        public Task<Release?> GetAsync(string release, int revision, CancellationToken cancellationToken = default) => _inner.GetAsync(release, revision, cancellationToken);

        public Task<Release?> LatestAsync(string release, CancellationToken cancellationToken = default)
        {
            Reads++;
            return Fail ? throw new OperationFailedException("the fake cluster is gone") : _inner.LatestAsync(release, cancellationToken);
        }

        public Task<IReadOnlyList<Release>> HistoryAsync(string release, CancellationToken cancellationToken = default) => _inner.HistoryAsync(release, cancellationToken);

        public Task<IReadOnlyList<Release>> ListAsync(CancellationToken cancellationToken = default) =>
            ListFails is { } e ? throw e : _inner.ListAsync(cancellationToken);

        public Task DeleteAsync(string release, int? revision = null, CancellationToken cancellationToken = default) => _inner.DeleteAsync(release, revision, cancellationToken);

        public Task<ReleaseLock?> TryLockAsync(ReleaseLock wanted, CancellationToken cancellationToken = default) => _inner.TryLockAsync(wanted, cancellationToken);

        public Task<bool> UnlockAsync(ReleaseLock held, CancellationToken cancellationToken = default) => _inner.UnlockAsync(held, cancellationToken);

        public Task<ReleaseLock?> GetLockAsync(string release, CancellationToken cancellationToken = default) => _inner.GetLockAsync(release, cancellationToken);
    }
}

internal static class RegistryTestExtensions
{
    public static ProviderRegistry With(this ProviderRegistry registry, params ProviderRegistration[] registrations)
    {
        foreach (var r in registrations)
        {
            registry.Add(r);
        }

        return registry;
    }
}
