namespace Nulecule.Tests.Templating;

/// <summary>The 14 real apps in `<repo>/../shared/corpus`, found by walking up from the test binaries.</summary>
internal static class Corpus
{
    public static string? Directory { get; } = Find();

    public const string Missing = "the app corpus (shared/corpus next to the repository) is not on this machine";

    public static string File(string relative) => Path.Combine(Directory!, relative);

    public static IEnumerable<string> Artifacts(params string[] providers) =>
        Directory is null
            ? []
            : System.IO.Directory.EnumerateDirectories(Directory)
                .SelectMany(app => providers.Select(p => Path.Combine(app, "artifacts", p)))
                .Where(System.IO.Directory.Exists)
                .SelectMany(System.IO.Directory.EnumerateFiles)
                .Order(StringComparer.Ordinal);

    private static string? Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "shared", "corpus");
            if (System.IO.Directory.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }
}

/// <summary>A fact that skips, saying why, when the corpus is absent.</summary>
internal sealed class CorpusFactAttribute : FactAttribute
{
    public CorpusFactAttribute()
    {
        if (Corpus.Directory is null)
        {
            Skip = Corpus.Missing;
        }
    }
}
