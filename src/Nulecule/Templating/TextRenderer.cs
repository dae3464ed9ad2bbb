using System.Text.Json;
using System.Text.Json.Nodes;
using Nulecule.Spec;

namespace Nulecule.Templating;

/// <summary>
/// The fallback for artifacts that are not YAML/JSON before substitution: substitute the raw text,
/// as Atomic App did. When the artifact claims to be JSON or YAML, the result must then parse;
/// otherwise we name the param whose value most likely broke it (never the value: it may be secret).
/// </summary>
public static class TextRenderer
{
    /// <param name="format"><see cref="ArtifactFormat.Json"/> or <see cref="ArtifactFormat.Yaml"/> to require the result to parse; anything else returns the text as is.</param>
    public static TextRenderResult Render(string file, string text, IReadOnlyDictionary<string, Scalar> context, ArtifactFormat format)
    {
        ArgumentNullException.ThrowIfNull(text);
        var substituted = Substitution.Apply(text, context);
        if (format is not (ArtifactFormat.Json or ArtifactFormat.Yaml))
        {
            return new TextRenderResult(substituted.Text, [], substituted.Used, substituted.Unresolved);
        }

        if (!TryParse(file, substituted.Text, format, out var documents, out var error))
        {
            throw Explain(file, text, substituted, error!, format);
        }

        CheckStructure(file, text, substituted, documents, context, format);
        return new TextRenderResult(substituted.Text, documents, substituted.Used, substituted.Unresolved);
    }

    private static bool TryParse(string file, string text, ArtifactFormat format, out IReadOnlyList<JsonNode> documents, out NuleculeException? error)
    {
        if (StructuredRenderer.TryRender(file, text, null, out var parsed, out error))
        {
            documents = parsed!.Documents;
            return true;
        }

        // A few JSON texts are not YAML (a tab where YAML wants indentation); JSON must still load.
        if (format == ArtifactFormat.Json && TryParseJson(text, out var json))
        {
            documents = [json];
            return true;
        }

        documents = [];
        return false;
    }

    /// <summary>
    /// Even textually, a value may only fill a scalar. Render once more with a harmless word in
    /// place of every value; if the real values give a different shape (more keys, a list where a
    /// word was), one of them changed the structure, and we find which.
    /// </summary>
    private static void CheckStructure(
        string file,
        string source,
        SubstitutionResult rendered,
        IReadOnlyList<JsonNode> documents,
        IReadOnlyDictionary<string, Scalar> context,
        ArtifactFormat format)
    {
        if (rendered.Used.Count == 0)
        {
            return;
        }

        var neutral = Neutral(rendered.Used, i => $"NuleculeRef{i}x");
        if (TryParse(file, Substitution.Apply(source, neutral).Text, format, out var expected, out _))
        {
            if (!SameShape(expected, documents))
            {
                throw Culprit(file, source, rendered, context, neutral, format, actual => SameShape(expected, actual), "changes the structure of the artifact (it adds keys, items or nesting)");
            }

            return;
        }

        // The template parses only with real values (a reference standing for whole lines, as
        // `$extra` alone on a line). Other neutral forms give the objects the author meant; the
        // values may fill them but never add, remove or move an object. When two neutral forms
        // give different objects, the objects depend on the values: no value can be checked.
        var forms = new List<(Dictionary<string, Scalar> Alternative, IReadOnlyList<JsonNode> Meant)>();
        foreach (var form in NeutralForms)
        {
            var alternative = Neutral(rendered.Used, form);
            if (TryParse(file, Substitution.Apply(source, alternative).Text, format, out var meant, out _))
            {
                forms.Add((alternative, meant));
            }
        }

        if (forms.Count > 0)
        {
            var (alternative, meant) = forms[0];
            if (forms.Skip(1).Any(f => !SameObjects(meant, f.Meant) || !SameObjects(f.Meant, meant)))
            {
                throw new NuleculeException(
                    $"the artifact has other objects (documents, kinds, names or namespaces) depending on the values of {string.Join(", ", rendered.Used.Select(n => $"'{n}'"))}, so they cannot be checked",
                    LocationOf(file, source, rendered.Spans[0].SourceStart),
                    "write the artifact so that a $reference fills one value, or a whole `key: value` line of a mapping");
            }

            if (!SameObjects(meant, documents))
            {
                throw Culprit(file, source, rendered, context, alternative, format, actual => SameObjects(meant, actual),
                    "adds, removes or renames objects of the artifact (documents, kinds, names or namespaces)");
            }

            return;
        }

        var first = rendered.Spans[0];
        throw new NuleculeException(
            $"the artifact is valid {(format == ArtifactFormat.Json ? "JSON" : "YAML")} only with the values given, so its objects cannot be checked against them",
            LocationOf(file, source, first.SourceStart),
            "write the artifact so that it parses with any word in place of each $reference (quote references inside strings)");
    }

