using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using CsCheck;
using Nulecule.Spec;
using Nulecule.Templating;
using Nulecule.Tests.Spec;
using Nulecule.Yaml;
using static Nulecule.Tests.Templating.Values;

namespace Nulecule.Tests.Templating;

/// <summary>
/// The direct block-YAML path of <see cref="StructuredRenderer"/> (the block reader feeding the
/// nodes as it reads) must give what the parsing events built by the builder give, from
/// YamlDotNet's own parser: the same documents, written back the same, the same used and
/// unresolved names, or the same located error. What it does not take goes the event path.
/// </summary>
public class BlockFastPathTests
{
    // `$key` becomes `a`, a key the generator also writes: keys that collide after substitution.
    private static readonly IReadOnlyDictionary<string, Scalar> Context = Ctx(
        ("port", Int("8080")), ("name", Str("web")), ("x", Str("on")), ("y", Flt("0.5")), ("p", Nul()), ("label", Str("a b")),
        ("memory", Str("64Mi")), ("cpu", Str("100m")), ("key", Str("a")));

    [Fact]
    public void Should_give_what_the_event_path_gives_from_yamldotnets_parser()
    {
        var done = 0;
        var refused = 0;
        var total = 0;
        BlockYamlReaderTests.Document.Sample(
            text =>
            {
                total++;
                var outcome = StructuredRenderer.TryRenderBlock("t.yaml", text, Context, out var direct);
                var reference = Run(() => StructuredRenderer.RenderEvents("t.yaml", text, Context, parserOnly: true));
                switch (outcome)
                {
                    case StructuredRenderer.BlockOutcome.Done:
                        done++;
                        reference.Error.ShouldBeNull($"the direct path read {Show(text)}, but the event path reports: {reference.Error}");
                        Describe(direct!).ShouldBe(Describe(reference.Result!), Show(text));
                        break;
                    case StructuredRenderer.BlockOutcome.Unsure:
                        BlockYamlReader.TryRead(text).ShouldBeNull(Show(text));
                        break;
                    default:
                        refused++;
                        break;
                }

                // Whatever the path, the renderer's answer is the event path's.
                var rendered = Run(() => StructuredRenderer.RenderYaml("t.yaml", text, Context));
                rendered.Error.ShouldBe(reference.Error, Show(text));
                if (rendered.Result is not null)
                {
                    Describe(rendered.Result).ShouldBe(Describe(reference.Result!), Show(text));
                }
            },
            iter: 20000);

        done.ShouldBeGreaterThan(total / 4, $"the direct path took {done} of {total} texts");
        refused.ShouldBeGreaterThan(0, "no generated text was refused (a repeated key or `<<`): the refusal went untested");
    }

    [Theory]
    [InlineData("a: 1\n$key: 2\n", 2, 1)] // `$key` is `a` once substituted
    [InlineData("m:\n  a: 1\n  a: 2\n", 3, 3)]
    public void Should_leave_a_key_repeated_after_substitution_to_the_event_path_which_locates_it(string text, int line, int column)
    {
        StructuredRenderer.TryRenderBlock("t.yaml", text, Context, out _).ShouldBe(StructuredRenderer.BlockOutcome.Refused);

        var error = Should.Throw<NuleculeException>(() => StructuredRenderer.Render("t.yaml", text, Context));
        error.Diagnostics.Single().Message.ShouldContain("duplicate key 'a'");
        error.Diagnostics.Single().Location.ShouldBe(new SourceLocation("t.yaml", line, column));
    }

    [Fact]
    public void Should_leave_merge_keys_to_the_event_path()
    {
        const string Text = "base: {a: 1}\nm:\n  <<: {a: 2, b: 3}\n  a: 4\n";

        StructuredRenderer.TryRenderBlock("t.yaml", Text, Context, out _).ShouldBe(StructuredRenderer.BlockOutcome.Refused);
        StructuredRenderer.Render("t.yaml", Text, Context).Documents[0]["m"]!.ToJsonString().ShouldBe("{\"a\":4,\"b\":3}");
    }

