namespace Nulecule.Cli.Tests.EndToEnd;

/// <summary>
/// A private copy of corpus apps in a temporary directory, so a run never writes into the shared
/// corpus, and nested apps can be placed in `external/` as `nulecule fetch` would.
/// </summary>
internal sealed class CorpusCopy : IDisposable
{
    public CorpusCopy()
    {
        Root = Directory.CreateTempSubdirectory("nulecule-e2e-").FullName;
        Environment = new Dictionary<string, string> { ["NO_COLOR"] = "1", ["NULECULE_STATE_DIR"] = Path.Combine(Root, "state") };
    }

    public string Root { get; }

    /// <summary>For `Cli.RunAsync`: plain output and a release database of this copy's own.</summary>
    public IReadOnlyDictionary<string, string> Environment { get; }

    /// <summary>Runs `nulecule ARGS` in-process with <see cref="Environment"/>.</summary>
    public Task<Cli.Result> Nulecule(params string[] args) => Cli.RunAsync(args, Environment);

    /// <summary>Copies corpus app <paramref name="name"/> into the temporary directory; returns its path.</summary>
    public string App(string name) => CopyInto(name, Path.Combine(Root, name));

    /// <summary>Copies corpus app <paramref name="nested"/> to `<paramref name="app"/>/external/<paramref name="nested"/>`.</summary>
    public string External(string app, string nested) => CopyInto(nested, Path.Combine(app, "external", nested));

    /// <summary>A fresh empty directory (e.g. a host path to mount).</summary>
    public string EmptyDir(string name) => Directory.CreateDirectory(Path.Combine(Root, name)).FullName;

    public void Dispose()
    {
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
            // A container may still hold a bind-mounted directory; the temp dir is cleaned later.
        }
        catch (UnauthorizedAccessException)
        {
            // Files created by a container as another user.
        }
    }

    private static string CopyInto(string corpusApp, string target)
    {
        var source = Path.Combine(Repo.Corpus ?? throw new InvalidOperationException("no corpus"), corpusApp);
        foreach (var dir in Directory.EnumerateDirectories(source, "*", SearchOption.AllDirectories))
        {
            Directory.CreateDirectory(Path.Combine(target, Path.GetRelativePath(source, dir)));
        }

        Directory.CreateDirectory(target);
        foreach (var file in Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories))
        {
            File.Copy(file, Path.Combine(target, Path.GetRelativePath(source, file)));
        }

        return target;
    }
}
