using Nulecule.Answers;
using Nulecule.Resolution;
using Nulecule.Spec;
using Nulecule.Templating;

namespace Nulecule.Docker.Tests;

/// <summary>Builds rendered apps by hand, as the templating stage would hand them over.</summary>
internal static class TestApps
{
    public static DockerRunCommand Command(string text, string file = "artifacts/docker/run", int line = 1) =>
        new(Tokenize(text), new SourceLocation(file, line, 1));

    /// <summary>A component with one artifact per command text (`docker run` prefix optional).</summary>
    public static RenderedComponent Component(string name, params string[] commands) =>
        new(name, name, Root(), commands.Select((c, i) => new RenderedArtifact
        {
            Component = name,
            Provider = "docker",
            Source = $"artifacts/docker/{name}-{i}",
            Format = ArtifactFormat.DockerRun,
            Commands = [Command(c, $"artifacts/docker/{name}-{i}")],
            Text = c,
        }).ToList());

    public static RenderedApp App(string id, IEnumerable<RenderedComponent> components, IEnumerable<string>? secrets = null, IEnumerable<PersistentVolumeRequirement>? volumes = null)
    {
        var parameters = (secrets ?? []).Select((s, i) => new ResolvedParam("general", $"secret{i}", Scalar.String(s), ValueOrigin.CommandLine, null, true, null)).ToList();
        var values = new ResolvedValues(parameters, new Dictionary<string, string>(), new Dictionary<string, IReadOnlyDictionary<string, Scalar>>());
        return new RenderedApp(Root(id), "docker", components.ToList(), (volumes ?? []).ToList(), values);
    }

    public static AppNode Root(string id = "test-app") =>
        new(new Application { Id = id, SpecVersion = "0.0.2", Directory = Path.GetTempPath(), File = Path.Combine(Path.GetTempPath(), "Nulecule") }, null, new Dictionary<string, AppNode>());

    /// <summary>Shell-like words: whitespace splits, single and double quotes group, `docker run` dropped.</summary>
    public static List<string> Tokenize(string text)
    {
        var words = new List<string>();
        var current = new System.Text.StringBuilder();
        var inWord = false;
        char quote = '\0';
        foreach (var c in text.Replace("\\\n", " "))
        {
            if (quote != '\0')
            {
                if (c == quote)
                {
                    quote = '\0';
                }
                else
                {
                    current.Append(c);
                }
            }
            else if (c is '\'' or '"')
            {
                quote = c;
                inWord = true;
            }
            else if (char.IsWhiteSpace(c))
            {
                if (inWord)
                {
                    words.Add(current.ToString());
                    current.Clear();
                    inWord = false;
                }
            }
            else
            {
                current.Append(c);
                inWord = true;
            }
        }

        if (inWord)
        {
            words.Add(current.ToString());
        }

        if (words.Count >= 2 && words[0] == "docker" && words[1] == "run")
        {
            words.RemoveRange(0, 2);
        }

        return words;
    }
}
