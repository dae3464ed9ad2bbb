using System.Diagnostics;
using CsCheck;
using Nulecule.Answers;
using Nulecule.Spec;
using Nulecule.Templating;

namespace Nulecule.Tests.Fuzz;

/// <summary>
/// Generated hostile input for every reader of outside text: the Nulecule loader, the answers
/// readers (INI, JSON, YAML), the templating (structured and text fallback) and the docker-run
/// tokenizer. Each may only answer with a value or a located <see cref="NuleculeException"/>:
/// any other exception is a crash, and one input taking over 5 s a hang.
/// A short run is part of every test run; `scripts/fuzz.sh SECONDS` runs each target longer
/// (NULECULE_FUZZ_SECONDS).
/// </summary>
[Trait("Category", "Fuzz")]
public class FuzzTargets
{
    public static int Seconds { get; } =
        int.TryParse(Environment.GetEnvironmentVariable("NULECULE_FUZZ_SECONDS"), out var s) && s > 0 ? s : 2;

    // Fragments that break parsers: brackets, indentation, anchors, tabs, quotes, references, paths.
    private static readonly string[] Tokens =
    [
        "[", "]", "{", "}", ":", ": ", "- ", "\n", "\n  ", "\n    - ", "\t", "\"", "'", "&a ", "*a", "<<: ", "!!str ", "!!binary ", "? ",
        "|", ">", "#", "---\n", "...\n", "%YAML 1.2\n", ",", "$x", "${x}", "$$", "$", "../", "file://", "docker://", "=", ";", "\\",
        "\0", "\u00e9", "\ud800", "\uFEFF", "9999999999999999999999", "-1", "0x1f", ".inf", "~", "null", "None", "true", "a:b", "[general]",
        "[web]", "[a:b]", "key = value", "key: value", "name: web", "graph:", "params:", "artifacts:", "source: docker://x",
    ];

    private const string Seed = "specversion: 0.0.2\nid: app\nparams:\n  - name: x\n    description: d\n    default: 1\ngraph:\n  - name: web\n    params:\n      - name: p\n        description: d\n        constraints:\n          - allowed_pattern: \"[a-z]+\"\n            description: letters\n    artifacts:\n      docker:\n        - file://artifacts/run\n";

    /// <summary>A seed text with tokens inserted, replaced and deleted at random places; or tokens alone.</summary>
    public static Gen<string> Mutated(string seed) =>
        Gen.Frequency(
            (4, Gen.Select(Gen.Int[0, 12], Gen.Int[0, int.MaxValue].Array[12], Gen.Int[0, Tokens.Length - 1].Array[12], (n, places, tokens) =>
            {
                var text = seed;
                for (var i = 0; i < n; i++)
                {
                    var at = places[i] % (text.Length + 1);
                    text = (places[i] % 3) switch
                    {
                        0 => text.Insert(at, Tokens[tokens[i]]),
                        1 => text.Remove(at, Math.Min(text.Length - at, 1 + (places[i] / 3 % 8))),
                        _ => text.Insert(at, string.Concat(Enumerable.Repeat(Tokens[tokens[i]], 1 + (places[i] / 3 % 300)))),
                    };
                }

                return text;
            })),
            (1, Gen.Int[0, Tokens.Length - 1].Array[0, 60].Select(ts => string.Concat(ts.Select(t => Tokens[t])))));

    private static readonly Gen<string> Values = Gen.Frequency(
        (3, Gen.Int[0, Tokens.Length - 1].Array[0, 6].Select(ts => string.Concat(ts.Select(t => Tokens[t])))),
        (1, Gen.Const("c: d\n---\nkind: ConfigMap\nmetadata:\n  name: evil\n  namespace: kube-system\n")),
        (1, Gen.Const("--privileged")),
        (2, Gen.String));

    private static Gen<Dictionary<string, Scalar>> Contexts => Gen.Select(Values, Values, Values, (a, b, c) =>
        new Dictionary<string, Scalar>(StringComparer.Ordinal) { ["x"] = Scalar.String(a), ["p"] = Scalar.String(b), ["image"] = Scalar.String(c) });

    /// <summary>Runs <paramref name="target"/> on generated inputs for <see cref="Seconds"/> seconds.</summary>
    internal static void Fuzz<T>(Gen<T> gen, Action<T> target, [System.Runtime.CompilerServices.CallerMemberName] string name = "")
    {
        var inputs = 0L;
        var slowest = TimeSpan.Zero;
        gen.Sample(
            input =>
            {
                inputs++;
                var clock = Stopwatch.StartNew();
                try
                {
                    target(input);
                }
                catch (NuleculeException ex)
                {
                    ex.Diagnostics.ShouldNotBeEmpty();
                }

                slowest = clock.Elapsed > slowest ? clock.Elapsed : slowest;
                clock.Elapsed.ShouldBeLessThan(TimeSpan.FromSeconds(5), "one input took over 5 s: a hang");
            },
            iter: long.MaxValue,
            time: Seconds,
            threads: 1);
        Report(name, inputs, slowest);
    }

