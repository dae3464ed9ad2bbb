using System.Text;
using Nulecule.Templating;

namespace Nulecule.Actions;

/// <summary>One rendered artifact as text, ready to print or write to a file.</summary>
public sealed record RenderedFile(string Component, string Source, string RelativePath, string Text);

/// <summary>
/// Turns a rendered app into text: YAML sources as YAML, JSON sources as JSON, docker artifacts
/// as `docker run` lines quoted for a POSIX shell. Hidden values are masked unless
/// <c>showSecrets</c>: `template` output is often pasted into tickets and logs.
/// </summary>
public static class TemplateOutput
{
    public static IReadOnlyList<RenderedFile> Files(RenderedApp app, bool showSecrets)
    {
        var masker = showSecrets ? SecretMasker.None : app.Values.Masker;
        var files = new List<RenderedFile>();
        foreach (var component in app.Components)
        {
            var used = new HashSet<string>(StringComparer.Ordinal);
            foreach (var artifact in component.Artifacts)
            {
                var name = Path.GetFileName(artifact.Source.TrimEnd('/'));
                var candidate = name;
                for (var i = 2; !used.Add(candidate); i++)
                {
                    candidate = $"{Path.GetFileNameWithoutExtension(name)}-{i}{Path.GetExtension(name)}";
                }

                var dir = component.Scope.Replace(':', Path.DirectorySeparatorChar);
                files.Add(new RenderedFile(component.Scope, artifact.Source, Path.Combine(dir, candidate), masker.Mask(Text(artifact))));
            }
        }

        return files;
    }

    /// <summary>The whole app as one stream: each document headed by its component and source.</summary>
    public static string Stream(RenderedApp app, bool showSecrets)
    {
        var builder = new StringBuilder();
        foreach (var file in Files(app, showSecrets))
        {
            builder.Append("---\n");
            builder.Append("# component: ").Append(file.Component).Append('\n');
            builder.Append("# source: ").Append(file.Source).Append('\n');
            builder.Append(file.Text);
            if (!file.Text.EndsWith('\n'))
            {
                builder.Append('\n');
            }
        }

        return builder.ToString();
    }

    public static string Text(RenderedArtifact artifact) => artifact.Format switch
    {
        ArtifactFormat.Json => string.Concat(artifact.Documents.Select(d => DocumentWriter.ToJson(d).TrimEnd('\n') + "\n")),
        ArtifactFormat.Yaml => DocumentWriter.ToYaml(artifact.Documents.ToList()),
        ArtifactFormat.DockerRun => string.Concat(artifact.Commands.Select(c => "docker run " + string.Join(' ', c.Arguments.Select(ShellQuote)) + "\n")),
        _ => artifact.Text,
    };

    /// <summary>Quotes a word for a POSIX shell only when it needs it.</summary>
    public static string ShellQuote(string word)
    {
        if (word.Length > 0 && word.All(c => char.IsAsciiLetterOrDigit(c) || "-_./:=@,%+".Contains(c)))
        {
            return word;
        }

        return "'" + word.Replace("'", "'\\''", StringComparison.Ordinal) + "'";
    }
}
