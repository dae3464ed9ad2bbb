using System.Text.Json.Nodes;
using Nulecule.Answers;
using Nulecule.Resolution;

namespace Nulecule.Templating;

public enum ArtifactFormat
{
    Json,
    Yaml,
    DockerRun,
    Text,

    /// <summary>A compose file: one resolved compose document in <see cref="RenderedArtifact.Documents"/>.</summary>
    Compose,
}

/// <summary>One `docker run` command of a docker artifact, after substitution, without `docker run`.</summary>
public sealed record DockerRunCommand(IReadOnlyList<string> Arguments, SourceLocation Location)
{
    /// <summary>
    /// What the command read from outside its own text when it was deployed (env and label files
    /// by path, bare `-e NAME` variables; null values for unset ones), kept with the revision so a
    /// replay needs neither the app directory nor the shell. Null: not captured, read live.
    /// </summary>
    public IReadOnlyDictionary<string, string?>? Inputs { get; init; }
}

/// <summary>
/// One artifact file after substitution. Structured artifacts (JSON/YAML) carry
/// <see cref="Documents"/>; docker artifacts carry <see cref="Commands"/>; text artifacts carry
/// only <see cref="Text"/>. <see cref="Text"/> is always the rendered text.
/// </summary>
public sealed record RenderedArtifact
{
    /// <summary>Answers scope of the component (`name` or `parent:name`).</summary>
    public required string Component { get; init; }
    public required string Provider { get; init; }

    /// <summary>Path of the source artifact, relative to the root app directory when inside it.</summary>
    public required string Source { get; init; }
    public required ArtifactFormat Format { get; init; }
    public IReadOnlyList<JsonNode> Documents { get; init; } = [];
    public IReadOnlyList<DockerRunCommand> Commands { get; init; } = [];

    /// <summary>
    /// A compose artifact's model as loaded from its file, with the places its services and ports
    /// are written (so a provider's refusal names file:line:column); null when the artifact was
    /// replayed from a stored revision, where <see cref="ComposeProjectOf"/> reads the document.
    /// </summary>
    public Compose.ComposeProject? ComposeProject { get; init; }

    /// <summary>The compose model of a compose artifact: as loaded when known, else from its stored document.</summary>
    public Compose.ComposeProject ComposeProjectOf() =>
        ComposeProject ?? Compose.ComposeModel.FromDocument((System.Text.Json.Nodes.JsonObject)Documents[0], Source);
    /// <summary>
    /// The rendered text. For JSON/YAML it is written from <see cref="Documents"/> when first read
    /// (most deployments never need it), for docker artifacts from <see cref="Commands"/>.
    /// </summary>
    public string Text
    {
        get => _text ??= PrintedUtf8 is not null || _printed is not null
            ? throw new InvalidOperationException($"{Source} was rendered for printing only; its documents were not kept")
            : Format switch
        {
            ArtifactFormat.Json => DocumentWriter.ToJson(Documents.ToList()),
            ArtifactFormat.Yaml or ArtifactFormat.Compose => DocumentWriter.ToYaml(Documents.ToList()),
            ArtifactFormat.DockerRun => DockerRunParser.Format(Commands),
            _ => "",
        };
        init => _text = value;
    }

    /// <summary>
    /// The text `template` prints (hidden values masked unless asked otherwise), when the render
    /// was asked to print as it went (<c>RenderOptions.Print</c>); <see cref="Documents"/> and
    /// <see cref="Commands"/> are then empty.
    /// </summary>
    public string? Printed
    {
        get => _printed ??= PrintedUtf8 is { } utf8 ? System.Text.Encoding.UTF8.GetString(utf8) : null;
        init => _printed = value;
    }

    /// <summary>
    /// <see cref="Printed"/> as UTF-8, when the render kept the bytes it writes (`template`): the
    /// stream is written from them as they are, and the text is decoded only if asked for.
    /// </summary>
    public byte[]? PrintedUtf8 { get; init; }

    /// <summary>Whether <see cref="Text"/> was given or already written (else it is written from the documents or commands).</summary>
    internal bool HasText => _text is not null;

    private string? _text;
    private string? _printed;
}

public sealed record RenderedComponent(string Scope, string Name, AppNode Owner, IReadOnlyList<RenderedArtifact> Artifacts);

/// <summary>Everything one provider needs to deploy the app: the output of `template`.</summary>
public sealed record RenderedApp(
    AppNode Root,
    string Provider,
    IReadOnlyList<RenderedComponent> Components,
    IReadOnlyList<Spec.PersistentVolumeRequirement> Volumes,
    ResolvedValues Values);
