using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;

namespace Nulecule.Releases;

/// <summary>
/// The per-user key that seals release manifests. Why encrypt: a manifest is the rendered app
/// after substitution, so it holds every hidden param value (passwords, tokens) in plain text;
/// keeping it lets `rollback` work without the app directory, but the database is an ordinary
/// file that gets backed up and copied. AES-256-GCM (authenticated, in the base library, no
/// native dependency beyond the platform's crypto) with a random 32-byte key in `release.key`,
/// created on first use with mode 0600 in the state directory. The key never leaves that file;
/// losing it makes old manifests unreadable (history stays readable, rollback to them does not).
/// </summary>
public sealed class ReleaseKey
{
    public const string FileName = "release.key";
    // aesgcm1: the manifest's JSON sealed as it is (still read); aesgcm2: Brotli-compressed first. A
    // manifest holds every rendered document and is encrypted, so nothing after sealing can shrink it:
    // compressing first keeps a Kubernetes release record (a Secret, at most 1 MiB) small enough for
    // thousands of objects instead of about 880.
    private const string Prefix = "aesgcm2";
    private const string PlainPrefix = "aesgcm1";

    // A stored manifest opens to at most this much JSON (a damaged or hostile blob cannot exhaust memory).
    private const int MaxManifestBytes = 256 * 1024 * 1024;
    private const int KeySize = 32;
    private const int NonceSize = 12;
    private const int TagSize = 16;

    private readonly byte[] _key;

    private ReleaseKey(byte[] key, string? path)
    {
        _key = key;
        Path = path;
        Id = Convert.ToHexStringLower(SHA256.HashData(key))[..12];
    }

    /// <summary>The key file, or null for an in-memory key.</summary>
    public string? Path { get; }

    /// <summary>A fingerprint written beside each sealed blob so a wrong key is named as such.</summary>
    public string Id { get; }

    /// <summary>
    /// Keyed digests of values (<see cref="Providers.ValueDigest"/>), from a key derived with HKDF so the
    /// sealing key itself is never used for anything else.
    /// </summary>
    public Providers.ValueDigest Digests => _digests ??= new Providers.ValueDigest(
        HKDF.DeriveKey(HashAlgorithmName.SHA256, _key, KeySize, salt: [], info: Encoding.UTF8.GetBytes("nulecule value digest v1")));

    private Providers.ValueDigest? _digests;

    /// <summary>A random key that lives as long as this object (tests, the memory store).</summary>
    public static ReleaseKey Ephemeral() => new(RandomNumberGenerator.GetBytes(KeySize), null);

    /// <summary>Reads `release.key` from the state directory, creating it (0600) when absent.</summary>
    public static ReleaseKey LoadOrCreate(string stateDirectory)
    {
        StateDirectory.Ensure(stateDirectory);
        var path = System.IO.Path.Combine(stateDirectory, FileName);
        if (!File.Exists(path))
        {
            var fresh = RandomNumberGenerator.GetBytes(KeySize);
            try
            {
                var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None };
                if (!OperatingSystem.IsWindows())
                {
                    options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
                }

                using (var stream = new FileStream(path, options))
                {
                    stream.Write(fresh);
                    stream.Flush(flushToDisk: true);
                }

                return new ReleaseKey(fresh, path);
            }
            catch (IOException) when (File.Exists(path))
            {
                // Another process created it first: use theirs.
            }
        }

        if (!OperatingSystem.IsWindows())
        {
            var mode = File.GetUnixFileMode(path);
            if ((mode & (UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.OtherRead | UnixFileMode.OtherWrite)) != 0)
            {
                throw new NuleculeException(
                    $"the release key {path} can be read or written by other users (mode {Convert.ToString((int)mode, 8)})",
                    null,
                    $"run: chmod 600 {path}");
            }
        }

        var key = File.ReadAllBytes(path);
        if (key.Length != KeySize)
        {
            throw new NuleculeException(
                $"the release key {path} has {key.Length} bytes, expected {KeySize}",
                null,
                "restore it from a backup; removing it makes the stored manifests unreadable (rollback to old revisions will fail)");
        }

