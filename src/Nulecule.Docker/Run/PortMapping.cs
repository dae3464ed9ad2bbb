using System.Globalization;
using System.Net;

namespace Nulecule.Docker.Run;

/// <summary>
/// One published container port. <see cref="HostPort"/> null means a random host port;
/// it may be a range (`8000-8010`) when docker should pick one port inside it.
/// </summary>
public sealed record PortMapping(string? HostIp, string? HostPort, int ContainerPort, string Protocol)
{
    /// <summary>The engine's key for the port: `80/tcp`.</summary>
    public string Key => $"{ContainerPort}/{Protocol}";

    /// <summary>
    /// Parses a `-p` value with docker's rules: `containerPort`, `hostPort:containerPort`,
    /// `ip:hostPort:containerPort`, `ip::containerPort` (also `::containerPort`: every address,
    /// random host port), IPv6 addresses in brackets, ranges on both sides, `/tcp`, `/udp`, `/sctp`.
    /// Returns null and a reason when the value is malformed.
    /// </summary>
    public static IReadOnlyList<PortMapping> Parse(string spec, out string? error)
    {
        error = null;
        var protocol = "tcp";
        var text = spec;
        var slash = text.LastIndexOf('/');
        if (slash >= 0)
        {
            protocol = text[(slash + 1)..].ToLowerInvariant();
            text = text[..slash];
            if (protocol is not ("tcp" or "udp" or "sctp"))
            {
                error = $"unknown protocol '{protocol}' (use tcp, udp or sctp)";
                return [];
            }
        }

        string ip, hostPart, containerPart;
        var parts = text.Split(':');
        switch (parts.Length)
        {
            case 1:
                (ip, hostPart, containerPart) = ("", "", parts[0]);
                break;
            case 2:
                (ip, hostPart, containerPart) = ("", parts[0], parts[1]);
                break;
            default:
                // Everything before the last two parts is the address (an IPv6 address has colons).
                ip = string.Join(':', parts[..^2]);
                hostPart = parts[^2];
                containerPart = parts[^1];
                break;
        }

        if (ip.StartsWith('[') && ip.EndsWith(']'))
        {
            ip = ip[1..^1];
        }

        if (ip.Length > 0 && !IPAddress.TryParse(ip, out _))
        {
            error = $"'{ip}' is not an IP address";
            return [];
        }

        if (containerPart.Length == 0)
        {
            error = "no container port";
            return [];
        }

        if (!TryRange(containerPart, out var containerStart, out var containerEnd))
        {
            error = $"invalid container port '{containerPart}'";
            return [];
        }

        int hostStart = 0, hostEnd = 0;
        if (hostPart.Length > 0 && !TryRange(hostPart, out hostStart, out hostEnd))
        {
            error = $"invalid host port '{hostPart}'";
            return [];
        }

        var hostIp = ip.Length == 0 ? null : ip;
        var containerCount = containerEnd - containerStart;
        if (hostPart.Length > 0 && containerCount == 0 && hostEnd != hostStart)
        {
            // A host range for one container port: docker picks a free port inside the range.
            return [new PortMapping(hostIp, hostPart, containerStart, protocol)];
        }

        if (hostPart.Length > 0 && hostEnd - hostStart != containerCount)
        {
            error = $"host range {hostPart} and container range {containerPart} differ in size";
            return [];
        }

        var result = new List<PortMapping>();
        for (var i = 0; i <= containerCount; i++)
        {
            var host = hostPart.Length == 0 ? null : (hostStart + i).ToString(CultureInfo.InvariantCulture);
            result.Add(new PortMapping(hostIp, host, containerStart + i, protocol));
        }

        return result;
    }

    private static bool TryRange(string text, out int start, out int end)
    {
        var dash = text.IndexOf('-');
        var first = dash < 0 ? text : text[..dash];
        var last = dash < 0 ? text : text[(dash + 1)..];
        end = 0;
        return TryPort(first, out start) && TryPort(last, out end) && end >= start;
    }

    private static bool TryPort(string text, out int port) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out port) && port is >= 0 and <= 65535;
}