    [Fact]
    public void Should_take_a_typical_kubernetes_yaml_artifact_and_keep_untouched_text()
    {
        const string Text = """
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: $name
              labels: {app: $label, tier: "t0"}
            spec:
              replicas: $port
              template:
                spec:
                  containers:
                    - name: main
                      args: ["--debug=$x", "--port", "$port"]
                      volumeMounts:
                        - {name: data, mountPath: /d}
                      securityContext: {runAsUser: 0644, privileged: yes}
            """;

        StructuredRenderer.TryRenderBlock("d.yaml", Text, Context, out var direct).ShouldBe(StructuredRenderer.BlockOutcome.Done);

        direct!.Documents[0]["spec"]!["replicas"]!.GetValue<long>().ShouldBe(8080);
        direct.Used.ShouldBe(["name", "label", "port", "x"]);
        var written = DocumentWriter.ToYaml(direct.Documents.ToList<JsonNode?>());
        written.ShouldContain("runAsUser: 0644\n");
        written.ShouldContain("privileged: yes\n");
        Describe(direct).ShouldBe(Describe(StructuredRenderer.RenderEvents("d.yaml", Text, Context, parserOnly: true)));
    }

    [CorpusFact]
    public void Should_agree_with_the_event_path_on_every_corpus_artifact()
    {
        var done = 0;
        foreach (var file in Corpus.Artifacts("kubernetes", "openshift", "marathon"))
        {
            var text = File.ReadAllText(file);
            var reference = Run(() => StructuredRenderer.RenderEvents(file, text, Context, parserOnly: true));
            if (StructuredRenderer.TryRenderBlock(file, text, Context, out var direct) != StructuredRenderer.BlockOutcome.Done)
            {
                Run(() => StructuredRenderer.RenderYaml(file, text, Context)).Error.ShouldBe(reference.Error, file);
                continue;
            }

            done++;
            reference.Error.ShouldBeNull(file);
            Describe(direct!).ShouldBe(Describe(reference.Result!), file);
        }

        done.ShouldBeGreaterThan(10);
    }

    private static readonly string[] Pieces =
    [
        "$port", "${name}", "$x", "$p", "$unknown", "${unknown}", "$$", "$", "${", "${port", "${ name}", "$1", "$_x", "x", "-", "{", "}", "_", "a b", "é", "80", "true",
    ];

    [Fact]
    public void Should_substitute_scalars_as_substitution_apply_does()
    {
        Gen.Int[0, Pieces.Length - 1].Select(i => Pieces[i]).Array[1, 5].Select(string.Concat).Sample(
            body =>
            {
                // Double-quoted: always the substituted text; plain: typed, substituted or kept as read.
                var quoted = StructuredRenderer.Render("t.yaml", $"- \"{body}\"\n", Context);
                var applied = Substitution.Apply(body, Context);
                quoted.Documents[0][0]!.GetValue<string>().ShouldBe(applied.Text, body);
                quoted.Used.ShouldBe(applied.Used, body);
                quoted.Unresolved.ShouldBe(applied.Unresolved, body);

                var plain = "x" + body;
                var read = StructuredRenderer.Render("t.yaml", $"- {plain}\n", Context);
                var appliedPlain = Substitution.Apply(plain, Context);
                var expected = appliedPlain.Changed ? JsonValue.Create(appliedPlain.Text) : OriginalText.Read(plain);
                read.Documents[0][0]!.ToJsonString().ShouldBe(expected!.ToJsonString(), plain);
                read.Used.ShouldBe(appliedPlain.Used, plain);
                read.Unresolved.ShouldBe(appliedPlain.Unresolved, plain);

                var single = Substitution.TryGetSingleReference(body, out var name) && Context.TryGetValue(name, out var value)
                    ? ScalarValues.ToNode(value)
                    : null;
                if (single is not null)
                {
                    var typed = StructuredRenderer.Render("t.yaml", $"- {body}\n", Context);
                    typed.Documents[0][0]!.ToJsonString().ShouldBe(single.ToJsonString(), body);
                    typed.Used.ShouldBe([name], body);
                }
            },
            iter: 5000);
    }

