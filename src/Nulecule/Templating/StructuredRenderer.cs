using Nulecule.Yaml;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Nulecule.Spec;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;
using YamlScalar = YamlDotNet.Core.Events.Scalar;

namespace Nulecule.Templating;

/// <summary>
/// Parses a YAML or JSON artifact (JSON is YAML, so `"hostPort": $hostport` parses too) into JSON
/// nodes and substitutes inside scalars, so a value can never change the document's structure.
/// A plain scalar that is exactly one reference takes the value's own type (its param's type);
/// quoted scalars stay strings; plain scalars no reference touches mean what kubectl's YAML 1.1
/// reader makes of them (<see cref="Yaml11Schema"/>) and keep their text for writing back
/// (<see cref="OriginalText"/>).
/// </summary>
public static partial class StructuredRenderer
{
    // Aliases are copied; this bounds "billion laughs" documents.
    private const long MaxNodes = 1_000_000;

    /// <summary>Parses and substitutes. A null <paramref name="context"/> parses without substituting.</summary>
    /// <exception cref="NuleculeException">The text is not YAML/JSON, or breaks a rule below.</exception>
    public static StructuredResult Render(string file, string text, IReadOnlyDictionary<string, Spec.Scalar>? context)
    {
        ArgumentNullException.ThrowIfNull(text);
        return TryRenderJson(file, text, context) ?? RenderYaml(file, text, context);
    }

    /// <summary>The JSON fast path alone: null when it leaves the text to the YAML parser.</summary>
    internal static StructuredResult? TryRenderJson(string file, string text, IReadOnlyDictionary<string, Spec.Scalar>? context)
    {
        var builder = new Builder(file, context);
        return JsonReader.TryRead(text, builder) is { } json ? builder.Result([json]) : null;
    }

    /// <summary>The YAML parser alone (what the JSON fast path must agree with).</summary>
    internal static StructuredResult RenderYaml(string file, string text, IReadOnlyDictionary<string, Spec.Scalar>? context)
    {
        var outcome = TryRenderBlock(file, text, context, out var direct);
        return outcome == BlockOutcome.Done ? direct! : RenderEvents(file, text, context, outcome == BlockOutcome.Unsure);
    }

    /// <summary>
    /// The YAML parsing events, from the block reader or (<paramref name="parserOnly"/>, or when
    /// it is unsure) YamlDotNet's parser, built into nodes: what the direct block path must agree
    /// with, and where anything it refuses is read and reported.
    /// </summary>
    internal static StructuredResult RenderEvents(string file, string text, IReadOnlyDictionary<string, Spec.Scalar>? context, bool parserOnly = false)
    {
        var builder = new Builder(file, context);
        try
        {
            return builder.Build(parserOnly ? new YamlDotNet.Core.Parser(new StringReader(text)) : Yaml.YamlFile.Events(text));
        }
        catch (YamlException ex)
        {
            throw new NuleculeException(
                $"not valid YAML or JSON: {CleanMessage(ex)}",
                new SourceLocation(file, (int)ex.Start.Line, (int)ex.Start.Column));
        }
        catch (Exception e) when (Nulecule.Yaml.YamlFile.IsParserFailure(e))
        {
            var stuck = Yaml.YamlFile.Stuck(text, file);
            throw new NuleculeException(stuck with { Message = "not valid YAML or JSON: the parser cannot read on after this point" });
        }
    }

    /// <summary>Like <see cref="Render"/>, but answers false instead of throwing on a syntax error.</summary>
    public static bool TryRender(
        string file,
        string text,
        IReadOnlyDictionary<string, Spec.Scalar>? context,
        out StructuredResult? result,
        out NuleculeException? error)
    {
        try
        {
            result = Render(file, text, context);
            error = null;
            return true;
        }
        catch (NuleculeException ex)
        {
            result = null;
            error = ex;
            return false;
        }
    }

    /// <summary>YamlDotNet prefixes its messages with the marks; we print our own location.</summary>
    internal static string CleanMessage(YamlException ex) => MarkPrefix().Replace(ex.Message, "");

    [GeneratedRegex(@"^\(Line: \d+, Col: \d+, Idx: \d+\) - \(Line: \d+, Col: \d+, Idx: \d+\): ")]
    private static partial Regex MarkPrefix();

    private sealed class Builder(string file, IReadOnlyDictionary<string, Spec.Scalar>? context) : Substitution.ISink
    {
        private const string StrTag = "tag:yaml.org,2002:str";
        private const string IntTag = "tag:yaml.org,2002:int";
        private const string FloatTag = "tag:yaml.org,2002:float";
        private const string BoolTag = "tag:yaml.org,2002:bool";
        private const string NullTag = "tag:yaml.org,2002:null";
        private const string MergeKey = "<<";

