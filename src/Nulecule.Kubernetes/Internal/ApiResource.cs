namespace Nulecule.Kubernetes.Internal;

/// <summary>One kind as the API server serves it (from discovery): its plural path name and scope.</summary>
internal sealed record ApiResource(string Group, string Version, string Kind, string Plural, bool Namespaced, IReadOnlyList<string> Verbs, bool HasScale)
{
    public string ApiVersion => Group.Length == 0 ? Version : $"{Group}/{Version}";

    public string CollectionPath(string? ns)
    {
        var root = Group.Length == 0 ? $"/api/{Version}" : $"/apis/{Group}/{Version}";
        return Namespaced ? $"{root}/namespaces/{Uri.EscapeDataString(ns ?? "default")}/{Plural}" : $"{root}/{Plural}";
    }

    public string ObjectPath(string? ns, string name) => $"{CollectionPath(ns)}/{Uri.EscapeDataString(name)}";

    /// <summary>`apps/v1 deployments`, as operations are listed in dry runs and messages.</summary>
    public string Display => $"{ApiVersion} {Plural}";
}
