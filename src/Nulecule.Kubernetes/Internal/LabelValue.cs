using System.Security.Cryptography;
using System.Text;

namespace Nulecule.Kubernetes.Internal;

/// <summary>Makes any text a valid label value (63 chars of [A-Za-z0-9-_.], alphanumeric at both ends).</summary>
internal static class LabelValue
{
    public static string From(string text)
    {
        var chars = text.Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' ? c : '.').ToArray();
        var value = new string(chars).Trim('-', '_', '.');
        if (value.Length <= 63 && value == text)
        {
            return value;
        }

        // Changed or too long: keep it readable but unique with a short hash of the original.
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)))[..8];
        var head = value.Length > 54 ? value[..54].TrimEnd('-', '_', '.') : value;
        return head.Length == 0 ? hash : $"{head}-{hash}";
    }
}
