using System.Text.Json.Nodes;

namespace Nulecule.Kubernetes.Internal;

/// <summary>One object to apply: the labelled body and where it came from.</summary>
internal sealed record PlannedObject(string Component, string Source, JsonObject Body)
{
    public string ApiVersion => (string?)Body["apiVersion"] ?? "";

    public string Kind => (string?)Body["kind"] ?? "";

    public string Name => (string?)Body["metadata"]?["name"] ?? "";

    /// <summary>metadata.namespace as the artifact wrote it (never forced).</summary>
    public string? Namespace => (string?)Body["metadata"]?["namespace"];

    /// <summary>A PVC made from a persistentVolume requirement (kept by stop unless asked).</summary>
    public bool IsVolumeRequirement { get; init; }

    public string Describe => $"{Kind} {Name}";
}
