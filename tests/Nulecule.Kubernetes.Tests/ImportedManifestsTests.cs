using System.Text.Json.Nodes;
using Nulecule.Actions;
using Nulecule.Compose.Import;
using Nulecule.Kubernetes.Tests.Support;
using Nulecule.Templating;

namespace Nulecule.Kubernetes.Tests;

/// <summary>
/// The manifests `nulecule import` writes for the compose files of docs/import, rendered with
/// values, are what kubectl accepts: `kubectl create --dry-run=client` reads every object, of the
/// same kind and name, and types replica counts and ports as we do.
/// </summary>
public sealed class ImportedManifestsTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("import-kubectl-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    public static TheoryData<string> Examples() => new("wordpress", "three-tier", "secrets-configs", "profiles", "include");

    private static readonly string[] Answers =
        ["WORDPRESS_DB_PASSWORD=wp-pass", "DB_ROOT_PASSWORD=root-pass", "DB_PASSWORD=db-pass", "API_KEY=key", "APP_PORT=8081", "API_REPLICAS=3"];

    [KubectlTheory]
    [MemberData(nameof(Examples))]
    public async Task Should_render_manifests_kubectl_reads_as_the_same_objects(string example)
    {
        // Given: the example imported
        var compose = Path.Combine(Cluster.RepoRoot(), "docs", "import", example, "compose.yaml");
        var imported = ComposeImporter.Import(new ImportOptions { Files = [compose], Destination = Path.Combine(_dir, example) });
        var app = imported.Destination;
        var sets = Answers.Where(a => imported.Params.Any(p => a.StartsWith(p.Name + "=", StringComparison.Ordinal))).ToList();

        // When: rendered with values, and read by kubectl
        var outcome = await RenderAction.RunAsync(new RenderOptions { AppPath = app, Provider = "kubernetes", Sets = sets, Environment = new Dictionary<string, string>() });
        var ours = outcome.App.Components.SelectMany(c => c.Artifacts).SelectMany(a => a.Documents).ToList();
        var theirs = Kubectl.CreateDryRun(DocumentWriter.ToYaml(ours));

        // Then
        theirs.Select(o => $"{o!["kind"]}/{o["metadata"]!["name"]}").ShouldBe(ours.Select(o => $"{o!["kind"]}/{o["metadata"]!["name"]}"));
        foreach (var (mine, kubectl) in ours.Zip(theirs))
        {
            if ((string?)mine!["kind"] == "Deployment")
            {
                kubectl!["spec"]!["replicas"]!.GetValue<long>().ShouldBe(mine["spec"]!["replicas"]!.GetValue<long>());
                var port = kubectl["spec"]!["template"]!["spec"]!["containers"]![0]!["ports"]?[0]?["containerPort"];
                port?.GetValue<long>().ShouldBeGreaterThan(0);
            }
        }

        if (example == "three-tier")
        {
            theirs.Single(o => (string?)o!["kind"] == "Deployment" && (string?)o["metadata"]!["name"] == "api")!["spec"]!["replicas"]!.GetValue<long>().ShouldBe(3);
        }
    }
}

/// <summary>A theory that skips, saying why, when no cluster answers or no kubectl is installed.</summary>
public sealed class KubectlTheoryAttribute : TheoryAttribute
{
    public KubectlTheoryAttribute()
    {
        var fact = new KubectlFactAttribute();
        if (fact.Skip is { } why)
        {
            Skip = why;
        }
    }
}
