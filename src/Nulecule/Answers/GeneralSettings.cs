namespace Nulecule.Answers;

/// <summary>
/// The <c>[general]</c> keys that configure the deployment rather than fill a param. They follow
/// the same precedence as params and end up in <see cref="ResolvedValues.General"/>.
/// </summary>
public static class GeneralSettings
{
    public const string Provider = "provider";
    public const string Namespace = "namespace";
    public const string ProviderConfig = "provider-config";
    public const string ProviderApi = "provider-api";
    public const string ProviderAuth = "provider-auth";
    public const string ProviderCaFile = "provider-cafile";
    public const string ProviderTlsVerify = "provider-tlsverify";

    /// <summary>Kubernetes/OpenShift: the imagePullPolicy for containers that set none (kept with the release).</summary>
    public const string ImagePullPolicy = "image-pull-policy";

    public static IReadOnlyList<string> All { get; } =
        [Provider, Namespace, ProviderConfig, ProviderApi, ProviderAuth, ProviderCaFile, ProviderTlsVerify, ImagePullPolicy];

    /// <summary>Settings that may hold a credential and are treated like a hidden param's value.</summary>
    public static IReadOnlyList<string> Secret { get; } = [ProviderAuth];

    public static bool IsSetting(string key) => All.Contains(key, StringComparer.Ordinal);
}
