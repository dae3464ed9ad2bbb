using System.Text.Json.Nodes;
using Nulecule.Yaml;
using YamlDotNet.Core;
using MappingStyle = YamlDotNet.Core.Events.MappingStyle;
using SequenceStyle = YamlDotNet.Core.Events.SequenceStyle;

namespace Nulecule.Templating;

public static partial class StructuredRenderer
{
    /// <summary>What became of the direct block-YAML path.</summary>
    internal enum BlockOutcome
    {
        /// <summary>Read and substituted: the result is the one the event path gives.</summary>
        Done,

        /// <summary>The block reader is not sure of the text: YamlDotNet's parser reads it.</summary>
        Unsure,

        /// <summary>The text reads, but holds something the event path reports or merges (a key repeated after substitution, `&lt;&lt;`, too many nodes).</summary>
        Refused,
    }

    /// <summary>
    /// The block-YAML fast path alone: <see cref="BlockYamlReader"/> feeds the nodes as it reads,
    /// without the list of parsing events the event path replays into <see cref="Builder"/>. It
    /// never throws: whatever the event path would report, or treat in a way this sink does not,
    /// it refuses, and the caller reads the text again on that path with a fresh builder.
    /// </summary>
    internal static BlockOutcome TryRenderBlock(string file, string text, IReadOnlyDictionary<string, Spec.Scalar>? context, out StructuredResult? result)
    {
        result = null;
        var builder = new Builder(file, context);
        var sink = new NodeSink(builder);
        if (!BlockYamlReader.TryReadInto(text, sink))
        {
            return BlockOutcome.Unsure;
        }

        if (sink.Refused)
        {
            return BlockOutcome.Refused;
        }

        result = builder.Result(sink.Documents);
        return BlockOutcome.Done;
    }

    /// <summary>
    /// Builds the JSON nodes as the block reader reads, as <see cref="Builder"/> builds them from
    /// the events: a collection is placed in its parent when it opens (so only the innermost open
    /// collection can be waiting for a key's value). The reader gives no anchors, aliases or tags,
    /// and no scalar at a document's root.
    /// </summary>
    private sealed class NodeSink(Builder builder) : BlockYamlReader.EventSink
    {
        private const string MergeKey = "<<";

        private readonly Stack<JsonNode> _open = new();

        // The open mapping's key waiting for its value (already substituted).
        private string? _key;
        private long _nodes;

        public List<JsonNode> Documents { get; } = [];

        public bool Refused { get; private set; }

        public override void MappingStart(MappingStyle style, Mark start)
        {
            var mapping = new JsonObject();
            Place(mapping);
            _open.Push(mapping);
        }

        public override void MappingEnd(Mark at) => _open.Pop();

        public override void SequenceStart(SequenceStyle style, Mark start, Mark end)
        {
            var sequence = new JsonArray();
            Place(sequence);
            _open.Push(sequence);
        }

        public override void SequenceEnd(Mark at) => _open.Pop();

        public override void Scalar(string value, ScalarStyle style, Mark start, Mark end, bool isKey)
        {
            if (Refused)
            {
                return;
            }

            if (_key is null && _open.TryPeek(out var parent) && parent is JsonObject)
            {
                // A key: the event path takes a plain `<<` as a merge key and substitutes any other.
                if (style == ScalarStyle.Plain && value == MergeKey)
                {
                    Refused = true;
                    return;
                }

                _key = builder.Substitute(value);
                return;
            }

            Place(style == ScalarStyle.Plain ? builder.PlainNode(value) : builder.QuotedNode(value));
        }

        private void Place(JsonNode? node)
        {
            if (Refused)
            {
                return;
            }

            if (++_nodes > MaxNodes)
            {
                Refused = true; // the event path says where
                return;
            }

            if (!_open.TryPeek(out var parent))
            {
                Documents.Add(node!);
            }
            else if (parent is JsonArray sequence)
            {
                sequence.Add(node);
            }
            else
            {
                var mapping = (JsonObject)parent;
                if (!mapping.TryAdd(_key!, node))
                {
                    Refused = true; // a key repeated after substitution: the event path reports it
                    return;
                }

                _key = null;
            }
        }
    }
}
