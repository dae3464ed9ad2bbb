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
            text = text.Replace(secret, Stars, StringComparison.Ordinal);
        }

        return text;
    }

    public SecretMasker With(IEnumerable<string> more) => new(_secrets.Concat(more));
}
