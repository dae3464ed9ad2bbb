namespace Nulecule.Templating;

/// <summary>The commands of a docker artifact, and which references were (not) resolved.</summary>
public sealed record DockerRunResult(
    IReadOnlyList<DockerRunCommand> Commands,
    IReadOnlyList<string> Used,
    IReadOnlyList<string> Unresolved);