        return new ReleaseKey(key, path);
    }

    /// <summary>Encrypts a manifest for one record; <paramref name="release"/> and <paramref name="revision"/> are bound to it.</summary>
    public string Seal(ReleaseManifest manifest, string release, int revision) => Seal(manifest, release, revision, compress: true);

    /// <summary>With <paramref name="compress"/> false, the format older nulecules wrote (tests read it back).</summary>
    internal string Seal(ReleaseManifest manifest, string release, int revision, bool compress)
    {
        var json = ReleaseJson.Serialize(manifest);
        var plain = compress ? Compress(json) : json;
        if (compress)
        {
            CryptographicOperations.ZeroMemory(json);
        }

        var nonce = RandomNumberGenerator.GetBytes(NonceSize);
        var blob = new byte[NonceSize + TagSize + plain.Length];
        nonce.CopyTo(blob, 0);
        using (var aes = new AesGcm(_key, TagSize))
        {
            aes.Encrypt(nonce, plain, blob.AsSpan(NonceSize + TagSize), blob.AsSpan(NonceSize, TagSize), Associated(release, revision));
        }

        CryptographicOperations.ZeroMemory(plain);
        return $"{(compress ? Prefix : PlainPrefix)}:{Id}:{Convert.ToBase64String(blob)}";
    }

    private static byte[] Compress(byte[] json)
    {
        using var output = new MemoryStream(json.Length / 4 + 64);
        using (var brotli = new BrotliStream(output, CompressionLevel.Fastest, leaveOpen: true))
        {
            brotli.Write(json);
        }

        return output.ToArray();
    }

    private static byte[] Decompress(byte[] compressed, string release, int revision)
    {
        using var input = new MemoryStream(compressed, writable: false);
        using var brotli = new BrotliStream(input, CompressionMode.Decompress);
        using var output = new MemoryStream(compressed.Length * 4);
        var buffer = new byte[81920];
        int read;
        while ((read = brotli.Read(buffer)) > 0)
        {
            if (output.Length + read > MaxManifestBytes)
            {
                throw new OperationFailedException($"the stored manifest of release '{release}' revision {revision} opens to more than {MaxManifestBytes / (1024 * 1024)} MiB; it is not one nulecule wrote");
            }

            output.Write(buffer, 0, read);
        }

        return output.ToArray();
    }

    /// <summary>Decrypts the manifest of a record.</summary>
    public ReleaseManifest Open(Release record) => Open(record.SealedManifest, record.Name, record.Revision);

    public ReleaseManifest Open(string sealedManifest, string release, int revision)
    {
        var parts = sealedManifest.Split(':', 3);
        if (parts.Length != 3 || parts[0] is not (Prefix or PlainPrefix))
        {
            throw new OperationFailedException($"the stored manifest of release '{release}' revision {revision} is not in a format this nulecule reads");
        }

        if (parts[1] != Id)
        {
            throw new OperationFailedException(
                $"the stored manifest of release '{release}' revision {revision} was sealed with another key ({parts[1]}) than {Path ?? "this one"} ({Id}); restore the key file it was written with");
        }

        var blob = Convert.FromBase64String(parts[2]);
        if (blob.Length < NonceSize + TagSize)
        {
            throw new OperationFailedException($"the stored manifest of release '{release}' revision {revision} is truncated");
        }

        var plain = new byte[blob.Length - NonceSize - TagSize];
        try
        {
            using var aes = new AesGcm(_key, TagSize);
            aes.Decrypt(blob.AsSpan(0, NonceSize), blob.AsSpan(NonceSize + TagSize), blob.AsSpan(NonceSize, TagSize), plain, Associated(release, revision));
            if (parts[0] == PlainPrefix)
            {
                return ReleaseJson.DeserializeManifest(plain);
            }

            var json = Decompress(plain, release, revision);
            try
            {
                return ReleaseJson.DeserializeManifest(json);
            }
            finally
            {
                CryptographicOperations.ZeroMemory(json);
            }
        }
        catch (AuthenticationTagMismatchException ex)
        {
            throw new OperationFailedException($"the stored manifest of release '{release}' revision {revision} does not match its record (altered or moved)", ex);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(plain);
        }
    }

    private static byte[] Associated(string release, int revision) => Encoding.UTF8.GetBytes($"nulecule-release\n{release}\n{revision}");
}
