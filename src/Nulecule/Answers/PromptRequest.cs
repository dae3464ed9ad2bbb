using Nulecule.Spec;

namespace Nulecule.Answers;

/// <summary>What a prompt needs to ask for a required param that no source answered.</summary>
public sealed record PromptRequest(string Scope, string Name, string? Description, bool Hidden, IReadOnlyList<Constraint> Constraints);
