using System.Collections;
using Nulecule.Releases;

namespace Nulecule.Providers;

/// <summary>What a provider can do beyond run, stop, status and list, so verbs can refuse early and say why.</summary>
public sealed record ProviderCapabilities
{
    /// <summary>`run`, `upgrade`, `rollback`, `stop`: false for a provider that only renders (marathon today).</summary>
    public bool Deploy { get; init; } = true;

    /// <summary>`logs`.</summary>
    public bool Logs { get; init; } = true;

    /// <summary>`exec`: run a command in a component's container.</summary>
    public bool Exec { get; init; }

    /// <summary>`restart`: restart a release's containers or workloads in place.</summary>
    public bool Restart { get; init; }

    /// <summary>`ps`: list a release's containers or pods.</summary>
    public bool Ps { get; init; }

    /// <summary>`scale`: the engine runs replicas of a component's workloads.</summary>
    public bool Scale { get; init; }

    /// <summary>The engine keeps earlier versions of a workload itself (Kubernetes ReplicaSets), beside the release history.</summary>
    public bool NativeRollback { get; init; }

    /// <summary>`-n/--namespace` names a place on this engine.</summary>
    public bool Namespaces { get; init; }
}

/// <summary>
/// What a host hands an engine to connect: `[general]`-style settings given by flags (which win),
/// the answers' `[general]` section (or a revision's recorded one), and the process environment.
/// Keys are the answers' keys (`namespace`, `provider-config`, `provider-api` ...) plus the
/// flag-only ones an engine documents (`context`, `force-conflicts`).
/// </summary>
public sealed record ProviderSettings(
    IReadOnlyDictionary<string, string?> Flags,
    IReadOnlyDictionary<string, string> General,
    IReadOnlyDictionary<string, string> Environment)
{
    public static ProviderSettings Empty { get; } = new(new Dictionary<string, string?>(), new Dictionary<string, string>(), new Dictionary<string, string>());

    /// <summary>The flag's value, else the answers'.</summary>
    public string? Get(string key) => Flags.GetValueOrDefault(key) ?? General.GetValueOrDefault(key);

    /// <summary>The same flags and environment over another `[general]` (a recorded revision's).</summary>
    public ProviderSettings WithGeneral(IReadOnlyDictionary<string, string> general) => this with { General = general };

    /// <summary>The user's home directory: HOME, else the platform's.</summary>
    public string Home => Environment.GetValueOrDefault("HOME") is { Length: > 0 } home
        ? home
        : System.Environment.GetFolderPath(System.Environment.SpecialFolder.UserProfile);
}

/// <summary>
/// One engine as the rest of the tool sees it. Each engine project publishes its registration(s);
/// the host lists them once (<see cref="ProviderRegistry"/>), and nothing else names an engine.
/// </summary>
public sealed record ProviderRegistration
{
    /// <summary>The `--provider` name: `docker`, `kubernetes` ...</summary>
    public required string Name { get; init; }

    /// <summary>One line for help and errors.</summary>
    public required string Description { get; init; }

    /// <summary>The key of the artifacts it deploys in a component's `artifacts:` (default: <see cref="Name"/>).</summary>
    public string? ArtifactKey { get; init; }

    public ProviderCapabilities Capabilities { get; init; } = new();

    /// <summary>Connects lazily: creating a provider does no I/O. Null for a provider that only renders.</summary>
    public Func<ProviderSettings, IProvider>? Create { get; init; }

    /// <summary>
    /// A provider for these settings made beside another of the same command (a provider of this
    /// engine, or of one it shares releases with), sharing its connection where both would connect
    /// alike: `upgrade` finds the release with one provider and deploys with another, and reads
    /// the kubeconfig and opens a connection once. Null (or a null answer): <see cref="Create"/>.
    /// Each provider stays usable when the other is disposed.
    /// </summary>
    public Func<ProviderSettings, IProvider, IProvider?>? CreateBeside { get; init; }

    /// <summary>Why <see cref="Create"/> is null, and what to do instead.</summary>
    public string? CannotDeployHint { get; init; }

