using System.Text.RegularExpressions;

namespace Nulecule.Releases;

/// <summary>
/// The one rule for release names, on every engine: they become parts of container, network,
/// volume and Secret names and label values, so they are DNS labels (RFC 1123) of at most 53
/// characters, as Helm's are (room for the suffixes the engines add).
/// </summary>
public static partial class ReleaseNames
{
    public const int MaxLength = 53;

    public const string Rule = "use up to 53 lower-case letters, digits and '-', starting and ending with a letter or digit";

    public static bool IsValid(string release) => Valid().IsMatch(release);

    public static void Check(string release)
    {
        if (!IsValid(release))
        {
            throw new NuleculeException($"release name '{release}' is not valid", null, Rule);
        }
    }

    /// <summary>A valid release name made from an app id: lower-cased, other characters as '-', cut to the length.</summary>
    public static string FromAppId(string appId)
    {
        var derived = new string(appId.ToLowerInvariant().Select(c => char.IsAsciiLetterOrDigit(c) ? c : '-').ToArray()).Trim('-');
        return derived.Length > MaxLength ? derived[..MaxLength].TrimEnd('-') : derived;
    }

    [GeneratedRegex("^[a-z0-9]([-a-z0-9]{0,51}[a-z0-9])?$", RegexOptions.CultureInvariant)]
    private static partial Regex Valid();
}