    /// <summary>
    /// Placeholders for a reference that stands for more than one value: a `key: value` line,
    /// nothing, and a short word (where the long placeholder word made a key too long for YAML's
    /// 1024-character limit on implicit keys).
    /// </summary>
    private static readonly Func<int, string>[] NeutralForms = [i => $"nuleculeRef{i}x: 0", _ => "", _ => "w"];

    private static Dictionary<string, Scalar> Neutral(IReadOnlyList<string> used, Func<int, string> form) =>
        used.Select((name, i) => (name, i)).ToDictionary(p => p.name, p => Scalar.String(form(p.i)), StringComparer.Ordinal);

    private static NuleculeException Culprit(
        string file, string source, SubstitutionResult rendered, IReadOnlyDictionary<string, Scalar> context, Dictionary<string, Scalar> neutral,
        ArtifactFormat format, Func<IReadOnlyList<JsonNode>, bool> same, string what)
    {
        foreach (var name in rendered.Used)
        {
            var one = new Dictionary<string, Scalar>(neutral, StringComparer.Ordinal) { [name] = context[name] };
            if (!TryParse(file, Substitution.Apply(source, one).Text, format, out var actual, out _) || !same(actual))
            {
                var span = rendered.Spans.First(s => s.Name == name);
                return new NuleculeException(
                    $"the value of param '{name}' {what}",
                    LocationOf(file, source, span.SourceStart),
                    "a value can only fill one value of the document: change the value, or quote the reference");
            }
        }

        return new NuleculeException(
            $"the values of params {string.Join(", ", rendered.Used.Select(n => $"'{n}'"))} together {what}",
            new SourceLocation(file, 0, 0),
            "a value can only fill one value of the document: change the values, or quote the references");
    }

    /// <summary>Same number of documents, and each the same kind, name and namespace (a placeholder there may take any value).</summary>
    private static bool SameObjects(IReadOnlyList<JsonNode> meant, IReadOnlyList<JsonNode> actual) =>
        meant.Count == actual.Count && meant.Zip(actual).All(p =>
            SameField(Field(p.First, "kind"), Field(p.Second, "kind")) &&
            SameField(Field(Field(p.First, "metadata"), "name"), Field(Field(p.Second, "metadata"), "name")) &&
            SameField(Field(Field(p.First, "metadata"), "namespace"), Field(Field(p.Second, "metadata"), "namespace")));

    /// <summary>A member of an object; null for anything else (a document may be a list or a word).</summary>
    private static JsonNode? Field(JsonNode? node, string name) => node is JsonObject o && o.TryGetPropertyValue(name, out var v) ? v : null;

    private static bool SameField(JsonNode? meant, JsonNode? actual)
    {
        if (meant is JsonValue m && m.TryGetValue<string>(out var text) && text.Contains("nuleculeRef", StringComparison.OrdinalIgnoreCase))
        {
            return actual is null or JsonValue;
        }

        return JsonNode.DeepEquals(meant, actual);
    }

