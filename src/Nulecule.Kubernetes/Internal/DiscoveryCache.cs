using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace Nulecule.Kubernetes.Internal;

/// <summary>
/// API discovery documents (`/apis` and each group-version's resource list) kept on disk for a
/// short time, as kubectl keeps its discovery cache under ~/.kube/cache: a command then asks the
/// server for what it serves once per <see cref="Ttl"/>, not once per run. One folder per API
/// server URL, readable by the user only. The documents are not secret (any authenticated user may
/// read them), and a file that cannot be read or parsed is treated as absent.
/// </summary>
internal sealed class DiscoveryCache
{
    /// <summary>How long a document is used before it is asked for again.</summary>
    public static readonly TimeSpan Ttl = TimeSpan.FromMinutes(10);

    private readonly string _directory;

    public DiscoveryCache(string root, string server)
    {
        var key = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(server.TrimEnd('/'))))[..16];
        _directory = Path.Combine(root, "discovery", key);
    }

    /// <summary>
    /// The cache root: `NULECULE_CACHE_DIR`, else `$XDG_CACHE_HOME/nulecule`, else
    /// `~/.cache/nulecule`; null (no disk cache) when `NULECULE_CACHE_DIR` is `off` or no home is known.
    /// </summary>
    public static string? RootFrom(IReadOnlyDictionary<string, string> environment, string? home)
    {
        if (environment.GetValueOrDefault("NULECULE_CACHE_DIR") is { Length: > 0 } explicitRoot)
        {
            return explicitRoot == "off" ? null : explicitRoot;
        }

        if (environment.GetValueOrDefault("XDG_CACHE_HOME") is { Length: > 0 } xdg && Path.IsPathRooted(xdg))
        {
            return Path.Combine(xdg, "nulecule");
        }

        return string.IsNullOrEmpty(home) ? null : Path.Combine(home, ".cache", "nulecule");
    }

    /// <summary>The document stored for <paramref name="path"/> while it is fresh, else null.</summary>
    public JsonNode? Read(string path)
    {
        var file = FileOf(path);
        try
        {
            var info = new FileInfo(file);
            if (!info.Exists || DateTime.UtcNow - info.LastWriteTimeUtc > Ttl || info.Length > 8 << 20)
            {
                return null;
            }

            return JsonNode.Parse(File.ReadAllBytes(file));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or System.Text.Json.JsonException)
        {
            return null;
        }
    }

    /// <summary>Stores <paramref name="document"/> for <paramref name="path"/>; a failure to write only loses the cache.</summary>
    public void Write(string path, JsonNode document)
    {
        try
        {
            if (!Directory.Exists(_directory))
            {
                if (OperatingSystem.IsWindows())
                {
                    Directory.CreateDirectory(_directory);
                }
                else
                {
                    Directory.CreateDirectory(_directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
                }
            }

            // Written beside and renamed: a reader sees the old document or the new one, never half.
            var file = FileOf(path);
            var temporary = $"{file}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp";
            File.WriteAllText(temporary, document.ToJsonString());
            File.Move(temporary, file, overwrite: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
        }
    }

    /// <summary>Forgets <paramref name="path"/> (a CustomResourceDefinition changed what it serves).</summary>
    public void Remove(string path)
    {
        try
        {
            File.Delete(FileOf(path));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
        }
    }

    private string FileOf(string path) =>
        Path.Combine(_directory, (path.Trim('/').Replace('/', '_') is { Length: > 0 } name ? name : "root") + ".json");
}
