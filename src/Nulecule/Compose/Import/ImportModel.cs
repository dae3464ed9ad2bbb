using System.Text.Json.Nodes;

namespace Nulecule.Compose.Import;

/// <summary>What `nulecule import` is asked to do.</summary>
public sealed record ImportOptions
{
    /// <summary>The compose files, merged in order (`-f a -f b`); the first one's directory holds `.env`.</summary>
    public required IReadOnlyList<string> Files { get; init; }

    /// <summary>The app directory to write; it must be missing or empty unless <see cref="Force"/>.</summary>
    public required string Destination { get; init; }

    public bool Force { get; init; }
}

/// <summary>The targets a fidelity item is about.</summary>
public static class ImportTargets
{
    public const string Docker = "docker";
    public const string Swarm = "swarm";
    public const string Kubernetes = "kubernetes";

    public static readonly string[] All = [Docker, Swarm, Kubernetes];
}

/// <summary>
/// One compose key that does not arrive as written on a target: <see cref="Effect"/> is `dropped`
/// (the target does not get it) or `changed` (it gets something that means something else).
/// </summary>
public sealed record FidelityItem(string Target, string Key, string Effect, string Note, SourceLocation? At)
{
    public const string Dropped = "dropped";
    public const string Changed = "changed";
}

/// <summary>A param made of an interpolation variable.</summary>
/// <param name="Type">`string`, `integer`, `number` or `boolean`: how the compose loader types the value where it is used.</param>
/// <param name="Default">Null: no default (the value must be given).</param>
/// <param name="Origin">Where the default came from: `compose` (`:-`/`-`), `.env`, or null.</param>
public sealed record ImportedParam(string Name, string Description, JsonNode? Default, bool Hidden, string Type, string? Origin, IReadOnlyList<string> Services);

public sealed record ImportResult(
    string Destination,
    string Id,
    IReadOnlyList<string> Sources,
    IReadOnlyList<string> Components,
    IReadOnlyList<ImportedParam> Params,
    IReadOnlyList<FidelityItem> Fidelity,
    IReadOnlyList<string> Written);
