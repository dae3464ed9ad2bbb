using System.Text.Json.Nodes;

namespace Nulecule.Templating;

/// <summary>A textually substituted artifact; <see cref="Documents"/> when it had to parse as JSON/YAML.</summary>
public sealed record TextRenderResult(
    string Text,
    IReadOnlyList<JsonNode> Documents,
    IReadOnlyList<string> Used,
    IReadOnlyList<string> Unresolved);
