using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Nulecule.Spec;

namespace Nulecule.Templating;

/// <summary>
/// The pointer form of an artifact (`{resource, params: {name: [/json/pointer, ...]}}`): set the
/// value at each RFC 6901 pointer to the param's typed value. Only existing locations can be set,
/// so the pointer form, too, can never change a document's shape.
/// </summary>
public static class PointerSubstitution
{
    /// <summary>Applies every pointer to <paramref name="document"/> in place.</summary>
    /// <param name="at">Where the pointer form was written, for errors.</param>
    /// <exception cref="NuleculeException">A param has no value, or a pointer is malformed or names no existing location.</exception>
    public static void Apply(
        JsonNode document,
        IReadOnlyDictionary<string, IReadOnlyList<string>> pointers,
        IReadOnlyDictionary<string, Scalar> context,
        SourceLocation? at = null)
    {
        ArgumentNullException.ThrowIfNull(document);
        ArgumentNullException.ThrowIfNull(pointers);
        ArgumentNullException.ThrowIfNull(context);
        var errors = new List<Diagnostic>();
        foreach (var (param, paths) in pointers)
        {
            if (!context.TryGetValue(param, out var value))
            {
                errors.Add(Diagnostic.Error($"param '{param}' of the pointer form has no value", at, "declare the param in the component (or globally) and give it a value"));
                continue;
            }

            foreach (var pointer in paths)
            {
                var problem = TrySet(document, pointer, value);
                if (problem is not null)
                {
                    errors.Add(Diagnostic.Error($"pointer '{pointer}' for param '{param}': {problem}", at, "pointers must name a location that exists in the artifact, e.g. /spec/containers/0/image"));
                }
            }
        }

        if (errors.Count > 0)
        {
            throw new NuleculeException(errors);
        }
    }

    /// <summary>Applies the pointers to whichever of several documents holds each location.</summary>
    public static void Apply(
        IReadOnlyList<JsonNode> documents,
        IReadOnlyDictionary<string, IReadOnlyList<string>> pointers,
        IReadOnlyDictionary<string, Scalar> context,
        SourceLocation? at = null)
    {
        ArgumentNullException.ThrowIfNull(documents);
        if (documents.Count == 1)
        {
            Apply(documents[0], pointers, context, at);
            return;
        }

        ArgumentNullException.ThrowIfNull(pointers);
        foreach (var (param, paths) in pointers)
        {
            foreach (var pointer in paths)
            {
                var single = new Dictionary<string, IReadOnlyList<string>> { [param] = [pointer] };
                var matched = documents.Where(d => Exists(d, pointer)).ToList();
                if (matched.Count == 0)
                {
                    // Report it against the first document, which gives the precise reason.
                    Apply(documents.Count > 0 ? documents[0] : new JsonObject(), single, context, at);
                }

                foreach (var document in matched)
                {
                    Apply(document, single, context, at);
                }
            }
        }
    }

    /// <summary>Splits a pointer into its unescaped reference tokens (`~1` is `/`, `~0` is `~`).</summary>
    public static IReadOnlyList<string> Parse(string pointer)
    {
        ArgumentNullException.ThrowIfNull(pointer);
        if (pointer.Length == 0)
        {
            return [];
        }

        if (pointer[0] != '/')
        {
            throw new FormatException("a JSON pointer starts with '/'");
        }

        var tokens = new List<string>();
        foreach (var raw in pointer[1..].Split('/'))
        {
            var token = new StringBuilder(raw.Length);
            for (var i = 0; i < raw.Length; i++)
            {
                if (raw[i] != '~')
                {
                    token.Append(raw[i]);
                    continue;
                }

                var next = i + 1 < raw.Length ? raw[i + 1] : '\0';
                token.Append(next switch
                {
                    '0' => '~',
                    '1' => '/',
                    _ => throw new FormatException("'~' must be followed by 0 or 1 (~0 is '~', ~1 is '/')"),
                });
                i++;
            }

            tokens.Add(token.ToString());
        }

        return tokens;
    }

    private static bool Exists(JsonNode document, string pointer)
    {
        try
        {
            var tokens = Parse(pointer);
            return tokens.Count > 0
                && Walk(document, tokens, tokens.Count - 1, out var parent) is null
                && Child(parent, tokens[^1], out _) is null;
        }
        catch (FormatException)
        {
            return false;
        }
    }

    /// <summary>Sets the value; answers why not when it cannot.</summary>
    private static string? TrySet(JsonNode document, string pointer, Scalar value)
    {
        IReadOnlyList<string> tokens;
        try
        {
            tokens = Parse(pointer);
        }
        catch (FormatException ex)
        {
            return ex.Message;
        }

        if (tokens.Count == 0)
        {
            return "the empty pointer names the whole document, which a param cannot replace";
        }

        var problem = Walk(document, tokens, tokens.Count - 1, out var parent);
        if (problem is not null)
        {
            return problem;
        }

        var last = tokens[^1];
        problem = Child(parent, last, out _);
        if (problem is not null)
        {
            return problem;
        }

        var node = ScalarValues.ToNode(value);
        switch (parent)
        {
            case JsonObject o:
                o[last] = node;
                break;
            case JsonArray a:
                a[int.Parse(last, CultureInfo.InvariantCulture)] = node;
                break;
        }

        return null;
    }

    /// <summary>Follows the first <paramref name="count"/> tokens.</summary>
    private static string? Walk(JsonNode document, IReadOnlyList<string> tokens, int count, out JsonNode? node)
    {
        node = document;
        for (var i = 0; i < count; i++)
        {
            var problem = Child(node, tokens[i], out var child);
            if (problem is not null)
            {
                return $"{problem} (at /{string.Join('/', tokens.Take(i + 1).Select(Escape))})";
            }

            node = child;
        }

        return null;
    }

    private static string? Child(JsonNode? node, string token, out JsonNode? child)
    {
        child = null;
        switch (node)
        {
            case JsonObject o:
                if (!o.TryGetPropertyValue(token, out child))
                {
                    return $"no key '{token}' in the document";
                }

                return null;

            case JsonArray a:
                if (token == "-")
                {
                    return "'-' (the end of a list) is not allowed: a param can only replace an existing value";
                }

                if (token.Length == 0 || !token.All(char.IsAsciiDigit) || (token.Length > 1 && token[0] == '0'))
                {
                    return $"'{token}' is not a list index";
                }

                if (!int.TryParse(token, NumberStyles.None, CultureInfo.InvariantCulture, out var index) || index >= a.Count)
                {
                    return $"index {token} is past the end of a list of {a.Count}";
                }

                child = a[index];
                return null;

            default:
                return $"'{token}' goes below a value that is not a mapping or a list";
        }
    }

    private static string Escape(string token) => token.Replace("~", "~0", StringComparison.Ordinal).Replace("/", "~1", StringComparison.Ordinal);
}
