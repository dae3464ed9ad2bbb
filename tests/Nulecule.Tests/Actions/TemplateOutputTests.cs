using System.Text;
using Nulecule.Actions;
using Nulecule.Tests.TestSupport;

namespace Nulecule.Tests.Actions;

/// <summary>
/// `template`'s byte stream (artifacts kept as the UTF-8 bytes they were written in, copied to
/// standard output as they are) against the text stream the artifacts' documents give.
/// </summary>
public class TemplateOutputTests
{
    private static readonly string[] Providers = ["kubernetes", "docker", "openshift", "marathon"];

    private static IEnumerable<string> Apps() =>
        Corpus.AppNames().Select(Corpus.App)
            .Concat(Directory.EnumerateDirectories(Path.Combine(Corpus.RepositoryRoot, "examples")).Where(d => File.Exists(Path.Combine(d, "Nulecule"))).Order(StringComparer.Ordinal));

    [CorpusFact]
    public async Task Should_write_the_same_bytes_as_the_text_stream_for_every_corpus_app_and_provider()
    {
        var compared = 0;
        foreach (var app in Apps())
        {
            foreach (var provider in Providers)
            {
                foreach (var showSecrets in new[] { false, true })
                {
                    RenderOutcome kept;
                    RenderOutcome printed;
                    try
                    {
                        var options = new RenderOptions { AppPath = app, Provider = provider, Environment = new Dictionary<string, string>() };
                        kept = await RenderAction.RunAsync(options);
                        printed = await RenderAction.RunAsync(options with { Print = showSecrets ? PrintMode.ShowSecrets : PrintMode.MaskSecrets });
                    }
                    catch (NuleculeException)
                    {
                        continue; // no artifacts for this provider, or a value only the user can give
                    }

                    // The text stream from the documents kept (the way `template` printed before).
                    var expected = Encoding.UTF8.GetBytes(TemplateOutput.Stream(kept.App, showSecrets));
                    using var stream = new MemoryStream();
                    TemplateOutput.WriteStream(printed.App, showSecrets, stream);
                    stream.ToArray().ShouldBe(expected, $"{app} for {provider}{(showSecrets ? " with secrets shown" : "")}");
                    printed.App.Components.SelectMany(c => c.Artifacts).ShouldAllBe(a => a.PrintedUtf8 != null && a.Documents.Count == 0);

                    // The text of each printed artifact (what --output-dir writes) is the same too.
                    TemplateOutput.Files(printed.App, showSecrets).Select(f => f.Text)
                        .ShouldBe(TemplateOutput.Files(kept.App, showSecrets).Select(f => f.Text));
                    compared++;
                }
            }
        }

        // Meaningful only if most apps rendered.
        compared.ShouldBeGreaterThan(30);
    }

    [Fact]
    public async Task Should_write_a_large_artifact_and_ones_without_a_final_line_break_as_the_text_stream_does()
    {
        var dir = Directory.CreateTempSubdirectory("template-output-").FullName;
        try
        {
            Directory.CreateDirectory(Path.Combine(dir, "artifacts"));

            // 200 KB of one YAML document (more than a write's 64 KiB), an empty JSON list, a
            // text artifact without a final line break, non-ASCII text, and a docker command.
            var big = new StringBuilder("kind: ConfigMap\ndata:\n");
            for (var i = 0; i < 5000; i++)
            {
                big.Append("  key").Append(i).Append(": value-").Append(i).Append(" $who\n");
                big.Append("  pass").Append(i).Append(": $secret\n");
            }

            File.WriteAllText(Path.Combine(dir, "artifacts", "big.yaml"), big.ToString());
            File.WriteAllText(Path.Combine(dir, "artifacts", "list.json"), "{\"kind\": \"List\", \"items\": [], \"note\": \"gr\u00fc\u00dfe $who \u2603\", \"pass\": \"$secret\"}");
            File.WriteAllText(Path.Combine(dir, "artifacts", "notes"), "no line break at the end, $who");
            File.WriteAllText(Path.Combine(dir, "artifacts", "run"), "docker run --name web -e WHO=$who -e PASS=$secret nginx");
            File.WriteAllText(Path.Combine(dir, "Nulecule"), """
                specversion: 0.0.2
                id: output-test
                graph:
                  - name: web
                    params:
                      - name: who
                        default: "w\u00f6rld"
                      - name: secret
                        default: "s3cret"
                        hidden: true
                    artifacts:
                      kubernetes: [file://artifacts/big.yaml, file://artifacts/list.json, file://artifacts/notes]
                      docker: [file://artifacts/run]
                """);
            foreach (var provider in new[] { "kubernetes", "docker" })
            {
                foreach (var showSecrets in new[] { false, true })
                {
                    var options = new RenderOptions { AppPath = dir, Provider = provider, Environment = new Dictionary<string, string>() };
                    var kept = await RenderAction.RunAsync(options);
                    var printed = await RenderAction.RunAsync(options with { Print = showSecrets ? PrintMode.ShowSecrets : PrintMode.MaskSecrets });
                    var expected = Encoding.UTF8.GetBytes(TemplateOutput.Stream(kept.App, showSecrets));
                    using var stream = new MemoryStream();
                    TemplateOutput.WriteStream(printed.App, showSecrets, stream);
                    stream.ToArray().ShouldBe(expected);
                    var text = Encoding.UTF8.GetString(expected);
                    text.ShouldContain("w\u00f6rld");
                    if (showSecrets)
                    {
                        text.ShouldContain("s3cret");
                    }
                    else
                    {
                        text.ShouldNotContain("s3cret");
                    }
                }
            }
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
