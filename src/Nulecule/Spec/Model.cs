namespace Nulecule.Spec;

/// <summary>The YAML type a scalar had where it was written, kept so `80` renders as an integer.</summary>
public enum ScalarKind
{
    String,
    Integer,
    Float,
    Boolean,
    Null,
}

/// <summary>A typed scalar value (a param default, an answer, a substituted value).</summary>
public sealed record Scalar(string Text, ScalarKind Kind)
{
    public static Scalar String(string text) => new(text, ScalarKind.String);

    public bool IsNull => Kind == ScalarKind.Null;

    public override string ToString() => Text;
}

/// <summary>A Nulecule application loaded from a directory (its `Nulecule` file).</summary>
public sealed record Application
{
    public required string Id { get; init; }
    public required string SpecVersion { get; init; }
    public Metadata Metadata { get; init; } = new();
    public IReadOnlyList<Param> Params { get; init; } = [];
    public IReadOnlyList<Component> Graph { get; init; } = [];
    public IReadOnlyList<Requirement> Requirements { get; init; } = [];

    /// <summary>Absolute path of the application directory.</summary>
    public required string Directory { get; init; }

    /// <summary>Absolute path of the Nulecule file.</summary>
    public required string File { get; init; }

    public SourceLocation Location { get; init; } = new("", 0, 0);

    /// <summary>The artifact paths the loader resolved on disk (<see cref="SemanticChecks"/>), so reading them walks each path once.</summary>
    internal ResolvedArtifactPaths? ResolvedPaths { get; init; }

    /// <summary>Provider keys the app has artifacts for, in order of first appearance.</summary>
    public IReadOnlyList<string> Providers =>
        Graph.SelectMany(c => c.Artifacts.Keys).Distinct(StringComparer.Ordinal).ToList();
}

public sealed record Metadata
{
    public string? Name { get; init; }
    public string? AppVersion { get; init; }
    public string? Description { get; init; }
    public IReadOnlyList<License> Licenses { get; init; } = [];

    /// <summary>Keys beyond the documented ones (e.g. `location`), as text.</summary>
    public IReadOnlyDictionary<string, string> Extra { get; init; } = new Dictionary<string, string>();
}

public sealed record License(string? Name, string? Url);

public sealed record Param
{
    public required string Name { get; init; }
    public string? Description { get; init; }

    /// <summary>The default, or null when the param has none (`None`/`null` count as none).</summary>
    public Scalar? Default { get; init; }

    public IReadOnlyList<Constraint> Constraints { get; init; } = [];
    public bool Hidden { get; init; }
    public required SourceLocation Location { get; init; }
}

public sealed record Constraint(string AllowedPattern, string? Description, SourceLocation Location)
{
    /// <summary>How long the backtracking engine may try one value (only for patterns the linear engine cannot run).</summary>
    public static readonly TimeSpan MatchTimeout = TimeSpan.FromSeconds(1);

    private System.Text.RegularExpressions.Regex? _regex;

    /// <summary>
    /// True when the pattern matches the whole value. Patterns run on the non-backtracking engine
    /// (time linear in the value: `(a+)+b` cannot explode); the few it refuses (back-references,
    /// look-arounds) run on the backtracking one under <see cref="MatchTimeout"/>, and a timeout is
    /// an error located at the constraint.
    /// </summary>
    public bool Allows(string value)
    {
        _regex ??= Compile();
        try
        {
            return _regex.IsMatch(value);
        }
        catch (System.Text.RegularExpressions.RegexMatchTimeoutException)
        {
            throw new NuleculeException($"the constraint's allowed_pattern took longer than {MatchTimeout.TotalSeconds:0} s to match a value (catastrophic backtracking)", Location,
                "simplify the pattern: avoid nested repetition such as (a+)+ together with back-references or look-arounds");
        }
    }

    private System.Text.RegularExpressions.Regex Compile()
    {
        var whole = $"^(?:{AllowedPattern})$";
        try
        {
            return new System.Text.RegularExpressions.Regex(whole,
                System.Text.RegularExpressions.RegexOptions.CultureInvariant | System.Text.RegularExpressions.RegexOptions.NonBacktracking, MatchTimeout);
        }
        catch (NotSupportedException)
        {
            return new System.Text.RegularExpressions.Regex(whole, System.Text.RegularExpressions.RegexOptions.CultureInvariant, MatchTimeout);
        }
    }
}

/// <summary>A graph item: either a nested application (<see cref="Source"/>) or local artifacts.</summary>
public sealed record Component
{
    public required string Name { get; init; }

    /// <summary>`docker://IMAGE` for a nested application; it wins over params/artifacts.</summary>
    public string? Source { get; init; }

    public IReadOnlyList<Param> Params { get; init; } = [];

    /// <summary>Provider key to artifact entries, in file order.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<ArtifactEntry>> Artifacts { get; init; } =
        new Dictionary<string, IReadOnlyList<ArtifactEntry>>();

    public required SourceLocation Location { get; init; }

    public bool IsNested => Source is not null;
}

/// <summary>One item of a component's artifact list for one provider.</summary>
public abstract record ArtifactEntry(SourceLocation Location);

/// <summary>`file://relative`, `file:relative`, `file:///absolute`, `http(s)://...`.</summary>
public sealed record PathArtifact(string Reference, SourceLocation Location) : ArtifactEntry(Location);

/// <summary>`{inherit: [provider, ...]}`: the same component's artifacts of other providers.</summary>
public sealed record InheritArtifact(IReadOnlyList<string> Providers, SourceLocation Location) : ArtifactEntry(Location);

/// <summary>`{source, path, type: git, branch, tag}`: artifacts kept in a repository.</summary>
public sealed record RepositoryArtifact(string Source, string? Path, string Type, string? Branch, string? Tag, SourceLocation Location)
    : ArtifactEntry(Location);

/// <summary>`{resource: file://..., params: {name: [/json/pointer, ...]}}`.</summary>
public sealed record PointerArtifact(string Resource, IReadOnlyDictionary<string, IReadOnlyList<string>> Pointers, SourceLocation Location)
    : ArtifactEntry(Location);

public abstract record Requirement(SourceLocation Location);

/// <summary>A persistent volume the app needs. <see cref="Size"/> is a Kubernetes quantity (`4Gi`).</summary>
public sealed record PersistentVolumeRequirement(string Name, string AccessMode, string Size, SourceLocation Location)
    : Requirement(Location)
{
    /// <summary>The Kubernetes access mode (`ReadWriteOnce`, `ReadOnlyMany`, `ReadWriteMany`).</summary>
    public string KubernetesAccessMode => AccessMode switch
    {
        "ReadWrite" => "ReadWriteOnce",
        "ReadOnly" => "ReadOnlyMany",
        _ => AccessMode,
    };
}
