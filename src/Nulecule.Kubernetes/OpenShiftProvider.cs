using System.Text.Json.Nodes;
using Nulecule.Answers;
using Nulecule.Kubernetes.Internal;
using Nulecule.Kubernetes.OpenShift;
using Nulecule.Templating;

namespace Nulecule.Kubernetes;

/// <summary>
/// The `openshift` provider: the Kubernetes engine, plus client-side processing of Templates.
/// The OpenShift kinds (DeploymentConfig, Route, ImageStream, BuildConfig, Project) need nothing
/// special: discovery resolves them like any kind. DeploymentConfigs are waited for and scaled.
/// </summary>
public sealed class OpenShiftProvider : KubernetesProvider
{
    public OpenShiftProvider(KubernetesSettings settings)
        : base(settings)
    {
    }

    internal OpenShiftProvider(KubernetesSettings settings, Connections connections)
        : base(settings, connections)
    {
    }

    public override string Name => "openshift";

    internal override IReadOnlySet<string> ScalableKinds { get; } =
        new HashSet<string>(StringComparer.Ordinal) { "Deployment", "ReplicationController", "ReplicaSet", "StatefulSet", "DeploymentConfig" };

    internal override IEnumerable<JsonObject> Expand(string component, RenderedArtifact artifact, JsonObject document, ResolvedValues values) =>
        TemplateProcessor.IsTemplate(document)
            ? TemplateProcessor.Process(document, values.ContextFor(component), $"component {component}: {artifact.Source}")
            : [document];
}
