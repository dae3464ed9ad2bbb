using System.Security.Cryptography;
using System.Text;

namespace Nulecule.Providers;

/// <summary>
/// A keyed digest (HMAC-SHA256) for names and lines that must change when a value changes but must
/// not let anyone recover the value: a swarm secret's name (`docker secret ls` shows it to every user of
/// the swarm), a diff line for an env file. A plain SHA-256 of a password is a brute-force target, since
/// passwords are short; a keyed one is not, without the key. The CLI keys it from the per-user release key
/// (<see cref="Releases.ReleaseKey.Digests"/>), so the same user gets the same digest run after run and
/// "nothing changed" stays visible; a caller that gives no key gets one made for this process.
/// </summary>
public sealed class ValueDigest
{
    private readonly byte[] _key;

    public ValueDigest(ReadOnlySpan<byte> key)
    {
        if (key.Length < 16)
        {
            throw new ArgumentException("a digest key has at least 16 bytes", nameof(key));
        }

        _key = key.ToArray();
    }

    /// <summary>A random key for this process only: digests agree within one run and mean nothing after it.</summary>
    public static ValueDigest ForThisProcess { get; } = new(RandomNumberGenerator.GetBytes(32));

    /// <summary>The lowercase hex digest of <paramref name="value"/> for <paramref name="purpose"/>, cut to <paramref name="length"/> digits.</summary>
    public string Of(string purpose, string value, int length = 64)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(length);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(length, 64);
        var hex = Convert.ToHexStringLower(HMACSHA256.HashData(_key, Encoding.UTF8.GetBytes(purpose + "\0" + value)));
        return hex[..length];
    }
}
