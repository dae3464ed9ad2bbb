using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using CsCheck;
using Nulecule.Kubernetes.Tests.Support;
using Nulecule.Spec;
using Nulecule.Templating;

namespace Nulecule.Kubernetes.Tests;

/// <summary>
/// kubectl is the oracle for what a Kubernetes artifact means: for generated documents with no
/// `$` at all, the objects nulecule renders (what the provider sends to the API server) equal what
/// `kubectl create --dry-run=client -o json -f ORIGINAL` makes of the same file, scalar for scalar.
/// </summary>
public class KubectlMeaningPropertyTests
{
    // Plain scalars whose meaning differs between YAML 1.1 (kubectl) and YAML 1.2, and ordinary ones.
    private static readonly string[] Tricky =
    [
        "0644", "0755", "007", "08", "09", "0", "-0", "+12", "0x1F", "-0x1F", "0o17", "0b101", "1_000", "1e3", "1E-2", ".5", "-.5", "1.", "1.10",
        "yes", "Yes", "YES", "no", "No", "on", "On", "off", "OFF", "y", "Y", "n", "N", "true", "True", "FALSE", "null", "Null", "~",
        "2020-01-01", "2001-12-14t21:59:43.10-05:00", "3306:3306", "190:20:30", "1.2.3", "1e400", "18446744073709551615",
        "9223372036854775807", "-9223372036854775808", "123456789012345678901234567890", "abc", "hello world", "NaN", "Infinity", "0x", "0b",
    ];

    private static readonly string[] Keys = ["alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta", "theta"];

    private static readonly Gen<string> Scalar = Gen.OneOf(
        Gen.Int[0, Tricky.Length - 1].Select(i => Tricky[i]),
        Gen.Long.Select(l => l.ToString(CultureInfo.InvariantCulture)),
        Gen.Int[0, 99999].Select(i => "0" + i.ToString(CultureInfo.InvariantCulture)),
        Gen.Double.Where(double.IsFinite).Select(d => d.ToString("R", CultureInfo.InvariantCulture)),
        Gen.Char["abcxyz"].Array[1, 6].Select(c => new string(c)));

    // value: a scalar, a flow list, a block list, or a nested mapping of scalars (lines after the key).
    private static readonly Gen<Func<int, string>> Value = Gen.OneOf(
        Scalar.Select(s => (Func<int, string>)(_ => " " + s + "\n")),
        Scalar.Array[0, 4].Select(items => (Func<int, string>)(_ => " [" + string.Join(", ", items) + "]\n")),
        Scalar.Array[1, 4].Select(items => (Func<int, string>)(indent => "\n" + string.Concat(items.Select(i => new string(' ', indent) + "- " + i + "\n")))),
        Gen.Select(Gen.Int[0, Keys.Length - 1].Array[1, 3], Scalar.Array[3]).Select(pair => (Func<int, string>)(indent =>
            "\n" + string.Concat(pair.Item1.Distinct().Select((k, i) => new string(' ', indent + 2) + Keys[k] + ": " + pair.Item2[i] + "\n")))));

    private static readonly Gen<string> Payload = Gen.Select(Gen.Int[0, Keys.Length - 1].Array[1, 6], Value.Array[6])
        .Select(pair => string.Concat(pair.Item1.Distinct().Select((k, i) => "  " + Keys[k] + ":" + pair.Item2[i](4))));