    private static bool SameShape(IReadOnlyList<JsonNode> a, IReadOnlyList<JsonNode> b) =>
        a.Count == b.Count && a.Zip(b).All(p => SameShape(p.First, p.Second));

    private static bool SameShape(JsonNode? a, JsonNode? b) => (a, b) switch
    {
        (JsonObject x, JsonObject y) => x.Count == y.Count && x.Zip(y).All(p => SameShape(p.First.Value, p.Second.Value)),
        (JsonArray x, JsonArray y) => x.Count == y.Count && x.Zip(y).All(p => SameShape(p.First, p.Second)),
        (JsonObject or JsonArray, _) or (_, JsonObject or JsonArray) => false,
        _ => true,
    };

    private static bool TryParseJson(string text, out JsonNode node)
    {
        try
        {
            node = JsonNode.Parse(text, documentOptions: new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip })!;
            return node is not null;
        }
        catch (JsonException)
        {
            node = null!;
            return false;
        }
    }

    private static NuleculeException Explain(string file, string source, SubstitutionResult rendered, NuleculeException error, ArtifactFormat format)
    {
        var diagnostic = error.Diagnostics[0];
        var renderedAt = diagnostic.Location ?? new SourceLocation(file, 1, 1);
        var errorOffset = OffsetOf(rendered.Text, renderedAt.Line, renderedAt.Column);
        var kind = format == ArtifactFormat.Json ? "JSON" : "YAML";
        var message = $"the rendered artifact is not valid {kind}: {diagnostic.Message.Replace("not valid YAML or JSON: ", "", StringComparison.Ordinal)} (line {renderedAt.Line}, column {renderedAt.Column} of the rendered text)";

        // The reference whose value lands on or just before the failing line is the likely culprit.
        var lineStart = LineStart(rendered.Text, Math.Max(1, renderedAt.Line - 1));
        var suspect = rendered.Spans.LastOrDefault(s => s.OutputStart <= errorOffset && s.OutputStart + s.OutputLength >= lineStart);
        if (suspect is not null)
        {
            var at = LocationOf(file, source, suspect.SourceStart);
            return new NuleculeException(
                $"{message}; the value of param '{suspect.Name}' most likely broke it",
                at,
                $"check the value of '{suspect.Name}' (quotes, ':', '#', '{{', newlines change the document), or quote the reference in the artifact");
        }

        return new NuleculeException(message, LocationOf(file, source, SourceOffset(rendered.Spans, errorOffset)), "fix the artifact so it is valid before and after substitution");
    }

    /// <summary>Maps an offset in the rendered text back to the template (escapes `$$` are ignored).</summary>
    private static int SourceOffset(IReadOnlyList<SubstitutionSpan> spans, int renderedOffset)
    {
        var delta = 0;
        foreach (var span in spans)
        {
            if (span.OutputStart > renderedOffset)
            {
                break;
            }

            if (renderedOffset < span.OutputStart + span.OutputLength)
            {
                return span.SourceStart;
            }

            delta += span.OutputLength - span.SourceLength;
        }

        return Math.Max(0, renderedOffset - delta);
    }

    private static int LineStart(string text, int line)
    {
        var offset = 0;
        for (var l = 1; l < line && offset < text.Length; l++)
        {
            var next = text.IndexOf('\n', offset);
            if (next < 0)
            {
                return text.Length;
            }

            offset = next + 1;
        }

        return offset;
    }

    private static int OffsetOf(string text, int line, int column) => Math.Min(text.Length, LineStart(text, line) + Math.Max(0, column - 1));

    private static SourceLocation LocationOf(string file, string text, int offset)
    {
        var line = 1;
        var column = 1;
        for (var i = 0; i < offset && i < text.Length; i++)
        {
            if (text[i] == '\n')
            {
                line++;
                column = 1;
            }
            else
            {
                column++;
            }
        }

        return new SourceLocation(file, line, column);
    }
}
