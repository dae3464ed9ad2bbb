using System.Security.Cryptography;
using System.Text;

namespace Nulecule.Kubernetes.OpenShift;

/// <summary>
/// Generates a value from an OpenShift Template `from:` expression (`generate: expression`):
/// character classes (`[a-zA-Z0-9]`, `\w`, `\d`, `\a` letters, `\A` punctuation), literals,
/// and `{n}` / `{n,m}` repeats. Random from a cryptographic source: these become passwords.
/// </summary>
public static class ExpressionGenerator
{
    private const string Digits = "0123456789";
    private const string Letters = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
    private const string Punctuation = "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~";
    private const int MaxLength = 4096;

    public static string Generate(string expression)
    {
        var result = new StringBuilder();
        var i = 0;
        while (i < expression.Length)
        {
            var alphabet = ReadUnit(expression, ref i);
            var (min, max) = ReadRepeat(expression, ref i);
            var count = min == max ? min : RandomNumberGenerator.GetInt32(min, max + 1);
            if (result.Length + count > MaxLength)
            {
                throw Invalid(expression, $"the value would be longer than {MaxLength} characters");
            }

            for (var n = 0; n < count; n++)
            {
                result.Append(alphabet[RandomNumberGenerator.GetInt32(alphabet.Length)]);
            }
        }

        return result.ToString();
    }

    private static string ReadUnit(string expression, ref int i)
    {
        var c = expression[i];
        if (c == '\\')
        {
            var escaped = Escape(expression, ref i);
            return escaped;
        }

        if (c != '[')
        {
            i++;
            return c.ToString();
        }

        var close = expression.IndexOf(']', i + 1);
        if (close < 0)
        {
            throw Invalid(expression, "a '[' without ']'");
        }

        var set = new StringBuilder();
        i++;
        while (i < close)
        {
            if (expression[i] == '\\')
            {
                set.Append(Escape(expression, ref i));
                continue;
            }

            if (i + 2 < close && expression[i + 1] == '-')
            {
                var (from, to) = (expression[i], expression[i + 2]);
                if (from > to)
                {
                    throw Invalid(expression, $"the range {from}-{to} is backwards");
                }

                for (var ch = from; ch <= to; ch++)
                {
                    set.Append(ch);
                }

                i += 3;
                continue;
            }

            set.Append(expression[i++]);
        }

        i = close + 1;
        var distinct = new string(set.ToString().Distinct().ToArray());
        return distinct.Length == 0 ? throw Invalid(expression, "an empty character class") : distinct;
    }

    private static string Escape(string expression, ref int i)
    {
        if (i + 1 >= expression.Length)
        {
            throw Invalid(expression, "a trailing '\\'");
        }

        var code = expression[i + 1];
        i += 2;
        return code switch
        {
            'w' => Letters + Digits + "_",
            'd' => Digits,
            'a' => Letters,
            'A' => Punctuation,
            _ => code.ToString(),
        };
    }

    private static (int Min, int Max) ReadRepeat(string expression, ref int i)
    {
        if (i >= expression.Length || expression[i] != '{')
        {
            return (1, 1);
        }

        var close = expression.IndexOf('}', i);
        if (close < 0)
        {
            throw Invalid(expression, "a '{' without '}'");
        }

        var body = expression[(i + 1)..close];
        i = close + 1;
        var parts = body.Split(',');
        if (parts.Length is < 1 or > 2 || !parts.All(p => int.TryParse(p, out var n) && n >= 0))
        {
            throw Invalid(expression, $"'{{{body}}}' is not a repeat count");
        }

        var min = int.Parse(parts[0]);
        var max = parts.Length == 2 ? int.Parse(parts[1]) : min;
        return max < min ? throw Invalid(expression, $"'{{{body}}}' has its maximum below its minimum") : (min, max);
    }

    private static NuleculeException Invalid(string expression, string why) =>
        new($"cannot generate a value from the expression '{expression}': {why}", hint: "supported: [a-z0-9], \\w, \\d, \\a, \\A, literals, {n} and {n,m}");
}
