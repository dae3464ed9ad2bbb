namespace Nulecule.Templating;

/// <summary>A rendered artifact plus which references were (not) resolved, for warnings.</summary>
public sealed record ArtifactRendering(
    RenderedArtifact Artifact,
    IReadOnlyList<string> Used,
    IReadOnlyList<string> Unresolved)
{
    /// <summary>A compose artifact's services that the active profiles leave out (it may then deploy nothing, on purpose).</summary>
    public IReadOnlyCollection<string> InactiveServices { get; init; } = [];
}
