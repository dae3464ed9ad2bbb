namespace Nulecule.Templating;

/// <summary>A rendered artifact plus which references were (not) resolved, for warnings.</summary>
public sealed record ArtifactRendering(
    RenderedArtifact Artifact,
    IReadOnlyList<string> Used,
    IReadOnlyList<string> Unresolved);
