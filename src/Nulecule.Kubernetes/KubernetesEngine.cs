using Nulecule.Kubernetes.Releases;
using Nulecule.Providers;
using Nulecule.Releases;

namespace Nulecule.Kubernetes;

/// <summary>
/// The registrations of this project's engines: Kubernetes and OpenShift. Their releases are kept
/// as Secrets in the release namespace (one store for both), so every user of the cluster sees them.
/// </summary>
public static class KubernetesEngine
{
    public static ProviderRegistration Kubernetes { get; } = new()
    {
        Name = "kubernetes",
        Description = "a Kubernetes cluster (kubeconfig, or --provider-api with a token)",
        Capabilities = new ProviderCapabilities { Scale = true, NativeRollback = true, Namespaces = true, Ps = true, Exec = true, Restart = true },
        Create = settings => new KubernetesProvider(SettingsFrom(settings)),
        CreateBeside = (settings, beside) => beside is KubernetesProvider existing ? new KubernetesProvider(SettingsFrom(settings), existing.Shared) : null,
        EngineStore = Store,
        Configured = Configured,
    };

    public static ProviderRegistration OpenShift { get; } = new()
    {
        Name = "openshift",
        Description = "an OpenShift cluster (Kubernetes plus Templates, DeploymentConfigs, Routes)",
        Capabilities = new ProviderCapabilities { Scale = true, NativeRollback = true, Namespaces = true, Ps = true, Exec = true, Restart = true },
        Create = settings => new OpenShiftProvider(SettingsFrom(settings)),
        CreateBeside = (settings, beside) => beside is KubernetesProvider existing ? new OpenShiftProvider(SettingsFrom(settings), existing.Shared) : null,
        EngineStore = Store,
        SharesReleasesWith = "kubernetes",
        Configured = Configured,
    };

    /// <summary>The settings flags give (keys as in <see cref="KubernetesSettings.AnswerKeys"/>, plus `force-conflicts`) over the answers'.</summary>
    public static KubernetesSettings SettingsFrom(ProviderSettings settings)
    {
        string? Flag(string key) => settings.Flags.GetValueOrDefault(key) is { Length: > 0 } v ? v : null;
        var flags = new KubernetesSettings
        {
            KubeconfigPath = Flag("provider-config"),
            Context = Flag("provider-context"),
            Namespace = Flag("namespace"),
            Server = Flag("provider-api"),
            Token = Flag("provider-auth"),
            CaFile = Flag("provider-cafile"),
            TlsVerify = KubernetesSettings.ParseBool(Flag("provider-tlsverify"), "--provider-tlsverify", "give --provider-tlsverify true or false"),
            ForceConflicts = KubernetesSettings.ParseBool(Flag("force-conflicts"), "--force-conflicts") == true,
            ImagePullPolicy = KubernetesSettings.ParseImagePullPolicy(Flag("image-pull-policy")),
            CacheDirectory = Internal.DiscoveryCache.RootFrom(settings.Environment, settings.Home),
        };
        return flags.Over(KubernetesSettings.FromAnswers(settings.General));
    }

    private static IReleaseStore Store(IProvider provider) =>
        new KubernetesSecretReleaseStore(((KubernetesProvider)provider).Connection);

    /// <summary>A kubeconfig or an API server is given, or a kubeconfig is where kubectl looks.</summary>
    private static bool Configured(ProviderSettings settings) =>
        settings.Get("provider-config") is { Length: > 0 }
        || settings.Get("provider-api") is { Length: > 0 }
        || settings.Environment.GetValueOrDefault("KUBECONFIG") is { Length: > 0 }
        || File.Exists(Path.Combine(settings.Home, ".kube", "config"));
}
