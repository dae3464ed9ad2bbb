namespace Nulecule.Answers;

/// <summary>
/// Everything that can give a param a value, for <see cref="ParamResolver"/>. Highest precedence
/// first: the command line (<see cref="Settings"/> and <see cref="Overrides"/>), the
/// <see cref="Environment"/>, the answers <see cref="File"/>, the param's default, and last
/// <see cref="Prompt"/> for a required param nothing answered.
/// </summary>
public sealed record AnswerSources
{
    /// <summary>The answers file (<c>--answers</c>), if any.</summary>
    public AnswersFile? File { get; init; }

    /// <summary>The process environment, or any other map: only <c>NULECULE_PARAM_*</c> is read (see <see cref="EnvironmentAnswers"/>).</summary>
    public IReadOnlyDictionary<string, string> Environment { get; init; } = new Dictionary<string, string>();

    /// <summary><c>--set</c> overrides in command-line order; a later one for the same param wins.</summary>
    public IReadOnlyList<SetOverride> Overrides { get; init; } = [];

    /// <summary>
    /// <c>[general]</c> settings given by command-line flags (<c>--provider</c>, <c>--namespace</c>,
    /// <c>--provider-config</c> ...), keyed by <see cref="GeneralSettings"/> name. They outrank <c>--set</c>
    /// of the same key. A null value means the flag was not given.
    /// </summary>
    public IReadOnlyDictionary<string, string?> Settings { get; init; } = new Dictionary<string, string?>();

    /// <summary>
    /// Asked for a required param no source answered (the CLI sets it when stdin is a terminal and
    /// prompting is allowed). Return the text typed (typed like an INI value) or null to give up,
    /// which reports the param as missing. The answer is checked against the constraints like any
    /// other value; it counts as a command-line value.
    /// </summary>
    public Func<PromptRequest, string?>? Prompt { get; init; }

    /// <summary>What a required param nothing answered gets (default: it is an error).</summary>
    public MissingValues Missing { get; init; } = MissingValues.Error;

    /// <summary>
    /// What a <c>--set</c> naming no param gets: a warning (rendering, <c>params</c>) or an error
    /// (deploying, unless <c>--allow-unknown</c>). Answers files and the environment always warn.
    /// </summary>
    public UnknownNames UnknownOverrides { get; init; } = UnknownNames.Warn;
}

/// <summary>How <see cref="ParamResolver"/> treats a command-line value for a param the app does not have.</summary>
public enum UnknownNames
{
    Warn,
    Error,
}

/// <summary>How <see cref="ParamResolver"/> treats a required param that no source answers.</summary>
public enum MissingValues
{
    /// <summary>An error naming the scope, the param and how to supply it (deploying, rendering).</summary>
    Error,

    /// <summary>No value and no error (<c>params</c> lists it as missing).</summary>
    Leave,

    /// <summary>A stand-in of the param's type, not checked against constraints (<c>validate</c> renders with it).</summary>
    Placeholder,
}
