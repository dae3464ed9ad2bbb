namespace Nulecule.Cli;

/// <summary>
/// The last line of defence: an exception no command turned into a message becomes one line and an
/// exit code, never a stack trace (that is printed only with --verbose). Files the tool refused to
/// read are invalid input (2); everything else is an operation that failed (1).
/// </summary>
internal static class Unexpected
{
    public static int Report(Exception ex, Action<string> error, Action<string>? detail)
    {
        var (code, message) = Describe(ex);
        error(message);
        detail?.Invoke(ex.ToString());
        return code;
    }

    public static (int Code, string Message) Describe(Exception ex)
    {
        var root = ex is AggregateException { InnerExceptions.Count: 1 } aggregate ? aggregate.InnerExceptions[0] : ex;
        return root switch
        {
            NuleculeException n => (ExitCodes.InvalidInput, n.Message),
            ReleaseNotFoundException r => (ExitCodes.NotFound, r.Message),
            OperationFailedException o => (ExitCodes.Failed, o.Message),
            UnsafeFileException u => (ExitCodes.InvalidInput, u.Message),
            FileNotFoundException or DirectoryNotFoundException => (ExitCodes.InvalidInput, OneLine(root.Message)),
            UnauthorizedAccessException => (ExitCodes.InvalidInput, $"permission denied: {OneLine(root.Message)}"),
            DllNotFoundException or EntryPointNotFoundException => (ExitCodes.Failed, NativeLibrary(root)),
            TypeInitializationException { InnerException: DllNotFoundException or EntryPointNotFoundException } t => (ExitCodes.Failed, NativeLibrary(t.InnerException!)),
            IOException => (ExitCodes.Failed, $"I/O error: {OneLine(root.Message)}"),
            System.Net.Http.HttpRequestException h => (ExitCodes.Failed, $"the engine could not be reached: {OneLine(h.Message)}"),
            TimeoutException or TaskCanceledException => (ExitCodes.Failed, $"timed out: {OneLine(root.Message)}"),
            InsufficientExecutionStackException or OutOfMemoryException => (ExitCodes.InvalidInput, "the input is too large or nests too deep to process"),
            _ when root.GetType().FullName?.StartsWith("Docker.DotNet.", StringComparison.Ordinal) == true =>
                (ExitCodes.Failed, $"the Docker engine refused: {EngineMessage(root.Message)}"),
            _ when root.GetType().FullName?.StartsWith("k8s.", StringComparison.Ordinal) == true =>
                (ExitCodes.Failed, $"the Kubernetes API refused: {OneLine(root.Message)}"),
            _ => (ExitCodes.Failed, $"internal error ({root.GetType().Name}): {OneLine(root.Message)} (run again with -v for details, and report it)"),
        };
    }

    private static string NativeLibrary(Exception ex) =>
        $"a native library could not be loaded: {OneLine(ex.Message)} (the Docker release history needs SQLite's e_sqlite3 beside the nulecule binary; reinstall nulecule, or use --provider kubernetes)";

    /// <summary>Docker.DotNet wraps the engine's JSON: keep the engine's own words.</summary>
    private static string EngineMessage(string message)
    {
        const string marker = "\"message\":\"";
        var at = message.IndexOf(marker, StringComparison.Ordinal);
        if (at >= 0)
        {
            var end = message.IndexOf('"', at + marker.Length);
            if (end > at)
            {
                return message[(at + marker.Length)..end];
            }
        }

        return OneLine(message);
    }

    private static string OneLine(string text) => text.ReplaceLineEndings(" ").Trim();
}
