using System.Text.RegularExpressions;

namespace Nulecule.Spec;

/// <summary>
/// Docker's image reference grammar (`[host[:port]/]path[:tag][@digest]`, path components in
/// lower case), checked before an engine sees a name: the engine's "invalid reference format"
/// is a worse message, and a name starting with '-' is a mistyped option, not an image.
/// </summary>
public static partial class ImageReference
{
    public static bool IsValid(string reference)
    {
        if (reference.Length is 0 or > 512)
        {
            return false;
        }

        var match = Grammar().Match(reference);
        if (!match.Success)
        {
            return false;
        }

        // The first component is a registry host only when it looks like one; else it is a
        // repository path component, which must be lower case.
        var domain = match.Groups["domain"];
        return !domain.Success || domain.Value.Contains('.', StringComparison.Ordinal) || domain.Value.Contains(':', StringComparison.Ordinal) ||
            domain.Value == "localhost" || PathComponent().IsMatch(domain.Value);
    }

    [GeneratedRegex(@"^(?:(?<domain>[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*(?::[0-9]{1,5})?)/)?[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*(?::[A-Za-z0-9_][A-Za-z0-9_.-]{0,127})?(?:@[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,})?$", RegexOptions.CultureInvariant, matchTimeoutMilliseconds: 1000)]
    private static partial Regex Grammar();

    [GeneratedRegex(@"^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$", RegexOptions.CultureInvariant)]
    private static partial Regex PathComponent();
}
