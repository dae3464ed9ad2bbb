using System.Globalization;
using System.Text.Json.Nodes;

namespace Nulecule.Kubernetes.Internal;

/// <summary>
/// An object as the server holds it, with the resource it was found through. What a run applied
/// and what its prune found carry their metadata alone (<see cref="Answer.Metadata"/>); what
/// `status` and `stop` list, the whole object.
/// </summary>
internal sealed record LiveObject(ApiResource Resource, JsonObject Body)
{
    public string Kind => Resource.Kind;

    public string Name => (string?)Body["metadata"]?["name"] ?? "";

    public string? Namespace => Resource.Namespaced ? (string?)Body["metadata"]?["namespace"] : null;

    public string Path => Resource.ObjectPath(Namespace, Name);

    public string Display => Namespace is null ? $"{Kind} {Name}" : $"{Kind} {Namespace}/{Name}";

    public string? Label(string key) => (string?)Body["metadata"]?["labels"]?[key];

    public string? Annotation(string key) => (string?)Body["metadata"]?["annotations"]?[key];

    public string Component => Annotation(ManifestPlanner.ComponentAnnotation) ?? Label(Nulecule.Providers.Labels.Component) ?? "";

    public int Order => int.TryParse(Annotation(ManifestPlanner.OrderAnnotation), NumberStyles.Integer, CultureInfo.InvariantCulture, out var order) ? order : 0;
}
