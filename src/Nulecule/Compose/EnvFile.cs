using System.Text;

namespace Nulecule.Compose;

/// <summary>
/// Compose's `.env` and `env_file` format: `VAR=VAL` per line, `export ` allowed before it, `#`
/// comments (inline only after a space, or after a closing quote), single quotes literal, double
/// quotes expanding `\n \r \t \\ \"` and interpolating, unquoted values interpolated and trimmed.
/// A bare `VAR` takes the variable's value from <c>lookup</c>, and is left out when it has none.
/// </summary>
public static class EnvFile
{
    public static IReadOnlyList<KeyValuePair<string, string>> Parse(string text, string file, Func<string, string?> lookup)
    {
        ArgumentNullException.ThrowIfNull(text);
        var result = new List<KeyValuePair<string, string>>();
        var lines = text.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n');
        for (var n = 0; n < lines.Length; n++)
        {
            var line = lines[n].Trim();
            if (line.Length == 0 || line[0] == '#')
            {
                continue;
            }

            if (line.StartsWith("export ", StringComparison.Ordinal))
            {
                line = line[7..].TrimStart();
            }

            var at = new SourceLocation(file, n + 1, 1);
            var eq = line.IndexOf('=', StringComparison.Ordinal);
            var key = (eq < 0 ? line : line[..eq]).Trim();
            if (key.Length == 0 || key.Any(c => char.IsWhiteSpace(c) || c is '"' or '\''))
            {
                throw new NuleculeException($"'{key}' is not a variable name", at, "write VAR=value, one per line");
            }

            if (eq < 0)
            {
                if (lookup(key) is { } inherited)
                {
                    result.Add(new(key, inherited));
                }

                continue;
            }

            var raw = line[(eq + 1)..].TrimStart();
            try
            {
                result.Add(new(key, Value(raw, lookup, at)));
            }
            catch (ComposeTemplateException e)
            {
                throw new NuleculeException($"{key}: {e.Message}", at);
            }
        }

        return result;
    }

    private static string Value(string raw, Func<string, string?> lookup, SourceLocation at)
    {
        if (raw.Length > 0 && raw[0] == '\'')
        {
            var close = raw.IndexOf('\'', 1);
            if (close < 0)
            {
                throw new NuleculeException("the single quote is not closed", at, "close the quote on the same line");
            }

            return raw[1..close];
        }

        if (raw.Length > 0 && raw[0] == '"')
        {
            var value = new StringBuilder();
            for (var i = 1; i < raw.Length; i++)
            {
                var c = raw[i];
                if (c == '"')
                {
                    return ComposeTemplate.Substitute(value.ToString(), lookup);
                }

                if (c == '\\' && i + 1 < raw.Length)
                {
                    i++;
                    value.Append(raw[i] switch { 'n' => '\n', 'r' => '\r', 't' => '\t', '\\' => '\\', '"' => '"', var other => other });
                    continue;
                }

                value.Append(c);
            }

            throw new NuleculeException("the double quote is not closed", at, "close the quote on the same line");
        }

        var comment = raw.IndexOf(" #", StringComparison.Ordinal);
        var plain = (comment < 0 ? raw : raw[..comment]).Trim();
        return ComposeTemplate.Substitute(plain, lookup);
    }
}
