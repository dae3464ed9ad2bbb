namespace Nulecule;

/// <summary>
/// Replaces every known secret value in a text by `******`. Used on everything a command prints
/// or stores: progress, errors, plans, dry runs, diffs.
/// </summary>
public sealed class SecretMasker
{
    public const string Stars = "******";

    private readonly string[] _secrets;

    public SecretMasker(IEnumerable<string> secrets)
    {
        // Longest first so a secret that contains another is masked whole. Empty values mask nothing.
        _secrets = secrets.Where(s => s.Length > 0).Distinct(StringComparer.Ordinal)
            .OrderByDescending(s => s.Length).ToArray();
    }

    public static SecretMasker None { get; } = new([]);

    public bool IsEmpty => _secrets.Length == 0;

    public string Mask(string? text)
    {
        if (string.IsNullOrEmpty(text) || _secrets.Length == 0)
        {
            return text ?? "";
        }

        foreach (var secret in _secrets)
        {
            text = MaskOne(text, secret);
        }

        return text;
    }

    /// <summary>
    /// Masks each occurrence of <paramref name="secret"/> that is not part of a longer word, so a
    /// short secret such as `x` hides `PASS=x` but leaves `syntax` readable.
    /// </summary>
    private static string MaskOne(string text, string secret)
    {
        var builder = new System.Text.StringBuilder(text.Length);
        var start = 0;
        while (true)
        {
            var at = text.IndexOf(secret, start, StringComparison.Ordinal);
            if (at < 0)
            {
                builder.Append(text, start, text.Length - start);
                return builder.ToString();
            }

            var end = at + secret.Length;
            var bounded = (at == 0 || !IsWordChar(text[at - 1]) || !IsWordChar(secret[0]))
                && (end == text.Length || !IsWordChar(text[end]) || !IsWordChar(secret[^1]));
            builder.Append(text, start, at - start).Append(bounded ? Stars : secret);
            start = end;
        }
    }

    private static bool IsWordChar(char c) => char.IsLetterOrDigit(c) || c == '_';

    public SecretMasker With(IEnumerable<string> more) => new(_secrets.Concat(more));
}
