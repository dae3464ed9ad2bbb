using System.Text.Json.Nodes;
using Nulecule.Compose;
using Nulecule.Spec;

namespace Nulecule.Templating;

/// <summary>
/// Renders one artifact file for one provider: docker artifacts become commands, `.json`/`.yaml`
/// become documents (structurally substituted, with a textual fallback), anything else becomes
/// documents when it is a YAML/JSON mapping or list, and substituted text otherwise.
/// </summary>
public static class ArtifactRenderer
{
    public static RenderedArtifact Render(
        string component,
        string provider,
        string sourceDisplayPath,
        string text,
        IReadOnlyDictionary<string, Scalar> context,
        PointerArtifact? pointers) =>
        RenderWithReport(component, provider, sourceDisplayPath, text, context, pointers).Artifact;

    /// <param name="fullPath">The artifact file on disk, when it is: a compose file's relative paths start at its directory.</param>
    /// <param name="appRoot">The root app's directory, which no file a compose file names may leave.</param>
    public static ArtifactRendering RenderWithReport(
        string component,
        string provider,
        string sourceDisplayPath,
        string text,
        IReadOnlyDictionary<string, Scalar> context,
        PointerArtifact? pointers,
        string? fullPath = null,
        string? appRoot = null)
    {
        ArgumentNullException.ThrowIfNull(provider);
        ArgumentNullException.ThrowIfNull(sourceDisplayPath);
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(context);
        var file = sourceDisplayPath;

        // Compose files take the params as their interpolation variables; `$param` substitution is not applied.
        if (ComposeLoader.ArtifactKeys.Contains(provider) && ComposeLoader.LooksLikeCompose(text))
        {
            return ComposeArtifact.Render(component, provider, file, text, context, pointers, fullPath, appRoot);
        }

        if (provider == "docker")
        {
            if (pointers is not null)
            {
                throw new NuleculeException(
                    "the pointer form (resource + params) needs a JSON or YAML artifact, not a docker command",
                    pointers.Location,
                    "use $name references in the docker artifact instead");
            }

            var docker = DockerRunParser.Parse(file, text, context);
            return new ArtifactRendering(
                Artifact(component, provider, file, ArtifactFormat.DockerRun, DockerRunParser.Format(docker.Commands)) with { Commands = docker.Commands },
                docker.Used,
                docker.Unresolved);
        }

        var extension = Path.GetExtension(file).ToLowerInvariant();
        ArtifactFormat? declared = extension switch
        {
            ".json" => ArtifactFormat.Json,
            ".yaml" or ".yml" => ArtifactFormat.Yaml,
            _ => null,
        };

        // Whether the source parses decides structural vs textual substitution. Parse and substitute
        // in one pass; only when that fails, ask whether the source itself is not YAML/JSON (then
        // text substitution is the fallback) or the values broke a rule (then that is the error).
        var parsesAsIs = StructuredRenderer.TryRender(file, text, context, out var plain, out var failure);
        if (!parsesAsIs && StructuredRenderer.TryRender(file, text, null, out _, out _))
        {
            throw failure!;
        }

        IReadOnlyList<JsonNode> documents;
        IReadOnlyList<string> used;
        IReadOnlyList<string> unresolved;
        ArtifactFormat format;
        if (declared is { } known)
        {
            format = known;
            if (parsesAsIs)
            {
                (documents, used, unresolved) = (plain!.Documents, plain.Used, plain.Unresolved);
            }
            else
            {
                var textual = TextRenderer.Render(file, text, context, known);
                (documents, used, unresolved) = (textual.Documents, textual.Used, textual.Unresolved);
            }
        }
        else if (parsesAsIs && plain!.Documents.Count > 0 && plain.Documents.All(d => d is JsonObject or JsonArray))
        {
            // A README or a script can parse as a single YAML string; only mappings and lists are documents.
            format = text.TrimStart().StartsWith('{') || text.TrimStart().StartsWith('[') ? ArtifactFormat.Json : ArtifactFormat.Yaml;
            (documents, used, unresolved) = (plain.Documents, plain.Used, plain.Unresolved);
        }
        else
        {
            if (pointers is not null)
            {
                throw new NuleculeException(
                    $"the pointer form needs a JSON or YAML artifact, and {file} is neither",
                    pointers.Location,
                    "point the resource at a .json or .yaml file");
            }

            var textual = TextRenderer.Render(file, text, context, ArtifactFormat.Text);
            return new ArtifactRendering(Artifact(component, provider, file, ArtifactFormat.Text, textual.Text), textual.Used, textual.Unresolved);
        }

        if (pointers is not null)
        {
            PointerSubstitution.Apply(documents, pointers.Pointers, context, pointers.Location);
            used = used.Concat(pointers.Pointers.Keys).Distinct(StringComparer.Ordinal).ToList();
        }

        // Text is written from the documents when first asked for (template output, records).
        return new ArtifactRendering(
            Artifact(component, provider, file, format, null) with { Documents = documents },
            used,
            unresolved);
    }

    private static RenderedArtifact Artifact(string component, string provider, string file, ArtifactFormat format, string? text)
    {
        var artifact = new RenderedArtifact { Component = component, Provider = provider, Source = file, Format = format };
        return text is null ? artifact : artifact with { Text = text };
    }
}
