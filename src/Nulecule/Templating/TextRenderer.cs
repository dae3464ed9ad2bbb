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

        if (StructuredRenderer.TryRender(file, substituted.Text, null, out var parsed, out var error))
        {
            return new TextRenderResult(substituted.Text, parsed!.Documents, substituted.Used, substituted.Unresolved);
        }

        // A few JSON texts are not YAML (a tab where YAML wants indentation); JSON must still load.
        if (format == ArtifactFormat.Json && TryParseJson(substituted.Text, out var json))
        {
            return new TextRenderResult(substituted.Text, [json], substituted.Used, substituted.Unresolved);
        }

        throw Explain(file, text, substituted, error!, format);
    }

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