        private readonly Dictionary<string, JsonNode?> _anchors = new(StringComparer.Ordinal);
        private readonly List<string> _used = [];
        private readonly List<string> _unresolved = [];
        private long _nodes;

        public StructuredResult Build(IParser parser)
        {
            var documents = new List<JsonNode>();
            parser.Consume<StreamStart>();
            while (parser.TryConsume<DocumentStart>(out _))
            {
                _anchors.Clear();
                var root = ReadNode(parser);
                parser.Consume<DocumentEnd>();

                // An empty document (`---` with nothing after it) is nothing to deploy.
                if (root is not null)
                {
                    documents.Add(root);
                }
            }

            parser.Consume<StreamEnd>();
            return new StructuredResult(documents, _used, _unresolved);
        }

        /// <summary>Nesting deeper than any manifest needs; the reader recurses, so it must be bounded.</summary>
        private const int MaxDepth = Yaml.YamlFile.MaxDepth;

        private int _depth;

        private JsonNode? ReadNode(IParser parser)
        {
            if (++_depth > MaxDepth)
            {
                throw Error(parser.Current!.Start, $"the document nests deeper than {MaxDepth} levels");
            }

            try
            {
                return ReadNodeAtDepth(parser);
            }
            finally
            {
                _depth--;
            }
        }

        private JsonNode? ReadNodeAtDepth(IParser parser)
        {
            if (++_nodes > MaxNodes)
            {
                throw Error(parser.Current!.Start, $"the document expands to more than {MaxNodes} nodes (aliases copied too often)");
            }

            switch (parser.Current)
            {
                case AnchorAlias alias:
                    parser.MoveNext();
                    if (!_anchors.TryGetValue(alias.Value.Value, out var target))
                    {
                        throw Error(alias.Start, $"alias *{alias.Value.Value} refers to no anchor defined before it");
                    }

                    if (target is not null)
                    {
                        _nodes += CountNodes(target);
                        if (_nodes > MaxNodes)
                        {
                            throw Error(alias.Start, $"the document expands to more than {MaxNodes} nodes (aliases copied too often)");
                        }
                    }

                    return target?.DeepClone();

                case YamlScalar scalar:
                    parser.MoveNext();
                    return Remember(scalar, ScalarNode(scalar));

                case SequenceStart start:
                    {
                        parser.MoveNext();
                        var array = new JsonArray();
                        while (!parser.TryConsume<SequenceEnd>(out _))
                        {
                            array.Add(ReadNode(parser));
                        }

                        return Remember(start, array);
                    }

                case MappingStart start:
                    {
                        parser.MoveNext();
                        return Remember(start, ReadMapping(parser));
                    }

                default:
                    throw Error(parser.Current!.Start, $"unexpected {parser.Current.GetType().Name}");
            }
        }

        private JsonObject ReadMapping(IParser parser)
        {
            var mapping = new JsonObject();
            var merges = new List<(JsonNode? Node, Mark At)>();
            while (!parser.TryConsume<MappingEnd>(out _))
            {
                if (parser.Current is not YamlScalar keyEvent)
                {
                    throw Error(parser.Current!.Start, "a mapping key must be a plain text key, not a list, a mapping or an alias");
                }

                parser.MoveNext();
                var isMerge = keyEvent.Style == ScalarStyle.Plain && keyEvent.Value == MergeKey && keyEvent.Tag.IsEmpty;
                var key = isMerge ? MergeKey : Substitute(keyEvent.Value);
                var value = ReadNode(parser);
                if (isMerge)
                {
                    merges.Add((value, keyEvent.Start));
                    continue;
                }

                if (mapping.ContainsKey(key))
                {
                    throw Error(keyEvent.Start, $"duplicate key '{key}' in this mapping (after substitution)");
                }

                mapping[key] = value;
            }

            // YAML 1.1 merge keys (`<<: *defaults`), which Kubernetes' reader honours: keys written in
            // the mapping itself win, then earlier merged mappings win over later ones.
            foreach (var (node, at) in merges)
            {
                IEnumerable<JsonNode?> sources = node is JsonArray list ? list : [node];
                foreach (var source in sources)
                {
                    if (source is not JsonObject merged)
                    {
                        throw Error(at, "a merge key (<<) needs a mapping or a list of mappings");
                    }

                    foreach (var (k, v) in merged)
                    {
                        if (!mapping.ContainsKey(k))
                        {
                            mapping[k] = v?.DeepClone();
                        }
                    }
                }
            }

            return mapping;
        }

