using System.Security.Cryptography.X509Certificates;
using k8s;
using k8s.Exceptions;
using k8s.KubeConfigModels;
using Nulecule.Kubernetes.Internal;

namespace Nulecule.Kubernetes;

/// <summary>
/// A resolved way to talk to one cluster, found like kubectl finds it: settings from flags and
/// answers first, then the KUBECONFIG list (merged, the first file wins per key), then
/// ~/.kube/config, then the in-cluster service account.
/// </summary>
public sealed class KubernetesConnection : IDisposable
{
    private const string ServiceAccountDir = "/var/run/secrets/kubernetes.io/serviceaccount";
    private k8s.Kubernetes? _client;
    private KubeApi? _api;

    private KubernetesConnection(KubernetesClientConfiguration configuration, string ns, string source, string? context)
    {
        Configuration = configuration;
        Namespace = ns;
        Source = source;
        Context = context;
    }

    /// <summary>The release namespace: settings, else the context's namespace, else `default`.</summary>
    public string Namespace { get; }

    /// <summary>Where the connection came from, for messages (`kubeconfig /x (context y)`).</summary>
    public string Source { get; }

    /// <summary>The kubeconfig context used, when one was.</summary>
    public string? Context { get; }

    /// <summary>The API server URL.</summary>
    public string Server => Configuration.Host;

    /// <summary>`server/namespace`: what a release is deployed to.</summary>
    public string Target => $"{Server.TrimEnd('/')}/{Namespace}";

    internal KubernetesClientConfiguration Configuration { get; }

    /// <summary>What to check when the server's certificate is refused: where its authority comes from.</summary>
    private string TlsHint => Configuration.SslCaCerts is { Count: > 0 }
        ? $"the server's certificate is checked against the certificate authority of {Source} alone (as kubectl does): fix certificate-authority(-data) there or provider-cafile, or set provider-tlsverify false to skip the check"
        : $"{Source} names no certificate authority, so the server's certificate must be signed by one the system trusts: add certificate-authority-data (or provider-cafile), or set provider-tlsverify false to skip the check";

    internal KubeApi Api
    {
        get
        {
            if (_api is null)
            {
                // Streams (logs --follow, watches) must not be cut by the client-wide timeout;
                // every other call carries its own deadline.
                Configuration.HttpClientTimeout = Timeout.InfiniteTimeSpan;
                SystemTrustStore.SkipLoadingIf(SystemTrustStore.Unneeded(
                    Server, Configuration.SkipTlsVerify, Configuration.SslCaCerts is { Count: > 0 }));
                // Every call is timed for `-v` (method, path, status; never a body or a header).
                _client = new k8s.Kubernetes(Configuration, new Nulecule.Providers.EngineCallHandler("kubernetes"));
                _api = new KubeApi(_client, TlsHint);
            }

            return _api;
        }
    }

    /// <summary>The client itself, for what is not plain REST (exec's WebSocket).</summary>
    internal k8s.Kubernetes Client
    {
        get
        {
            _ = Api;
            return _client!;
        }
    }

    /// <summary>Resolves the connection from the process environment.</summary>
    public static KubernetesConnection Resolve(KubernetesSettings settings) =>
        Resolve(settings, Environment.GetEnvironmentVariable, Environment.GetFolderPath(Environment.SpecialFolder.UserProfile));

    /// <summary>Resolves the connection; <paramref name="getEnv"/> and <paramref name="home"/> make it testable.</summary>
    public static KubernetesConnection Resolve(KubernetesSettings settings, Func<string, string?> getEnv, string? home)
    {
        var connection = ResolveServer(settings, getEnv, home);
        connection.CacheRoot = settings.CacheDirectory;
        return connection;
    }

    /// <summary>Where API discovery documents are kept between commands (null: not kept).</summary>
    internal string? CacheRoot { get; private set; }

    /// <summary>Discovery for one operation, with the documents kept on disk when <see cref="CacheRoot"/> is set.</summary>
    internal Discovery NewDiscovery() => new(Api, CacheRoot is null ? null : new DiscoveryCache(CacheRoot, Server));

    private static KubernetesConnection ResolveServer(KubernetesSettings settings, Func<string, string?> getEnv, string? home)
    {
        if (settings.Server is not null)
        {
            return FromApi(settings);
        }

        if (settings.KubeconfigPath is not null)
        {
            var path = Path.GetFullPath(ExpandHome(settings.KubeconfigPath, home));
            if (!File.Exists(path))
            {
                throw new NuleculeException($"kubeconfig file '{path}' does not exist", hint: "check --kubeconfig or provider-config");
            }

            return FromKubeconfig([path], settings, $"kubeconfig {path}");
        }

        var list = getEnv("KUBECONFIG");
        if (!string.IsNullOrWhiteSpace(list))
        {
            var files = list.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .Select(f => Path.GetFullPath(ExpandHome(f, home))).Distinct(StringComparer.Ordinal).ToList();
            var existing = files.Where(File.Exists).ToList();
            if (existing.Count == 0)
            {
                throw new NuleculeException($"none of the files in KUBECONFIG exist: {string.Join(", ", files)}", hint: "fix KUBECONFIG or pass --kubeconfig");
            }

            return FromKubeconfig(existing, settings, $"KUBECONFIG {string.Join(Path.PathSeparator, existing)}");
        }

        if (home is not null)
        {
            var fallback = Path.Combine(home, ".kube", "config");
            if (File.Exists(fallback))
            {
                return FromKubeconfig([fallback], settings, $"kubeconfig {fallback}");
            }
        }

        if (!string.IsNullOrEmpty(getEnv("KUBERNETES_SERVICE_HOST")) && !string.IsNullOrEmpty(getEnv("KUBERNETES_SERVICE_PORT"))
            && File.Exists(Path.Combine(ServiceAccountDir, "token")))
        {
            var config = KubernetesClientConfiguration.InClusterConfig();
            ApplyTls(config, settings);
            return new KubernetesConnection(config, settings.Namespace ?? NonEmpty(config.Namespace) ?? "default", "in-cluster service account", null);
        }

        throw new NuleculeException(
            "no Kubernetes cluster is configured",
            hint: "pass --kubeconfig, set KUBECONFIG, create ~/.kube/config, or set provider-api and provider-auth in the answers");
    }