    // Hostile input goes the event path or is refused there, located. Each takes about a second at
    // most; the two-minute bound only turns a hang into a failure, it times nothing.
    [Fact]
    public void Should_refuse_deep_nesting_with_its_place()
    {
        var text = new StringBuilder();
        for (var i = 0; i < 300; i++)
        {
            text.Append(' ', i).Append('k').Append(i).Append(":\n");
        }

        text.Append(' ', 300).Append("end: x\n");

        var error = Bounded(() => Should.Throw<NuleculeException>(() => StructuredRenderer.Render("deep.yaml", text.ToString(), Context)));
        error.Diagnostics.Single().Message.ShouldContain("nests deeper than");
        error.Diagnostics.Single().Location!.File.ShouldBe("deep.yaml");
    }

    [Fact]
    public void Should_refuse_more_nodes_than_the_limit_with_its_place()
    {
        // A million and one list entries: the direct path refuses, the event path says where.
        var text = new StringBuilder("items:\n");
        for (var i = 0; i <= 1_000_000; i++)
        {
            text.Append("- x\n");
        }

        var error = Bounded(() => Should.Throw<NuleculeException>(() => StructuredRenderer.Render("many.yaml", text.ToString(), Context)));
        error.Diagnostics.Single().Message.ShouldContain("more than 1000000 nodes");
        error.Diagnostics.Single().Location!.Line.ShouldBeGreaterThan(999_000);
    }

    [Fact]
    public void Should_read_a_huge_scalar()
    {
        var value = new string('v', 8 * 1024 * 1024);

        var result = Bounded(() => StructuredRenderer.Render("big.yaml", $"a: {value}\nb: $name\n", Context));

        result.Documents[0]["a"]!.GetValue<string>().Length.ShouldBe(value.Length);
        result.Documents[0]["b"]!.GetValue<string>().ShouldBe("web");
    }

    [Fact]
    public void Should_refuse_an_alias_bomb_with_its_place()
    {
        var text = new StringBuilder("a0: &a0 [x, x, x, x, x, x, x, x, x]\n");
        for (var i = 1; i <= 12; i++)
        {
            text.Append(CultureInfo.InvariantCulture, $"a{i}: &a{i} [*a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}]\n");
        }

        var error = Bounded(() => Should.Throw<NuleculeException>(() => StructuredRenderer.Render("bomb.yaml", text.ToString(), Context)));
        error.Diagnostics.Single().Message.ShouldContain("more than 1000000 nodes");
        error.Diagnostics.Single().Location!.File.ShouldBe("bomb.yaml");
    }

    private static T Bounded<T>(Func<T> action)
    {
        var task = Task.Run(action);
        task.Wait(TimeSpan.FromMinutes(2)).ShouldBeTrue("still reading after two minutes");
        return task.Result;
    }

    private static (StructuredResult? Result, string? Error) Run(Func<StructuredResult> render)
    {
        try
        {
            return (render(), null);
        }
        catch (NuleculeException ex)
        {
            return (null, string.Join("; ", ex.Diagnostics.Select(d => $"{d.Location}: {d.Message}")));
        }
    }

    /// <summary>The documents as YAML and JSON text (written back as template writes them: kept texts included), and the names.</summary>
    private static string Describe(StructuredResult result)
    {
        var documents = result.Documents.ToList<JsonNode?>();
        return $"{DocumentWriter.ToYaml(documents)}\n==\n{DocumentWriter.ToJson(documents)}\n==\nused {string.Join(",", result.Used)}; unresolved {string.Join(",", result.Unresolved)}";
    }

    private static string Show(string text) => "'" + text.Replace("\n", "\\n", StringComparison.Ordinal) + "'";
}