        private JsonNode? ScalarNode(YamlScalar scalar)
        {
            var tag = scalar.Tag;
            if (!tag.IsEmpty && !tag.IsNonSpecific)
            {
                var kind = tag.Value switch
                {
                    StrTag => ScalarKind.String,
                    IntTag => ScalarKind.Integer,
                    FloatTag => ScalarKind.Float,
                    BoolTag => ScalarKind.Boolean,
                    NullTag => ScalarKind.Null,
                    _ => (ScalarKind?)null,
                };
                if (kind is { } explicitKind)
                {
                    var text = Substitute(scalar.Value);
                    var node = YamlCoreSchema.ToNode(text, explicitKind);
                    if (explicitKind != ScalarKind.String && explicitKind != ScalarKind.Null && node?.GetValueKind() == System.Text.Json.JsonValueKind.String)
                    {
                        throw Error(scalar.Start, $"'{text}' is not a valid {tag.Value[(tag.Value.LastIndexOf(':') + 1)..]} (the tag {tag.Value} demands one)");
                    }

                    return node;
                }

                // Unknown application tags (`!Ref`, ...) mean nothing to a JSON document: type by style.
            }

            // `!` on a scalar means "string" in YAML; so does any quoting or block style.
            return scalar.Style != ScalarStyle.Plain || tag.IsNonSpecific ? QuotedNode(scalar.Value) : PlainNode(scalar.Value);
        }

        /// <summary>A quoted (or block) scalar: always a string, substituted.</summary>
        public JsonNode QuotedNode(string text) => JsonValue.Create(Substitute(text));

        /// <summary>
        /// A plain scalar: exactly one known reference takes the value's own type; other text is
        /// substituted; text nothing touched means what YAML 1.1 (kubectl) reads and keeps its text.
        /// </summary>
        public JsonNode? PlainNode(string text)
        {
            if (context is not null
                && Substitution.TryGetSingleReference(text, out var name)
                && context.TryGetValue(name, out var value))
            {
                Substitution.AddOnce(_used, name);
                return ScalarValues.ToNode(value);
            }

            // Untouched scalars mean what kubectl (YAML 1.1) reads, and keep their text for writing.
            if (context is null)
            {
                return OriginalText.Read(text);
            }

            var substituted = Apply(text, out var changed);
            return changed ? JsonValue.Create(substituted) : OriginalText.Read(text);
        }

        public string Substitute(string text) => context is null ? text : Apply(text, out _);

        public StructuredResult Result(List<JsonNode> documents) => new(documents, _used, _unresolved);

        // Substitution.Apply's text and names, without its per-call lists and spans: the names go
        // straight into this document's lists. Changed: a reference was replaced or `$$`
        // unescaped; otherwise the text is returned as is.
        private string Apply(string text, out bool changed)
        {
            changed = false;
            if (text.IndexOf('$', StringComparison.Ordinal) < 0)
            {
                return text;
            }

            var output = SubstitutionBuilder ?? new System.Text.StringBuilder(256);
            SubstitutionBuilder = null;
            output.Clear();
            _changed = false;
            Substitution.Write(text, context!, output, this);
            changed = _changed;
            var result = changed ? output.ToString() : text;
            if (output.Capacity <= 64 * 1024)
            {
                SubstitutionBuilder = output;
            }

            return result;
        }

        private bool _changed;

        void Substitution.ISink.Replaced(string name, int sourceStart, int sourceLength, int outputStart, string text)
        {
            Substitution.AddOnce(_used, name);
            _changed = true;
        }

        void Substitution.ISink.Unresolved(string name) => Substitution.AddOnce(_unresolved, name);

        void Substitution.ISink.Escaped() => _changed = true;

        [ThreadStatic]
        private static System.Text.StringBuilder? SubstitutionBuilder;

        private JsonNode? Remember(NodeEvent node, JsonNode? value)
        {
            if (!node.Anchor.IsEmpty)
            {
                _anchors[node.Anchor.Value] = value;
            }

            return value;
        }

        private static long CountNodes(JsonNode node) => node switch
        {
            JsonObject o => 1 + o.Sum(p => p.Value is null ? 1 : CountNodes(p.Value)),
            JsonArray a => 1 + a.Sum(v => v is null ? 1 : CountNodes(v)),
            _ => 1,
        };

        private NuleculeException Error(Mark at, string message) =>
            new(message, new SourceLocation(file, (int)at.Line, (int)at.Column));
    }
}
