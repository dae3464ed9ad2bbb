using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Nulecule.Yaml;

/// <summary>
/// A YAML node as the Nulecule reader needs it: its kind, a scalar's text and style, the place
/// it starts. Much smaller than YamlDotNet's nodes (no end mark, tag, anchor or key dictionary),
/// and built straight from the text by <see cref="BlockYamlReader.TryReadTree"/>.
/// </summary>
internal abstract class TreeNode(int line, int column)
{
    public int Line { get; } = line;

    public int Column { get; } = column;

    public SourceLocation Locate(string file) => new(file, Line, Column);
}

internal sealed class TreeScalar(string? value, ScalarStyle style, int line, int column) : TreeNode(line, column)
{
    public string? Value { get; } = value;

    public ScalarStyle Style { get; } = style;
}

internal sealed class TreeSequence(int line, int column) : TreeNode(line, column)
{
    public List<TreeNode> Children { get; } = [];
}

internal sealed class TreeMapping(int line, int column) : TreeNode(line, column)
{
    // Keys seen so far, once the mapping is large enough for a linear search to cost more.
    private HashSet<string>? _keys;

    /// <summary>Key and value pairs in the order written.</summary>
    public List<KeyValuePair<TreeNode, TreeNode>> Children { get; } = [];

    /// <summary>Records a scalar key about to be added; false when the mapping has it already (YamlDotNet's loader refuses that).</summary>
    public bool TryAddKey(string key)
    {
        if (_keys is not null)
        {
            return _keys.Add(key);
        }

        foreach (var (k, _) in Children)
        {
            if (k is TreeScalar { Value: { } known } && known == key)
            {
                return false;
            }
        }

        if (Children.Count >= 8)
        {
            _keys = new HashSet<string>(StringComparer.Ordinal) { key };
            foreach (var (k, _) in Children)
            {
                _keys.Add(((TreeScalar)k).Value!);
            }
        }

        return true;
    }
}

/// <summary>Reads a YAML (or JSON) file into <see cref="TreeNode"/>s.</summary>
internal static class YamlTree
{
    /// <summary>
    /// Every document of <paramref name="text"/>: read directly when <see cref="BlockYamlReader"/>
    /// is sure of the text, else through YamlDotNet (<see cref="YamlFile.Parse"/>, whose errors
    /// carry file:line:column) and converted.
    /// </summary>
    public static IReadOnlyList<TreeNode> Parse(string text, string file) => Parse(text, file, out _);

    /// <summary>
    /// <see cref="Parse(string, string)"/>; <paramref name="direct"/> says the block reader built
    /// the nodes, and then every key is a scalar and no node is shared (the reader knows no complex
    /// keys, anchors or aliases, and makes a new node for everything it reads).
    /// </summary>
    public static IReadOnlyList<TreeNode> Parse(string text, string file, out bool direct)
    {
        if (BlockYamlReader.TryReadTree(text) is { } documents)
        {
            direct = true;
            return documents;
        }

        direct = false;

        var converted = new Dictionary<YamlNode, TreeNode>(ReferenceEqualityComparer.Instance);
        return [.. YamlFile.Parse(text, file).Select(d => From(d.RootNode, converted))];
    }

    /// <summary>The same node as a <see cref="TreeNode"/>.</summary>
    public static TreeNode From(YamlNode node) => From(node, new Dictionary<YamlNode, TreeNode>(ReferenceEqualityComparer.Instance));

    // An alias is the very node its anchor names: convert it once, so that nodes shared many
    // times over (`a: &x [...]`, `b: [*x, *x]` ...) stay shared instead of multiplying.
    private static TreeNode From(YamlNode node, Dictionary<YamlNode, TreeNode> converted)
    {
        if (converted.TryGetValue(node, out var done))
        {
            return done;
        }

        var line = (int)node.Start.Line;
        var column = (int)node.Start.Column;
        TreeNode result;
        switch (node)
        {
            case YamlScalarNode scalar:
                result = new TreeScalar(scalar.Value, scalar.Style, line, column);
                break;
            case YamlSequenceNode sequence:
                var list = new TreeSequence(line, column);
                result = list;
                converted[node] = result;
                foreach (var item in sequence.Children)
                {
                    list.Children.Add(From(item, converted));
                }

                break;
            case YamlMappingNode mapping:
                var map = new TreeMapping(line, column);
                result = map;
                converted[node] = result;
                foreach (var (key, value) in mapping.Children)
                {
                    map.Children.Add(new(From(key, converted), From(value, converted)));
                }

                break;
            default:
                // YamlStream resolves every alias (or fails on an unknown one) before this runs.
                throw new InvalidOperationException($"unexpected YAML node {node.GetType().Name} at {node.Start}");
        }

        converted[node] = result;
        return result;
    }

    /// <summary>The scalar's text, or null for YAML nulls (`null`, `~`, empty, and Python's `None`).</summary>
    public static bool IsNullLike(TreeScalar scalar) =>
        scalar.Style is ScalarStyle.Plain or ScalarStyle.Any &&
        (scalar.Value is null or "" or "~" or "null" or "Null" or "NULL" or "None");
}
