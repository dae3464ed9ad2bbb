using Nulecule.Actions;
using Nulecule.Compose.Import;
using Nulecule.Tests.TestSupport;

namespace Nulecule.Tests.Compose;

/// <summary>The compose files of docs/import: each imports into an app that validates for every provider, and its committed report is the one import gives today.</summary>
public sealed class ImportExamplesTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("import-examples-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    public static TheoryData<string> Examples() => new("wordpress", "three-tier", "secrets-configs", "profiles", "include");

    private static readonly string[] Answers = ["WORDPRESS_DB_PASSWORD=wp", "DB_ROOT_PASSWORD=root", "DB_PASSWORD=db", "API_KEY=key"];

    [Theory]
    [MemberData(nameof(Examples))]
    public async Task Should_import_an_app_that_validates_and_give_the_committed_report(string example)
    {
        // Given
        var directory = Path.Combine(Corpus.RepositoryRoot, "docs", "import", example);
        var destination = Path.Combine(_dir, example);

        // When
        var result = ComposeImporter.Import(new ImportOptions { Files = [Path.Combine(directory, "compose.yaml")], Destination = destination });
        var validation = await ValidateAction.RunAsync(new ValidateOptions
        {
            AppPath = destination,
            Sets = Answers.Where(a => result.Params.Any(p => a.StartsWith(p.Name + "=", StringComparison.Ordinal))).ToList(),
        });

        // Then
        validation.Diagnostics.ShouldBeEmpty(string.Join("\n", validation.Diagnostics));
        var lines = ImportReportText.Lines(result)
            .Select(l => l.Replace(Corpus.RepositoryRoot + "/", "", StringComparison.Ordinal).Replace(destination, $"out/import/{example}", StringComparison.Ordinal));
        var committed = File.ReadAllLines(Path.Combine(directory, "fidelity.txt"));
        string.Join("\n", lines).ShouldBe(string.Join("\n", committed), "docs/import/README.md says how to regenerate the report");
    }
}
