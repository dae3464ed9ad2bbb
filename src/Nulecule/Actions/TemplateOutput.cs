using System.Buffers;
using System.Text;
using System.Text.Json.Nodes;
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
        var named = new List<(string Component, RenderedArtifact Artifact, string Path)>();
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
                named.Add((component.Scope, artifact, Path.Combine(dir, candidate)));
            }
        }

        // Artifacts rendered with RenderOptions.Print carry their text already (then there is
        // nothing to share out); writing the others out is independent per artifact: use every
        // core, keep the order.
        RenderedFile ToFile((string Component, RenderedArtifact Artifact, string Path) n) =>
            new(n.Component, n.Artifact.Source, n.Path, n.Artifact.Printed ?? Text(n.Artifact, masker));
        return named.TrueForAll(n => n.Artifact.PrintedUtf8 is not null || n.Artifact.Printed is not null)
            ? named.ConvertAll(ToFile)
            : named.AsParallel().AsOrdered().Select(ToFile).ToList();
    }

    /// <summary>The whole app as one stream: each document headed by its component and source.</summary>
    public static string Stream(RenderedApp app, bool showSecrets)
    {
        using var writer = new StringWriter();
        WriteStream(app, showSecrets, writer);
        return writer.ToString();
    }

    /// <summary>
    /// Writes <see cref="Stream"/> to <paramref name="writer"/> in chunks of about 64 KiB: few
    /// writes to an unbuffered console, and never the whole stream in memory at once.
    /// </summary>
    public static void WriteStream(RenderedApp app, bool showSecrets, TextWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        const int Chunk = 64 * 1024;
        var builder = new StringBuilder(Chunk + 4096);
        foreach (var file in Files(app, showSecrets))
        {
            builder.Append("---\n# component: ").Append(file.Component).Append("\n# source: ").Append(file.Source).Append('\n');
            builder.Append(file.Text);
            if (!file.Text.EndsWith('\n'))
            {
                builder.Append('\n');
            }

            if (builder.Length >= Chunk)
            {
                writer.Write(builder);
                builder.Clear();
            }
        }

        writer.Write(builder);
    }

    /// <summary>
    /// <see cref="WriteStream(RenderedApp, bool, TextWriter)"/>'s bytes (UTF-8) onto
    /// <paramref name="stream"/>, in writes of about 64 KiB: artifacts rendered for printing are
    /// copied as the bytes they were written in, with no text decoded or encoded on the way.
    /// </summary>
    public static void WriteStream(RenderedApp app, bool showSecrets, Stream stream)
    {
        ArgumentNullException.ThrowIfNull(app);
        ArgumentNullException.ThrowIfNull(stream);
        const int Chunk = 64 * 1024;
        var masker = showSecrets ? SecretMasker.None : app.Values.Masker;
        var pending = new ArrayBufferWriter<byte>(Chunk + 4096);
        foreach (var component in app.Components)
        {
            foreach (var artifact in component.Artifacts)
            {
                AppendUtf8(pending, "---\n# component: ");
                AppendUtf8(pending, component.Scope);
                AppendUtf8(pending, "\n# source: ");
                AppendUtf8(pending, artifact.Source);
                AppendUtf8(pending, "\n");
                var text = artifact.PrintedUtf8 ?? Utf8(artifact, masker);
                if (text.Length >= Chunk)
                {
                    // A large artifact goes out as it is, after what is pending.
                    stream.Write(pending.WrittenSpan);
                    pending.ResetWrittenCount();
                    stream.Write(text);
                }
                else
                {
                    pending.Write(text);
                }

                if (text.Length == 0 || text[^1] != (byte)'\n')
                {
                    pending.Write("\n"u8);
                }

                if (pending.WrittenCount >= Chunk)
                {
                    stream.Write(pending.WrittenSpan);
                    pending.ResetWrittenCount();
                }
            }
        }

        stream.Write(pending.WrittenSpan);
    }

    private static void AppendUtf8(ArrayBufferWriter<byte> buffer, string text)
    {
        var written = Encoding.UTF8.GetBytes(text, buffer.GetSpan(Encoding.UTF8.GetMaxByteCount(text.Length)));
        buffer.Advance(written);
    }

    /// <summary>
    /// The artifact reduced to its printed text (<see cref="RenderedArtifact.Printed"/>), its
    /// documents and commands dropped: what `template` keeps of each artifact while the others render.
    /// </summary>
    public static RenderedArtifact PrintedOnly(RenderedArtifact artifact, SecretMasker masker) =>
        artifact.PrintedUtf8 is not null ? artifact : artifact with { PrintedUtf8 = Utf8(artifact, masker), Documents = [], Commands = [] };

    /// <summary>
    /// <see cref="Text"/> as UTF-8. JSON and YAML documents with nothing to mask are written
    /// straight into bytes (the same bytes as the text encoded); anything else is the text encoded.
    /// </summary>
    public static byte[] Utf8(RenderedArtifact artifact, SecretMasker masker)
    {
        ArgumentNullException.ThrowIfNull(artifact);
        ArgumentNullException.ThrowIfNull(masker);
        if (masker.IsEmpty && !artifact.HasText && artifact.Documents.Count > 0)
        {
            switch (artifact.Format)
            {
                // Every document's JSON ends in one line break, as EndingInOneBreak leaves it.
                case ArtifactFormat.Json:
                    return DocumentWriter.ToJsonUtf8(artifact.Documents);
                case ArtifactFormat.Yaml or ArtifactFormat.Compose:
                    return DocumentWriter.ToYamlUtf8(artifact.Documents);
            }
        }

        return Encoding.UTF8.GetBytes(Text(artifact, masker));
    }

    /// <summary>
    /// The artifact as text with secrets masked inside values (before writing), so the mask can
    /// never make the document invalid: `******` as a plain YAML scalar would read as an alias.
    /// </summary>
    public static string Text(RenderedArtifact artifact, SecretMasker masker) => masker.IsEmpty ? Plain(artifact) : artifact.Format switch
    {
        ArtifactFormat.Json => string.Concat(artifact.Documents.Select(d => DocumentWriter.ToJson(Masked(d, masker)).TrimEnd('\n') + "\n")),
        ArtifactFormat.Yaml or ArtifactFormat.Compose => DocumentWriter.ToYaml(artifact.Documents.Select(d => Masked(d, masker)).ToList()),
        ArtifactFormat.DockerRun => string.Concat(artifact.Commands.Select(c => "docker run " + string.Join(' ', c.Arguments.Select(a => ShellQuote(masker.Mask(a)))) + "\n")),
        _ => masker.Mask(artifact.Text),
    };

    private static string Plain(RenderedArtifact artifact) => artifact.Format switch
    {
        ArtifactFormat.Json => EndingInOneBreak(artifact.Text),
        ArtifactFormat.DockerRun => string.Concat(artifact.Commands.Select(c => "docker run " + string.Join(' ', c.Arguments.Select(ShellQuote)) + "\n")),
        _ => artifact.Text,
    };

    // The text with its trailing line breaks made one; written JSON mostly has exactly one already.
    private static string EndingInOneBreak(string text) =>
        text.Length >= 2 && text[^1] == '\n' && text[^2] != '\n' ? text : text.TrimEnd('\n') + "\n";

    /// <summary>A copy of <paramref name="node"/> with every scalar that holds a secret masked.</summary>
    public static JsonNode? Masked(JsonNode? node, SecretMasker masker)
    {
        if (node is null || masker.IsEmpty)
        {
            return node;
        }

        switch (node)
        {
            case JsonObject obj:
                var copy = new JsonObject();
                foreach (var (key, value) in obj)
                {
                    copy[masker.Mask(key)] = Masked(value, masker);
                }

                return copy;
            case JsonArray array:
                var items = new JsonArray();
                foreach (var item in array)
                {
                    items.Add(Masked(item, masker));
                }

                return items;
            default:
                var text = node.GetValueKind() == System.Text.Json.JsonValueKind.String ? node.GetValue<string>() : node.ToJsonString();
                var masked = masker.Mask(text);
                return masked == text ? OriginalText.Clone(node) : JsonValue.Create(masked);
        }
    }

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
