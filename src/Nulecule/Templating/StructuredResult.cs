using System.Text.Json.Nodes;

namespace Nulecule.Templating;

/// <summary>Parsed, substituted documents of one artifact, and which references were (not) resolved.</summary>
public sealed record StructuredResult(
    IReadOnlyList<JsonNode> Documents,
    IReadOnlyList<string> Used,
    IReadOnlyList<string> Unresolved);
