using System.Net;
using System.Net.Sockets;

namespace Nulecule.Docker.Tests.Examples;

/// <summary>The repository's examples/, copied to a temporary directory so tests never write into the checkout.</summary>
internal static class ExampleApp
{
    public static string Source(string name)
    {
        for (var dir = AppContext.BaseDirectory; dir is not null; dir = Path.GetDirectoryName(dir))
        {
            var candidate = Path.Combine(dir, "examples", name);
            if (File.Exists(Path.Combine(candidate, "Nulecule")))
            {
                return candidate;
            }
        }

        throw new InvalidOperationException($"examples/{name} not found above {AppContext.BaseDirectory}");
    }

    /// <summary>The app's Nulecule and artifacts only: not external/ (the test fetches it) nor answers.</summary>
    public static string CopyToTemp(string name)
    {
        var source = Source(name);
        var target = Path.Combine(Path.GetTempPath(), $"nulecule-example-{name}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(target);
        File.Copy(Path.Combine(source, "Nulecule"), Path.Combine(target, "Nulecule"));
        CopyDirectory(Path.Combine(source, "artifacts"), Path.Combine(target, "artifacts"));
        return target;
    }

    /// <summary>A TCP port nothing listens on right now (there is a small race, acceptable in tests).</summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static void CopyDirectory(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var file in Directory.GetFiles(from))
        {
            File.Copy(file, Path.Combine(to, Path.GetFileName(file)));
        }

        foreach (var dir in Directory.GetDirectories(from))
        {
            CopyDirectory(dir, Path.Combine(to, Path.GetFileName(dir)));
        }
    }
}
