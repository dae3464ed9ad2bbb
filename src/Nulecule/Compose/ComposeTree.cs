using System.Text.Json.Nodes;
using Nulecule.Yaml;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Nulecule.Compose;

/// <summary>
/// Where each node and each mapping key of a compose tree came from, so an error found after
/// interpolation, merge or include still names file:line:column. Nodes are tracked by identity:
/// moving a node (merge, include) keeps its place.
/// </summary>
public sealed class ComposeLocations
{
    private readonly Dictionary<JsonNode, SourceLocation> _nodes = new(ReferenceEqualityComparer.Instance);
    private readonly Dictionary<JsonObject, Dictionary<string, SourceLocation>> _keys = new(ReferenceEqualityComparer.Instance);

    public void Set(JsonNode? node, SourceLocation at)
    {
        if (node is not null)
        {
            _nodes[node] = at;
        }
    }

    public void SetKey(JsonObject parent, string key, SourceLocation at)
    {
        if (!_keys.TryGetValue(parent, out var keys))
        {
            _keys[parent] = keys = new Dictionary<string, SourceLocation>(StringComparer.Ordinal);
        }

        keys[key] = at;
    }

    /// <summary>Where <paramref name="node"/> is written, else where its nearest located parent is.</summary>
    public SourceLocation? Of(JsonNode? node)
    {
        for (var n = node; n is not null; n = n.Parent)
        {
            if (_nodes.TryGetValue(n, out var at))
            {
                return at;
            }
        }

        return null;
    }

    /// <summary>Where the key <paramref name="key"/> of <paramref name="parent"/> is written.</summary>
    public SourceLocation? OfKey(JsonObject parent, string key) =>
        _keys.TryGetValue(parent, out var keys) && keys.TryGetValue(key, out var at) ? at : Of(parent[key]) ?? Of(parent);

    public void CopyFrom(ComposeLocations other)
    {
        foreach (var (node, at) in other._nodes)
        {
            _nodes.TryAdd(node, at);
        }

        foreach (var (node, keys) in other._keys)
        {
            _keys.TryAdd(node, keys);
        }
    }
}

/// <summary>
/// Reads one compose file into a JSON tree as compose-go does: YAML 1.2 core typing of plain
/// scalars, `&lt;&lt;` merge keys, interpolation of values (never keys), then the casts of
/// <see cref="ComposeCasts"/> at their fixed paths.
/// </summary>
internal sealed class ComposeTreeReader(string file, Func<string, string?> lookup, ComposeLocations locations, SecretMasker masker)
{
    public HashSet<string> Used { get; } = new(StringComparer.Ordinal);

    public HashSet<string> Unset { get; } = new(StringComparer.Ordinal);

    /// <summary>
    /// When set, values holding `$` are kept as written (not interpolated, not cast) and collected
    /// here with their path and place: the tree `nulecule import` works on.
    /// </summary>
    public List<ComposeRawValue>? Uninterpolated { get; init; }

    public JsonObject Read(string text)
    {
        var documents = YamlFile.Parse(text, file);
        if (documents.Count != 1 || documents[0].RootNode is not YamlMappingNode root)
        {
            throw new NuleculeException("a compose file is one YAML mapping (services:, networks:, ...)", new SourceLocation(file, 1, 1));
        }

        return (JsonObject)Convert(root, [])!;
    }

