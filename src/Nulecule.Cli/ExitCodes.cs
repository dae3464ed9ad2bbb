namespace Nulecule.Cli;

/// <summary>The command's exit codes, documented in `nulecule --help`.</summary>
internal static class ExitCodes
{
    public const int Ok = 0;

    /// <summary>An operation failed (an engine refused, a wait timed out). `diff`: changes found.</summary>
    public const int Failed = 1;

    /// <summary>Invalid input or usage: nothing was deployed.</summary>
    public const int InvalidInput = 2;

    /// <summary>`status`: the release is degraded (an object it recorded is missing or not ready).</summary>
    public const int Degraded = 3;

    /// <summary>The release named does not exist (stop, status, logs, history, rollback; `stop --ignore-not-found` exits 0).</summary>
    public const int NotFound = 4;
}