    /// <summary>The API server's version as `kubectl version` shows it (`v1.20.15`), from GET /version.</summary>
    public async Task<string?> ServerVersionAsync(CancellationToken cancellationToken) =>
        (await Api.GetAsync("/version", cancellationToken))?["gitVersion"]?.GetValue<string>();

    public void Dispose() => _client?.Dispose();

    private static KubernetesConnection FromApi(KubernetesSettings settings)
    {
        if (!Uri.TryCreate(settings.Server, UriKind.Absolute, out var uri) || (uri.Scheme != "https" && uri.Scheme != "http"))
        {
            throw new NuleculeException($"provider-api '{settings.Server}' is not an http(s) URL", hint: "for example https://api.example.com:6443");
        }

        var config = new KubernetesClientConfiguration { Host = settings.Server, AccessToken = settings.Token };
        ApplyTls(config, settings);
        return new KubernetesConnection(config, settings.Namespace ?? "default", $"provider-api {settings.Server}", null);
    }

    private static KubernetesConnection FromKubeconfig(IReadOnlyList<string> files, KubernetesSettings settings, string source)
    {
        KubernetesClientConfiguration config;
        try
        {
            var merged = Merge(files.Select(f => KubernetesClientConfiguration.LoadKubeConfig(new FileInfo(f), useRelativePaths: true)).ToList());
            config = KubernetesClientConfiguration.BuildConfigFromConfigObject(merged, settings.Context);
            var context = settings.Context ?? merged.CurrentContext;
            if (config.SkipTlsVerify && config.SslCaCerts is { Count: > 0 })
            {
                // kubectl's rule (client-go's transport): a cluster entry that skips verification
                // must not also name an authority.
                var cluster = merged.Contexts.FirstOrDefault(c => c.Name == context)?.ContextDetails?.Cluster;
                throw new NuleculeException(
                    $"cluster '{cluster}' of {source} sets both insecure-skip-tls-verify and a certificate authority (kubectl refuses this too)",
                    hint: "remove insecure-skip-tls-verify to verify the server against that authority, or remove certificate-authority(-data) to skip the check");
            }

            ApplyTls(config, settings);
            return new KubernetesConnection(config, settings.Namespace ?? NonEmpty(config.Namespace) ?? "default", context is null ? source : $"{source} (context {context})", context);
        }
        catch (KubeConfigException e)
        {
            throw new NuleculeException($"cannot use {source}: {e.Message}", hint: settings.Context is null ? "check its current-context" : "check --context");
        }
    }

    /// <summary>kubectl's rule for the KUBECONFIG list: the first file that sets a key wins.</summary>
    private static K8SConfiguration Merge(IReadOnlyList<K8SConfiguration> configs)
    {
        var merged = new K8SConfiguration
        {
            ApiVersion = "v1",
            Kind = "Config",
            CurrentContext = configs.Select(c => c.CurrentContext).FirstOrDefault(c => !string.IsNullOrEmpty(c)),
            Contexts = [],
            Clusters = [],
            Users = [],
            FileName = configs[0].FileName,
        };
        foreach (var config in configs)
        {
            merged.Contexts = merged.Contexts.Concat((config.Contexts ?? []).Where(c => merged.Contexts.All(m => m.Name != c.Name))).ToList();
            merged.Clusters = merged.Clusters.Concat((config.Clusters ?? []).Where(c => merged.Clusters.All(m => m.Name != c.Name))).ToList();
            merged.Users = merged.Users.Concat((config.Users ?? []).Where(c => merged.Users.All(m => m.Name != c.Name))).ToList();
        }

        return merged;
    }

    private static void ApplyTls(KubernetesClientConfiguration config, KubernetesSettings settings)
    {
        if (settings.TlsVerify == false)
        {
            config.SkipTlsVerify = true;
        }

        if (settings.CaFile is not null)
        {
            if (!File.Exists(settings.CaFile))
            {
                throw new NuleculeException($"provider-cafile '{settings.CaFile}' does not exist", hint: "give the path of a PEM CA certificate");
            }

            var certificates = new X509Certificate2Collection();
            certificates.ImportFromPemFile(settings.CaFile);
            config.SslCaCerts = certificates;
        }
    }

    private static string ExpandHome(string path, string? home) =>
        home is not null && (path == "~" || path.StartsWith("~/", StringComparison.Ordinal)) ? home + path[1..] : path;

    private static string? NonEmpty(string? s) => string.IsNullOrEmpty(s) ? null : s;
}
