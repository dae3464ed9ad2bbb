using Nulecule.Answers;
using Nulecule.Resolution;
using Nulecule.Spec;

namespace Nulecule.Tests.Answers;

/// <summary>Builds apps in code, so the answers tests do not depend on the spec loader.</summary>
internal static class TestApps
{
    public static SourceLocation Here { get; } = new("/apps/x/Nulecule", 3, 5);

    public static Param P(string name, Scalar? value = null, string? description = null, bool hidden = false, params Constraint[] constraints) =>
        new() { Name = name, Default = value, Description = description ?? $"the {name}", Hidden = hidden, Constraints = constraints, Location = Here };

    public static Scalar S(string text) => Scalar.String(text);

    public static Scalar I(int value) => new(value.ToString(System.Globalization.CultureInfo.InvariantCulture), ScalarKind.Integer);

    public static Constraint C(string pattern, string? description = null) => new(pattern, description, Here);

    public static Component Local(string name, params Param[] parameters) => new()
    {
        Name = name,
        Params = parameters,
        Artifacts = new Dictionary<string, IReadOnlyList<ArtifactEntry>>
        {
            ["docker"] = [new PathArtifact($"file://artifacts/docker/{name}", Here)],
            ["kubernetes"] = [new PathArtifact($"file://artifacts/kubernetes/{name}.yaml", Here)],
        },
        Location = Here,
    };

    public static Component Nested(string name, params Param[] parameters) => new()
    {
        Name = name,
        Source = $"docker://example/{name}",
        Params = parameters,
        Location = Here,
    };

    public static Application App(string id, IReadOnlyList<Param> globals, params Component[] graph) => new()
    {
        Id = id,
        SpecVersion = "0.0.2",
        Params = globals,
        Graph = graph,
        Directory = $"/apps/{id}",
        File = $"/apps/{id}/Nulecule",
    };

    public static AppNode Root(Application app, params (string Name, Application App)[] nested) =>
        new(app, null, nested.ToDictionary(n => n.Name, n => new AppNode(n.App, n.Name, new Dictionary<string, AppNode>())));

    /// <summary>
    /// wordpress (root: global `provider`, `region`; component `web` with image, port (constrained), db_pass (hidden);
    /// nested `db` app with global `db_user` and component `mariadb` with image, db_pass (hidden, required)).
    /// </summary>
    public static AppNode Wordpress()
    {
        var db = App("db", [P("db_user", S("admin"))],
            Local("mariadb", P("image", S("mariadb")), P("db_pass", hidden: true)));
        var root = App("wordpress", [P("provider", S("kubernetes"), "The provider"), P("region", S("eu"))],
            Nested("db"),
            Local("web", P("image", S("wordpress")), P("port", I(8080), "web port", false, C("[0-9]{1,5}", "a port number")),
                P("db_pass", S("changeme"), hidden: true)));
        return Root(root, ("db", db));
    }

    public static AnswersFile Ini(string text, string path = "answers.conf") => AnswersFile.Parse(text, path, AnswersFormat.Ini);
}
