namespace Nulecule.Tests.TestSupport;

/// <summary>
/// The public Nulecule library in `../shared/corpus` beside the repository. Absent in a plain
/// clone: tests that need it are <see cref="CorpusFactAttribute"/>/<see cref="CorpusTheoryAttribute"/> and skip.
/// </summary>
public static class Corpus
{
    private static readonly Lazy<string?> Root = new(Find);

    public static string? Directory => Root.Value;

    public static string RepositoryRoot { get; } = FindRepositoryRoot();

    public static string App(string name) => Path.Combine(Directory ?? throw new InvalidOperationException("corpus absent"), name);

    public static IEnumerable<string> AppNames() =>
        Directory is null
            ? []
            : new DirectoryInfo(Directory).EnumerateDirectories().Where(d => File.Exists(Path.Combine(d.FullName, "Nulecule"))).Select(d => d.Name).Order(StringComparer.Ordinal);

    private static string? Find()
    {
        var fromEnv = Environment.GetEnvironmentVariable("NULECULE_CORPUS");
        if (!string.IsNullOrEmpty(fromEnv) && System.IO.Directory.Exists(fromEnv))
        {
            return fromEnv;
        }

        var candidate = Path.GetFullPath(Path.Combine(RepositoryRoot, "..", "shared", "corpus"));
        return System.IO.Directory.Exists(candidate) ? candidate : null;
    }

    private static string FindRepositoryRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Nulecule.slnx")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException("cannot find the repository root (Nulecule.slnx) above " + AppContext.BaseDirectory);
    }
}

public sealed class CorpusFactAttribute : FactAttribute
{
    public CorpusFactAttribute()
    {
        if (Corpus.Directory is null)
        {
            Skip = "the Nulecule corpus (../shared/corpus beside the repository) is not present";
        }
    }
}

public sealed class CorpusTheoryAttribute : TheoryAttribute
{
    public CorpusTheoryAttribute()
    {
        if (Corpus.Directory is null)
        {
            Skip = "the Nulecule corpus (../shared/corpus beside the repository) is not present";
        }
    }
}

/// <summary>A temporary directory removed on dispose.</summary>
public sealed class TempDir : IDisposable
{
    public TempDir()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "nulecule-test-" + Guid.NewGuid().ToString("N")[..12]);
        System.IO.Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public string Write(string relative, string content)
    {
        var full = System.IO.Path.Combine(Path, relative);
        System.IO.Directory.CreateDirectory(System.IO.Path.GetDirectoryName(full)!);
        File.WriteAllText(full, content);
        return full;
    }

    public static void CopyDirectory(string from, string to)
    {
        foreach (var dir in System.IO.Directory.EnumerateDirectories(from, "*", SearchOption.AllDirectories))
        {
            System.IO.Directory.CreateDirectory(System.IO.Path.Combine(to, System.IO.Path.GetRelativePath(from, dir)));
        }

        System.IO.Directory.CreateDirectory(to);
        foreach (var file in System.IO.Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            File.Copy(file, System.IO.Path.Combine(to, System.IO.Path.GetRelativePath(from, file)), overwrite: true);
        }
    }

    public void Dispose()
    {
        try
        {
            System.IO.Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
