namespace Nulecule;

/// <summary>A place in a file, 1-based, as editors and compilers print it.</summary>
public sealed record SourceLocation(string File, int Line, int Column)
{
    public override string ToString() => Line > 0 ? $"{File}:{Line}:{Column}" : File;
}

public enum Severity
{
    Error,
    Warning,
}

/// <summary>
/// Something the user can act on: what is wrong, where (a file position, or a component/param
/// path), and, when we know it, what to do about it.
/// </summary>
public sealed record Diagnostic(Severity Severity, string Message, SourceLocation? Location = null, string? Hint = null, string? Subject = null)
{
    public static Diagnostic Error(string message, SourceLocation? at = null, string? hint = null) => new(Severity.Error, message, at, hint);

    public static Diagnostic Warning(string message, SourceLocation? at = null, string? hint = null) => new(Severity.Warning, message, at, hint);

    public bool IsError => Severity == Severity.Error;

    public override string ToString() => Format(IsError ? "error: " : "warning: ");

    /// <summary>Where, what and the hint without the "error:" word, for a line that has its own prefix.</summary>
    public string Describe() => Format("");

    private string Format(string kind)
    {
        var where = Location?.ToString() ?? Subject;
        var head = where is null ? "" : where + ": ";
        return Hint is null ? $"{head}{kind}{Message}" : $"{head}{kind}{Message} ({Hint})";
    }
}

/// <summary>Thrown when input is invalid: carries every diagnostic found, so the CLI exits 2.</summary>
public sealed class NuleculeException : Exception
{
    public NuleculeException(IReadOnlyList<Diagnostic> diagnostics)
        : base(string.Join(Environment.NewLine, diagnostics.Where(d => d.IsError).Select(d => d.ToString())))
    {
        Diagnostics = diagnostics;
    }

    public NuleculeException(Diagnostic diagnostic)
        : this([diagnostic])
    {
    }

    public NuleculeException(string message, SourceLocation? at = null, string? hint = null)
        : this(Diagnostic.Error(message, at, hint))
    {
    }

    public IReadOnlyList<Diagnostic> Diagnostics { get; }
}

/// <summary>
/// A verb names a release that has no record (and, where the verb looks, nothing deployed): the
/// CLI's exit code 4, the same for stop, status, logs, history and rollback.
/// </summary>
public sealed class ReleaseNotFoundException(string release, string message) : Exception(message)
{
    public string Release { get; } = release;

    /// <summary>`release 'R' not found in WHERE (see `nulecule list`)`.</summary>
    public static ReleaseNotFoundException In(string release, string location) =>
        new(release, $"release '{release}' not found in {location} (see `nulecule list`)");
}

/// <summary>Thrown when an engine operation fails (exit code 1, as opposed to invalid input).</summary>
public sealed class OperationFailedException : Exception
{
    public OperationFailedException(string message, Exception? inner = null)
        : base(message, inner)
    {
    }
}