    /// <summary>scripts/fuzz.sh collects how many inputs each target ran (NULECULE_FUZZ_REPORT).</summary>
    internal static void Report(string name, long inputs, TimeSpan slowest)
    {
        if (Environment.GetEnvironmentVariable("NULECULE_FUZZ_REPORT") is { Length: > 0 } file)
        {
            File.AppendAllText(file, $"{name} {Seconds}s {inputs} inputs, slowest {slowest.TotalMilliseconds:0} ms\n");
        }
    }

    [Fact]
    public void Should_load_any_nulecule_text_or_locate_its_error() =>
        Fuzz(Mutated(Seed), text => NuleculeLoader.Parse(text, "/tmp/fuzz/Nulecule", "Nulecule"));

    [Fact]
    public void Should_read_any_ini_answers_or_locate_the_error() =>
        Fuzz(Mutated("[general]\nprovider = docker\n\n[web]\np = abc ; not a comment\n# comment\n[web:db]\nx: 1\n"), text => AnswersFile.Parse(text, "a.conf", AnswersFormat.Ini));

    [Fact]
    public void Should_read_any_json_answers_or_locate_the_error() =>
        Fuzz(Mutated("{\"general\": {\"provider\": \"docker\", \"n\": 1}, \"web\": {\"p\": \"abc\", \"b\": true, \"z\": null}}\n"), text => AnswersFile.Parse(text, "a.json", AnswersFormat.Json));

    [Fact]
    public void Should_read_any_yaml_answers_or_locate_the_error() =>
        Fuzz(Mutated("general:\n  provider: docker\nweb:\n  p: abc\n  n: 80\n\"web:db\":\n  x: 'y'\n"), text => AnswersFile.Parse(text, "a.yaml", AnswersFormat.Yaml));

    [Fact]
    public void Should_render_any_artifact_structurally_or_locate_the_error() =>
        Fuzz(
            Gen.Select(Mutated("kind: Pod\napiVersion: v1\nmetadata:\n  name: $p\n  labels: {a: \"$x\"}\nspec:\n  containers:\n    - image: $image\n      ports: [{hostPort: $x}]\n"), Contexts),
            t => StructuredRenderer.Render("pod.yaml", t.Item1, t.Item2));

    [Fact]
    public void Should_render_any_artifact_as_text_keeping_its_objects_or_locate_the_error() =>
        Fuzz(
            Gen.Select(Mutated("kind: ConfigMap\napiVersion: v1\nmetadata:\n  name: settings\ndata:\n  a: b\n  $x\n"), Contexts),
            t =>
            {
                var result = TextRenderer.Render("cm.yaml", t.Item1, t.Item2, ArtifactFormat.Yaml);
                var neutral = t.Item2.ToDictionary(p => p.Key, _ => Scalar.String("w"), StringComparer.Ordinal);
                if (StructuredRenderer.TryRender("cm.yaml", Substitution.Apply(t.Item1, neutral).Text, null, out var plain, out _))
                {
                    result.Documents.Count.ShouldBe(plain!.Documents.Count, "a value added or removed a document");
                }
            });

    [Fact]
    public void Should_tokenize_any_docker_run_artifact_or_locate_the_error() =>
        Fuzz(
            Gen.Select(Mutated("docker run -d --name web -p $x:80 -e 'P=$p' \"$image\" sh -c \"echo $x\"\n"), Contexts),
            t => DockerRunParser.Parse("run", t.Item1, t.Item2));

    // Words of a docker-run template whose quoting keeps one word per argument.
    private static readonly string[] Words = ["-d", "--rm", "--name=web", "-p", "80:80", "local/busybox", "sh", "$x", "\"$x\"", "'$p'", "pre$image", "$image", "\"$p\"-x", "${x}"];

    [Fact]
    public void Should_never_let_a_value_become_an_option()
    {
        var templates = Gen.Int[0, Words.Length - 1].Array[1, 8].Select(ws => ws.Select(w => Words[w]).ToArray());
        Fuzz(
            Gen.Select(templates, Contexts),
            t =>
            {
                var result = DockerRunParser.Parse("run", "docker run " + string.Join(' ', t.Item1) + "\n", t.Item2);
                var arguments = result.Commands.Single().Arguments;
                arguments.Count.ShouldBe(t.Item1.Length, "one argument per template word");
                for (var i = 0; i < arguments.Count; i++)
                {
                    if (!t.Item1[i].StartsWith('-'))
                    {
                        arguments[i].ShouldNotStartWith("-", Case.Sensitive, $"the value in '{t.Item1[i]}' became an option");
                    }
                }
            });
    }
}
