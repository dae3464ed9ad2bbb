namespace Nulecule.Cli.Tests;

/// <summary>Runs the `nulecule` command in-process and captures what it prints.</summary>
internal static class Cli
{
    public sealed record Result(int ExitCode, string Stdout, string Stderr);

    public static async Task<Result> RunAsync(IEnumerable<string> args, IReadOnlyDictionary<string, string>? environment = null)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var env = environment ?? new Dictionary<string, string> { ["NO_COLOR"] = "1" };
        var code = await CliApp.RunAsync(args.ToArray(), stdout, stderr, env);
        return new Result(code, stdout.ToString(), stderr.ToString());
    }

    public static Task<Result> RunAsync(params string[] args) => RunAsync((IEnumerable<string>)args);

    /// <summary>As <see cref="RunAsync(IEnumerable{string}, IReadOnlyDictionary{string, string}?)"/>, with <paramref name="stdin"/> as the standard input.</summary>
    public static async Task<Result> RunWithStdinAsync(IEnumerable<string> args, IReadOnlyDictionary<string, string> environment, string stdin)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var code = await CliApp.RunAsync(args.ToArray(), stdout, stderr, environment, () => new MemoryStream(System.Text.Encoding.UTF8.GetBytes(stdin)));
        return new Result(code, stdout.ToString(), stderr.ToString());
    }

    /// <summary>Another program (an engine's own client, the oracle), its output captured.</summary>
    public static async Task<Result> ProgramAsync(string program, params string[] args)
    {
        var start = new System.Diagnostics.ProcessStartInfo(program, args) { RedirectStandardOutput = true, RedirectStandardError = true };
        using var process = System.Diagnostics.Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return new Result(process.ExitCode, await stdout, await stderr);
    }
}

internal static class Repo
{
    public static string Root { get; } = Find();

    public static string Path(params string[] parts) => System.IO.Path.Combine([Root, .. parts]);

    /// <summary>The public Nulecule library beside the repository, or null in a plain clone.</summary>
    public static string? Corpus { get; } = FindCorpus();

    private static string Find()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(System.IO.Path.Combine(dir.FullName, "Nulecule.slnx")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException("repository root not found");
    }

    private static string? FindCorpus()
    {
        var env = Environment.GetEnvironmentVariable("NULECULE_CORPUS");
        if (!string.IsNullOrEmpty(env) && Directory.Exists(env))
        {
            return env;
        }

        var dir = System.IO.Path.GetFullPath(System.IO.Path.Combine(Root, "..", "shared", "corpus"));
        return Directory.Exists(dir) ? dir : null;
    }
}

public sealed class CorpusTheoryAttribute : TheoryAttribute
{
    public CorpusTheoryAttribute()
    {
        if (Repo.Corpus is null)
        {
            Skip = "the Nulecule corpus (../shared/corpus beside the repository) is not present";
        }
    }
}

public sealed class CorpusFactAttribute : FactAttribute
{
    public CorpusFactAttribute()
    {
        if (Repo.Corpus is null)
        {
            Skip = "the Nulecule corpus (../shared/corpus beside the repository) is not present";
        }
    }
}
