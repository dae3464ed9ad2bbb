namespace Nulecule.Kubernetes;

/// <summary>
/// How to reach a cluster and how to apply to it. The CLI fills one from its flags and one from
/// the answers' `[general]` section (<see cref="FromAnswers"/>) and combines them with
/// <see cref="Over"/>: flags win, answers fill the gaps, kubeconfig and defaults come last.
/// </summary>
public sealed record KubernetesSettings
{
    /// <summary>`--kubeconfig` / `provider-config`: an explicit kubeconfig file (no KUBECONFIG merging then).</summary>
    public string? KubeconfigPath { get; init; }

    /// <summary>`--context`: the kubeconfig context to use instead of its current-context.</summary>
    public string? Context { get; init; }

    /// <summary>`--namespace` / `namespace`: the release namespace; else the context's, else `default`.</summary>
    public string? Namespace { get; init; }

    /// <summary>`provider-api`: API server URL; with it the kubeconfig is not read.</summary>
    public string? Server { get; init; }

    /// <summary>`provider-auth`: bearer token for <see cref="Server"/>. A secret: never printed.</summary>
    public string? Token { get; init; }

    /// <summary>`provider-cafile`: PEM file with the CA that signed the API server's certificate.</summary>
    public string? CaFile { get; init; }

    /// <summary>`provider-tlsverify`: TLS verification is on unless this is explicitly false.</summary>
    public bool? TlsVerify { get; init; }

    /// <summary>`--force-conflicts`: take over fields another field manager owns (server-side apply force=true).</summary>
    public bool ForceConflicts { get; init; }

    /// <summary>
    /// `--image-pull-policy` / `image-pull-policy`: `Always`, `IfNotPresent` or `Never`, given to
    /// every container (and initContainer) of the app's pods that sets none. For clusters that
    /// cannot pull the artifacts' `:latest` images (which the kubelet would otherwise always pull).
    /// Null: untouched. As a `[general]` value it is stored with the release, so upgrade and
    /// rollback keep it.
    /// </summary>
    public string? ImagePullPolicy { get; init; }

    /// <summary>
    /// Where API discovery documents are kept between commands (`NULECULE_CACHE_DIR`, else
    /// `$XDG_CACHE_HOME/nulecule`, else `~/.cache/nulecule`); null: asked of the server every time.
    /// </summary>
    public string? CacheDirectory { get; init; }

    /// <summary>Answers keys of the `[general]` section this provider reads.</summary>
    public static IReadOnlyList<string> AnswerKeys { get; } =
        ["namespace", "provider-config", "provider-api", "provider-auth", "provider-cafile", "provider-tlsverify", "provider-context", "image-pull-policy"];

    /// <summary>Settings from the answers' `[general]` section (Atomic App's keys).</summary>
    public static KubernetesSettings FromAnswers(IReadOnlyDictionary<string, string> general)
    {
        string? Get(string key) => general.TryGetValue(key, out var v) && !string.IsNullOrWhiteSpace(v) ? v.Trim() : null;
        return new KubernetesSettings
        {
            KubeconfigPath = Get("provider-config"),
            Context = Get("provider-context"),
            Namespace = Get("namespace"),
            Server = Get("provider-api"),
            Token = Get("provider-auth"),
            CaFile = Get("provider-cafile"),
            TlsVerify = ParseBool(Get("provider-tlsverify"), "provider-tlsverify"),
            ImagePullPolicy = ParseImagePullPolicy(Get("image-pull-policy"), "image-pull-policy"),
        };
    }

    /// <summary>These settings where set, <paramref name="lower"/> where not (flags over answers).</summary>
    public KubernetesSettings Over(KubernetesSettings lower) => new()
    {
        KubeconfigPath = KubeconfigPath ?? lower.KubeconfigPath,
        Context = Context ?? lower.Context,
        Namespace = Namespace ?? lower.Namespace,
        Server = Server ?? lower.Server,
        Token = Token ?? lower.Token,
        CaFile = CaFile ?? lower.CaFile,
        TlsVerify = TlsVerify ?? lower.TlsVerify,
        ForceConflicts = ForceConflicts || lower.ForceConflicts,
        ImagePullPolicy = ImagePullPolicy ?? lower.ImagePullPolicy,
        CacheDirectory = CacheDirectory ?? lower.CacheDirectory,
    };

    /// <summary>The pull policies Kubernetes knows, spelled as the API wants them.</summary>
    public static IReadOnlyList<string> ImagePullPolicies { get; } = ["Always", "IfNotPresent", "Never"];

    /// <summary>A pull policy in any letter case, spelled as the API wants it; null stays null.</summary>
    public static string? ParseImagePullPolicy(string? text, string source = "--image-pull-policy")
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        return ImagePullPolicies.FirstOrDefault(p => string.Equals(p, text.Trim(), StringComparison.OrdinalIgnoreCase))
            ?? throw new NuleculeException($"{source} must be Always, IfNotPresent or Never, not '{text}'",
                hint: "Never or IfNotPresent (with a tag other than latest) use only images already on the node");
    }

    internal static bool? ParseBool(string? text, string key, string hint = "set it in the [general] section of the answers")
    {
        if (text is null)
        {
            return null;
        }

        return text.ToLowerInvariant() switch
        {
            "true" or "yes" or "1" or "on" => true,
            "false" or "no" or "0" or "off" => false,
            _ => throw new NuleculeException($"{key} must be true or false, not '{text}'", hint: hint),
        };
    }
}