    [KubectlFact]
    public void Should_give_untouched_scalars_the_meaning_kubectl_gives_them()
    {
        Payload.Array[100].Sample(
            payloads =>
            {
                // Given: one stream of ConfigMaps, each carrying a generated payload
                var text = new StringBuilder();
                for (var i = 0; i < payloads.Length; i++)
                {
                    text.Append("---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: probe-").Append(i).Append("\npayload:\n").Append(payloads[i]);
                }

                var yaml = text.ToString();
                yaml.ShouldNotContain("$");

                // When
                var ours = ArtifactRenderer.Render("probe", "kubernetes", "probe.yaml", yaml, new Dictionary<string, Spec.Scalar>(), null).Documents;
                var theirs = Kubectl.CreateDryRun(yaml);

                // Then
                ours.Count.ShouldBe(theirs.Count);
                for (var i = 0; i < ours.Count; i++)
                {
                    var expected = theirs[i]!.AsObject();
                    expected["metadata"]!.AsObject().Remove("namespace"); // kubectl fills in the context's namespace
                    Same(ours[i], expected).ShouldBeTrue($"nulecule {ours[i].ToJsonString()}\nkubectl  {expected.ToJsonString()}\nfrom\n{payloads[i]}");
                }
            },
            iter: 5, threads: 1);
    }

    // kubectl holds every number as an int64 or a float64; compare numbers as kubectl would print them.
    private static bool Same(JsonNode? a, JsonNode? b) => (a, b) switch
    {
        (null, null) => true,
        (JsonObject x, JsonObject y) => x.Count == y.Count && x.All(p => y.TryGetPropertyValue(p.Key, out var v) && Same(p.Value, v)),
        (JsonArray x, JsonArray y) => x.Count == y.Count && x.Zip(y).All(p => Same(p.First, p.Second)),
        (JsonValue x, JsonValue y) when x.GetValueKind() == JsonValueKind.Number && y.GetValueKind() == JsonValueKind.Number =>
            double.Parse(x.ToJsonString(), CultureInfo.InvariantCulture) == double.Parse(y.ToJsonString(), CultureInfo.InvariantCulture),
        (JsonValue x, JsonValue y) => JsonNode.DeepEquals(x, y),
        _ => false,
    };
}

internal static class Kubectl
{
    public static string? Binary { get; } = Find();

    public static List<JsonNode?> CreateDryRun(string yaml)
    {
        var file = Path.Combine(Path.GetTempPath(), $"kubectl-probe-{Guid.NewGuid():N}.yaml");
        File.WriteAllText(file, yaml);
        try
        {
            var stdout = Run("create", "--dry-run=client", "--validate=false", "-o", "json", "-f", file);

            // kubectl prints one JSON object after another (or a List).
            var objects = new List<JsonNode?>();
            var reader = new Utf8JsonReader(Encoding.UTF8.GetBytes(stdout), new JsonReaderOptions { AllowMultipleValues = true });
            while (reader.Read())
            {
                var node = JsonNode.Parse(ref reader)!;
                objects.AddRange(node["kind"]?.GetValue<string>() == "List" ? [.. node["items"]!.AsArray().Select(i => i?.DeepClone())] : [node]);
            }

            return objects;
        }
        finally
        {
            File.Delete(file);
        }
    }

    /// <summary>Runs kubectl with <paramref name="arguments"/> against the test cluster; its stdout (it must succeed).</summary>
    public static string Run(params string[] arguments)
    {
        var start = new ProcessStartInfo(Binary!, arguments) { RedirectStandardOutput = true, RedirectStandardError = true };
        start.Environment["KUBECONFIG"] = Cluster.Kubeconfig;
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEnd();
        process.WaitForExit();
        process.ExitCode.ShouldBe(0, stderr);
        return stdout.Result;
    }

    private static string? Find()
    {
        var candidates = new[] { Environment.GetEnvironmentVariable("KUBECTL"), "/opt/nulecule-kube/bin/kubectl" }
            .Concat((Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Select(d => Path.Combine(d, "kubectl")));
        return candidates.FirstOrDefault(c => !string.IsNullOrEmpty(c) && File.Exists(c));
    }
}

/// <summary>Skips, saying why, when no cluster answers or no kubectl is installed.</summary>
public sealed class KubectlFactAttribute : FactAttribute
{
    public KubectlFactAttribute()
    {
        if (Cluster.SkipReason is { } why)
        {
            Skip = why;
        }
        else if (Kubectl.Binary is null)
        {
            Skip = "no kubectl (set KUBECTL, or put kubectl on PATH; the test bed installs /opt/nulecule-kube/bin/kubectl)";
        }
    }
}