    private JsonNode? Convert(YamlNode node, List<string> path)
    {
        var at = node.Locate(file);
        JsonNode? result;
        switch (node)
        {
            case YamlMappingNode mapping:
                var obj = new JsonObject();
                foreach (var (keyNode, valueNode) in mapping.Children)
                {
                    if (keyNode is not YamlScalarNode { Value: { } key })
                    {
                        throw new NuleculeException("a mapping key must be a plain value", keyNode.Locate(file));
                    }

                    if (key == "<<" && keyNode is YamlScalarNode { Style: ScalarStyle.Plain })
                    {
                        continue;
                    }

                    if (obj.ContainsKey(key))
                    {
                        throw new NuleculeException($"the key '{key}' is given twice", keyNode.Locate(file), "keep one of them");
                    }

                    path.Add(key);
                    var value = Convert(valueNode, path);
                    path.RemoveAt(path.Count - 1);
                    obj[key] = value;
                    locations.SetKey(obj, key, keyNode.Locate(file));
                }

                // `<<: *base` (or a list of them) adds the keys the mapping does not set itself.
                foreach (var (keyNode, valueNode) in mapping.Children)
                {
                    if (keyNode is YamlScalarNode { Value: "<<", Style: ScalarStyle.Plain })
                    {
                        var sources = valueNode is YamlSequenceNode list ? list.Children.ToList() : [valueNode];
                        foreach (var source in sources)
                        {
                            if (source is not YamlMappingNode)
                            {
                                throw new NuleculeException("'<<' merges mappings only", source.Locate(file), "write <<: *anchor of a mapping");
                            }

                            var merged = (JsonObject)Convert(source, path)!;
                            foreach (var key in merged.Select(p => p.Key).ToList())
                            {
                                if (!obj.ContainsKey(key))
                                {
                                    var value = merged[key];
                                    merged.Remove(key);
                                    obj[key] = value;
                                    locations.SetKey(obj, key, locations.OfKey(merged, key) ?? at);
                                }
                            }
                        }
                    }
                }

                result = obj;
                break;
            case YamlSequenceNode sequence:
                var array = new JsonArray();
                var i = 0;
                foreach (var item in sequence.Children)
                {
                    path.Add((i++).ToString(System.Globalization.CultureInfo.InvariantCulture));
                    array.Add(Convert(item, path));
                    path.RemoveAt(path.Count - 1);
                }

                result = array;
                break;
            case YamlScalarNode scalar:
                result = Scalar(scalar, path, at);
                break;
            default:
                throw new NuleculeException("unsupported YAML node", at);
        }

        locations.Set(result, at);
        return result;
    }

    private JsonNode? Scalar(YamlScalarNode scalar, List<string> path, SourceLocation at)
    {
        var text = scalar.Value ?? "";
        var plain = scalar.Style is ScalarStyle.Plain or ScalarStyle.Any;
        if (plain && !text.Contains('$', StringComparison.Ordinal))
        {
            var typed = YamlCoreSchema.ToNode(text);
            return typed is JsonValue v && v.GetValueKind() == System.Text.Json.JsonValueKind.String ? Cast(text, path, at) : typed;
        }

        string value;
        if (Uninterpolated is not null)
        {
            try
            {
                Uninterpolated.Add(new ComposeRawValue(text, [.. path], ComposeTemplate.References(text), at));
            }
            catch (ComposeTemplateException e)
            {
                throw new NuleculeException($"{ComposePath.Display(path)}: {e.Message}", at,
                    "write $$ for a literal $, and ${NAME}, ${NAME:-default}, ${NAME:?error} or ${NAME:+alternate}");
            }

            return JsonValue.Create(text);
        }

        try
        {
            value = ComposeTemplate.Substitute(text, lookup, Unset, Used);
        }
        catch (ComposeTemplateException e)
        {
            throw new NuleculeException(masker.Mask($"{ComposePath.Display(path)}: {e.Message}"), at,
                e.Variable is null ? "write $$ for a literal $, and ${NAME}, ${NAME:-default}, ${NAME:?error} or ${NAME:+alternate}" : $"give the param {e.Variable} a value");
        }

        return Cast(value, path, at);
    }

    private JsonNode Cast(string value, List<string> path, SourceLocation at)
    {
        var cast = ComposeCasts.For(path);
        if (cast is null)
        {
            return JsonValue.Create(value);
        }

        return ComposeCasts.Apply(cast.Value, value) ?? throw new NuleculeException(
            masker.Mask($"{ComposePath.Display(path)}: '{value}' is not {ComposeCasts.Describe(cast.Value)}"), at,
            $"give {ComposePath.Display(path)} {ComposeCasts.Describe(cast.Value)}");
    }
}

/// <summary>A value that holds `$`, as written: its path in the document (`services`, `web`, `ports`, `0`), its references and its place.</summary>
public sealed record ComposeRawValue(string Text, IReadOnlyList<string> Path, IReadOnlyList<ComposeReference> References, SourceLocation At);

/// <summary>Paths inside a compose document, written the way users read them: `services.web.ports[0]`.</summary>
public static class ComposePath
{
    public static string Display(IEnumerable<string> path)
    {
        var text = new System.Text.StringBuilder();
        foreach (var part in path)
        {
            if (part.Length > 0 && part.All(char.IsAsciiDigit))
            {
                text.Append('[').Append(part).Append(']');
            }
            else
            {
                if (text.Length > 0)
                {
                    text.Append('.');
                }

                text.Append(part);
            }
        }

        return text.ToString();
    }

    /// <summary>A JSON pointer (`/services/web/ports/0`) as a display path.</summary>
    public static string FromPointer(string pointer) =>
        Display(pointer.Split('/', StringSplitOptions.RemoveEmptyEntries).Select(p => p.Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal)));
}