    /// <summary>
    /// Where the releases are kept when not in the local history: a store on the engine itself
    /// (Kubernetes Secrets), so every user of the engine sees them. The store is disposed by its caller.
    /// </summary>
    public Func<IProvider, IReleaseStore>? EngineStore { get; init; }

    /// <summary>
    /// Another registration whose engine store holds this one's releases too (openshift's are
    /// kubernetes Secrets), so a search looks there once.
    /// </summary>
    public string? SharesReleasesWith { get; init; }

    /// <summary>
    /// Whether the settings and environment point at an engine without being asked (a kubeconfig
    /// exists), so releases may be looked for there when the user named no provider.
    /// </summary>
    public Func<ProviderSettings, bool> Configured { get; init; } = _ => true;

    public string Artifacts => ArtifactKey ?? Name;

    /// <summary>Whose engine store is searched for this registration's releases (itself, or the one it shares with).</summary>
    public string ReleaseHome => SharesReleasesWith ?? Name;

    public bool KeepsReleasesOnEngine => EngineStore is not null;
}

/// <summary>The engines a host knows, by name; the one place that turns a name into a provider.</summary>
public sealed class ProviderRegistry : IEnumerable<ProviderRegistration>
{
    private readonly List<ProviderRegistration> _registrations = [];

    /// <summary>The provider a release is taken to run on when nothing names one.</summary>
    public string DefaultForReleases { get; init; } = "docker";

    public void Add(ProviderRegistration registration)
    {
        if (Find(registration.Name) is not null)
        {
            throw new ArgumentException($"provider '{registration.Name}' is registered twice", nameof(registration));
        }

        _registrations.Add(registration);
    }

    public IReadOnlyList<string> Names => _registrations.Select(r => r.Name).ToList();

    public ProviderRegistration? Find(string name) => _registrations.FirstOrDefault(r => r.Name == name);

    /// <summary>The registration of <paramref name="name"/>, or an error listing the known ones.</summary>
    public ProviderRegistration Get(string name) =>
        Find(name) ?? throw new NuleculeException(
            $"provider '{name}' is not known",
            null,
            (Suggest.Closest(name, Names) is { } near ? $"did you mean '{near}'? " : "") + $"known providers: {string.Join(", ", Names)}");

    /// <summary>A provider for <paramref name="name"/>; an error when it only renders.</summary>
    public IProvider Create(string name, ProviderSettings settings)
    {
        var registration = Get(name);
        if (registration.Create is null)
        {
            var deployable = _registrations.Where(r => r.Create is not null).Select(r => r.Name);
            throw new NuleculeException(
                $"the {name} provider can render (`nulecule template --provider {name}`) but not deploy",
                null,
                registration.CannotDeployHint ?? $"deploy with --provider {string.Join(", ", deployable)}");
        }

        return registration.Create(settings);
    }

    /// <summary>
    /// As <see cref="Create(string, ProviderSettings)"/>, sharing what it can with
    /// <paramref name="beside"/>, a provider made earlier in the same command (see <see cref="ProviderRegistration.CreateBeside"/>).
    /// </summary>
    public IProvider Create(string name, ProviderSettings settings, IProvider? beside) =>
        beside is not null && Get(name).CreateBeside?.Invoke(settings, beside) is { } shared ? shared : Create(name, settings);

    /// <summary>
    /// Refuses, before anything is touched, a verb the provider's engine cannot do: "VERB is not
    /// supported by ENGINE", with the providers that can.
    /// </summary>
    public void Require(string provider, string verb, Func<ProviderCapabilities, bool> can)
    {
        if (!can(Get(provider).Capabilities))
        {
            var able = _registrations.Where(r => can(r.Capabilities)).Select(r => r.Name).ToList();
            throw new NuleculeException(
                $"{verb} is not supported by {provider}",
                null,
                able.Count == 0 ? null : $"providers that support {verb}: {string.Join(", ", able)}");
        }
    }

    /// <summary>Registrations that keep their releases on their engine, once per store.</summary>
    public IEnumerable<ProviderRegistration> EngineStores() =>
        _registrations.Where(r => r.KeepsReleasesOnEngine && r.SharesReleasesWith is null);

    public IEnumerator<ProviderRegistration> GetEnumerator() => _registrations.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
