using Nulecule.Resolution;
using Nulecule.Spec;

namespace Nulecule.Cli.Tests;

/// <summary>
/// Renders every app of the public Nulecule library for every provider it declares and compares
/// with the output committed under Golden/ (checked by hand when first written). Nested apps
/// (`source: docker://projectatomic/X`) are placed in external/ from the corpus copy of X, as
/// `nulecule fetch` would. Required params without a default get `--set scope.name=test-name`.
/// Set NULECULE_UPDATE_GOLDEN=1 to rewrite the expected files, then review the diff.
/// </summary>
public class CorpusGoldenTests
{
    private static readonly string GoldenDir = Repo.Path("tests", "Nulecule.Cli.Tests", "Golden");

    public static TheoryData<string, string> Cases()
    {
        var data = new TheoryData<string, string>();
        if (Repo.Corpus is null)
        {
            data.Add("none", "none"); // skipped by the attribute; a theory needs one row
            return data;
        }

        foreach (var dir in Directory.EnumerateDirectories(Repo.Corpus).Order(StringComparer.Ordinal))
        {
            var loaded = NuleculeLoader.Load(dir);
            if (loaded.Application is { } app)
            {
                foreach (var provider in app.Providers)
                {
                    data.Add(Path.GetFileName(dir), provider);
                }
            }
        }

        return data;
    }

    [CorpusTheory]
    [MemberData(nameof(Cases))]
    public async Task Should_render_corpus_app_as_committed(string app, string provider)
    {
        // Given: a copy of the app with its nested apps "fetched" from the corpus
        var work = Path.Combine(Path.GetTempPath(), $"nulecule-golden-{app}-{provider}-{Guid.NewGuid():N}"[..60]);
        try
        {
            var args = TemplateArgs(app, provider, work);

            // When
            var result = await Cli.RunAsync(args);

            // Then
            result.ExitCode.ShouldBe(0, result.Stderr);
            var expectedFile = Path.Combine(GoldenDir, $"{app}.{provider}.txt");
            if (Environment.GetEnvironmentVariable("NULECULE_UPDATE_GOLDEN") == "1")
            {
                Directory.CreateDirectory(GoldenDir);
                await File.WriteAllTextAsync(expectedFile, result.Stdout);
            }

            result.Stdout.ShouldBe(await File.ReadAllTextAsync(expectedFile));
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    /// <summary>
    /// The built binary with its standard output a pipe, where `template` copies the rendered
    /// bytes to the descriptor as they are (in-process runs print through a text writer): the
    /// same bytes as committed.
    /// </summary>
    [CorpusBinaryTheory]
    [MemberData(nameof(Cases))]
    public async Task Should_print_the_committed_bytes_from_the_binary_to_a_pipe(string app, string provider)
    {
        var work = Path.Combine(Path.GetTempPath(), $"nulecule-golden-{app}-{provider}-{Guid.NewGuid():N}"[..60]);
        try
        {
            var args = TemplateArgs(app, provider, work);

            var start = new System.Diagnostics.ProcessStartInfo(Terminal.Nulecule, args) { RedirectStandardOutput = true, RedirectStandardError = true };
            start.Environment["NO_COLOR"] = "1";
            using var process = System.Diagnostics.Process.Start(start)!;
            using var stdout = new MemoryStream();
            var copied = process.StandardOutput.BaseStream.CopyToAsync(stdout);
            var stderr = process.StandardError.ReadToEndAsync();
            await process.WaitForExitAsync();
            await copied;

            process.ExitCode.ShouldBe(0, await stderr);
            stdout.ToArray().ShouldBe(await File.ReadAllBytesAsync(Path.Combine(GoldenDir, $"{app}.{provider}.txt")));
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    // `template` of a copy of the app at `work`, with its nested apps "fetched" from the corpus and
    // `--set scope.name=test-name` for each required param without a default.
    private static List<string> TemplateArgs(string app, string provider, string work)
    {
        CopyWithNested(Path.Combine(Repo.Corpus!, app), work);
        var root = AppTreeLoader.LoadOrThrow(work);
        var args = new List<string> { "template", work, "--provider", provider };
        foreach (var (scope, name) in RequiredParams(root))
        {
            args.AddRange(["--set", scope == "general" ? $"{name}=test-{name}" : $"{scope}.{name}=test-{name}"]);
        }

        return args;
    }

    private static IEnumerable<(string Scope, string Name)> RequiredParams(AppNode root)
    {
        foreach (var app in root.Apps())
        {
            foreach (var p in app.App.Params.Where(p => p.Default is null))
            {
                yield return (app.Scope ?? "general", p.Name);
            }

            foreach (var c in app.App.Graph.Where(c => !c.IsNested))
            {
                foreach (var p in c.Params.Where(p => p.Default is null))
                {
                    yield return (app.ScopeOf(c), p.Name);
                }
            }
        }
    }

    private static void CopyWithNested(string from, string to)
    {
        Copy(from, to);
        var app = NuleculeLoader.Load(to).GetOrThrow();
        foreach (var component in app.Graph.Where(c => c.IsNested))
        {
            var image = component.Source!["docker://".Length..];
            var name = image[(image.LastIndexOf('/') + 1)..];
            CopyWithNested(Path.Combine(Repo.Corpus!, name), Path.Combine(to, AppTreeLoader.ExternalDirectory, component.Name));
        }
    }

    private static void Copy(string from, string to)
    {
        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(to, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }
}

/// <summary>A corpus test that runs the built binary; skipped without either.</summary>
public sealed class CorpusBinaryTheoryAttribute : TheoryAttribute
{
    public CorpusBinaryTheoryAttribute() =>
        Skip = Repo.Corpus is null ? "the Nulecule corpus (../shared/corpus beside the repository) is not present"
            : !File.Exists(Terminal.Nulecule) ? $"the nulecule binary is not built at {Terminal.Nulecule}"
            : null;
}
