using System.Text.RegularExpressions;

namespace Nulecule.Actions.Internal;

/// <summary>Release names end up in label values (Docker and Kubernetes): keep them label-shaped.</summary>
internal static partial class ReleaseNames
{
    public static void Check(string release)
    {
        if (!Valid().IsMatch(release))
        {
            throw new NuleculeException(
                $"release name '{release}' is not valid",
                null,
                "use letters, digits, '-', '_' and '.', starting and ending with a letter or digit, at most 53 characters");
        }
    }

    [GeneratedRegex("^[A-Za-z0-9]([-A-Za-z0-9_.]{0,51}[A-Za-z0-9])?$", RegexOptions.CultureInvariant)]
    private static partial Regex Valid();
}
