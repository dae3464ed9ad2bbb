using System.Text.Json.Nodes;
using Nulecule.Answers;
using Nulecule.Resolution;
using Nulecule.Spec;
using Nulecule.Templating;

namespace Nulecule.Tests.Actions;

/// <summary>Rendered apps built in memory: a `web` Deployment (image, hidden password) and optional `db` Service.</summary>
public static class ReleaseTestApps
{
    public const string AppId = "shop";

    public static RenderedApp Make(string image = "nginx:1.25", string password = "s3cret-pass", bool withDb = true, string provider = "kubernetes")
    {
        var location = new SourceLocation("Nulecule", 1, 1);
        var components = new List<(string Name, JsonNode Doc)>
        {
            ("web", JsonNode.Parse("""
                {"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web"},
                 "spec":{"replicas":1,"template":{"spec":{"containers":[{"name":"web","image":"@IMAGE@",
                 "env":[{"name":"DB_PASSWORD","value":"@PASSWORD@"},{"name":"MODE","value":"prod"}]}]}}}}
                """.Replace("@IMAGE@", image, StringComparison.Ordinal).Replace("@PASSWORD@", password, StringComparison.Ordinal))!),
        };
        if (withDb)
        {
            components.Add(("db", JsonNode.Parse("""{"apiVersion":"v1","kind":"Service","metadata":{"name":"db"},"spec":{"ports":[{"port":5432}]}}""")!));
        }

        var application = new Application
        {
            Id = AppId,
            SpecVersion = "0.0.2",
            Metadata = new Metadata { Name = "Shop", AppVersion = "1.0" },
            Graph = components.Select(c => new Component { Name = c.Name, Location = location }).ToList(),
            Directory = "/apps/shop",
            File = "/apps/shop/Nulecule",
        };
        var root = new AppNode(application, null, new Dictionary<string, AppNode>());
        var rendered = components.Select(c => new RenderedComponent(c.Name, c.Name, root,
        [
            new RenderedArtifact
            {
                Component = c.Name,
                Provider = provider,
                Source = $"artifacts/{provider}/{c.Name}.json",
                Format = ArtifactFormat.Json,
                Documents = [c.Doc],
                Text = c.Doc.ToJsonString(),
            },
        ])).ToList();
        var parameters = new List<ResolvedParam>
        {
            new("web", "image", Scalar.String(image), ValueOrigin.CommandLine, null, false, "image"),
            new("web", "password", Scalar.String(password), ValueOrigin.AnswersFile, new SourceLocation("answers.conf", 3, 1), true, "db password"),
        };
        var contexts = new Dictionary<string, IReadOnlyDictionary<string, Scalar>>
        {
            ["web"] = new Dictionary<string, Scalar> { ["image"] = Scalar.String(image), ["password"] = Scalar.String(password) },
        };
        var values = new ResolvedValues(parameters, new Dictionary<string, string> { ["provider"] = provider, ["namespace"] = "shop" }, contexts);
        return new RenderedApp(root, provider, rendered, [new PersistentVolumeRequirement("data", "ReadWrite", "1Gi", location)], values);
    }

    /// <summary>The image of the `web` Deployment an app carries.</summary>
    public static string ImageOf(RenderedApp app) =>
        app.Components.Single(c => c.Scope == "web").Artifacts[0].Documents[0]["spec"]!["template"]!["spec"]!["containers"]![0]!["image"]!.ToString();
}
