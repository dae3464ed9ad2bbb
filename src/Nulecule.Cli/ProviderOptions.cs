using System.CommandLine;
using Nulecule.Kubernetes;
using Nulecule.Providers;

namespace Nulecule.Cli;

/// <summary>
/// The flags that say where to deploy, shared by every engine verb, and the one place that turns
/// a provider name into an <see cref="IProvider"/>. Flags win over the answers' `[general]` keys.
/// </summary>
internal sealed class ProviderOptions
{
    public Option<string?> Namespace { get; } = new("--namespace", "-n") { Description = "Kubernetes/OpenShift namespace. Default: answers `namespace`, else the kubeconfig context's, else default." };
    public Option<string?> Kubeconfig { get; } = new("--kubeconfig", "--provider-config") { Description = "Kubeconfig file (Atomic App's provider-config). Default: KUBECONFIG, else ~/.kube/config, else in-cluster." };
    public Option<string?> Context { get; } = new("--context") { Description = "Kubeconfig context to use." };
    public Option<string?> Api { get; } = new("--provider-api") { Description = "API server URL (with --provider-auth, instead of a kubeconfig)." };
    public Option<string?> Auth { get; } = new("--provider-auth") { Description = "Bearer token for --provider-api. Never printed." };
    public Option<string?> CaFile { get; } = new("--provider-cafile") { Description = "CA certificate file for --provider-api." };
    public Option<string?> TlsVerify { get; } = new("--provider-tlsverify") { Description = "true (default) or false: verify the API server's certificate." };
    public Option<bool> ForceConflicts { get; } = new("--force-conflicts") { Description = "Kubernetes: take over fields another manager owns instead of failing." };

    /// <summary>Only on `run` and `upgrade` (see <see cref="AddRunOptionsTo"/>); kept with the release as `[general] image-pull-policy`.</summary>
    public Option<string?> ImagePullPolicy { get; } = new("--image-pull-policy")
    {
        Description = "Kubernetes/OpenShift: Always, IfNotPresent or Never, for every container that sets no imagePullPolicy (Never: use only images already on the node).",
        HelpName = "POLICY",
    };

    public void AddTo(Command command)
    {
        foreach (var option in new Option[] { Namespace, Kubeconfig, Context, Api, Auth, CaFile, TlsVerify, ForceConflicts })
        {
            command.Options.Add(option);
        }
    }

    /// <summary>The flags only the verbs that render and deploy an app have, on top of <see cref="AddTo"/>.</summary>
    public void AddRunOptionsTo(Command command) => command.Options.Add(ImagePullPolicy);

    /// <summary>`[general]` settings given by flags, for the answers resolver (flags outrank the file).</summary>
    public IReadOnlyDictionary<string, string?> Settings(ParseResult parse) => new Dictionary<string, string?>
    {
        ["namespace"] = parse.GetValue(Namespace),
        ["provider-config"] = parse.GetValue(Kubeconfig),
        ["provider-api"] = parse.GetValue(Api),
        ["provider-auth"] = parse.GetValue(Auth),
        ["provider-cafile"] = parse.GetValue(CaFile),
        ["provider-tlsverify"] = parse.GetValue(TlsVerify),
        ["image-pull-policy"] = KubernetesSettings.ParseImagePullPolicy(RunValue(parse, ImagePullPolicy)),
    };

    /// <summary>The value of an option only `run`/`upgrade` have; null on the other verbs.</summary>
    private static string? RunValue(ParseResult parse, Option<string?> option) =>
        parse.CommandResult.Command.Options.Contains(option) ? parse.GetValue(option) : null;

    /// <summary>What a provider is configured from: flags over <paramref name="general"/> (the answers' or a revision's [general]).</summary>
    public ProviderSettings SettingsFor(ParseResult parse, IReadOnlyDictionary<string, string> general, IReadOnlyDictionary<string, string> environment)
    {
        var flags = new Dictionary<string, string?>(Settings(parse))
        {
            ["provider-context"] = parse.GetValue(Context),
            ["force-conflicts"] = parse.GetValue(ForceConflicts) ? "true" : null,
        };
        return new ProviderSettings(flags, general, environment);
    }

    /// <summary>
    /// The provider, configured from flags over <paramref name="general"/> (the answers' [general]),
    /// sharing its connection with <paramref name="beside"/> (made earlier in the command) where it can.
    /// </summary>
    public IProvider Create(string provider, ParseResult parse, IReadOnlyDictionary<string, string> general, IReadOnlyDictionary<string, string> environment, IProvider? beside = null) =>
        Engines.Registry.Create(provider, SettingsFor(parse, general, environment), beside);
}
