using Nulecule.Releases;
using Nulecule.Tests.Actions;
using Nulecule.Tests.TestSupport;

namespace Nulecule.Tests.Releases;

[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public class ReleaseKeyTests
{
    private static readonly ReleaseManifest Manifest = ReleaseManifest.From(ReleaseTestApps.Make(password: "canary-key-0b7e"));

    [Fact]
    public void Should_seal_without_the_plain_text_and_open_again()
    {
        var key = ReleaseKey.Ephemeral();

        var sealedText = key.Seal(Manifest, "shop", 3);

        sealedText.ShouldStartWith($"aesgcm2:{key.Id}:");
        sealedText.ShouldNotContain("canary-key-0b7e");
        sealedText.ShouldNotContain(Convert.ToBase64String("canary-key-0b7e"u8.ToArray()));
        key.Open(sealedText, "shop", 3).HiddenValues.ShouldBe(["canary-key-0b7e"]);
    }

    [Fact]
    public void Should_not_open_a_blob_moved_to_another_revision_or_with_another_key()
    {
        var key = ReleaseKey.Ephemeral();
        var sealedText = key.Seal(Manifest, "shop", 3);

        Should.Throw<OperationFailedException>(() => key.Open(sealedText, "shop", 4)).Message.ShouldContain("altered or moved");
        Should.Throw<OperationFailedException>(() => ReleaseKey.Ephemeral().Open(sealedText, "shop", 3)).Message.ShouldContain("sealed with another key");
    }

    [Fact]
    public void Should_create_the_key_file_with_mode_0600_once_and_reuse_it()
    {
        using var dir = new TempDir();
        var state = Path.Combine(dir.Path, "state");

        var first = ReleaseKey.LoadOrCreate(state);
        var second = ReleaseKey.LoadOrCreate(state);

        first.Path.ShouldBe(Path.Combine(state, ReleaseKey.FileName));
        File.GetUnixFileMode(first.Path!).ShouldBe(UnixFileMode.UserRead | UnixFileMode.UserWrite);
        File.GetUnixFileMode(state).ShouldBe(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        second.Id.ShouldBe(first.Id);
        second.Open(first.Seal(Manifest, "shop", 1), "shop", 1).AppId.ShouldBe("shop");
    }

    [Fact]
    public void Should_refuse_a_key_file_others_can_read()
    {
        using var dir = new TempDir();
        var key = ReleaseKey.LoadOrCreate(dir.Path);
        File.SetUnixFileMode(key.Path!, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);

        var error = Should.Throw<NuleculeException>(() => ReleaseKey.LoadOrCreate(dir.Path));

        error.Message.ShouldContain("chmod 600");
    }

    [Fact]
    public void Should_give_the_same_keyed_digests_to_the_same_key_file_and_others_to_another_key()
    {
        using var dir = new TempDir();
        var state = Path.Combine(dir.Path, "state");
        var first = ReleaseKey.LoadOrCreate(state).Digests.Of("p", "s3cret", 12);

        ReleaseKey.LoadOrCreate(state).Digests.Of("p", "s3cret", 12).ShouldBe(first);
        ReleaseKey.Ephemeral().Digests.Of("p", "s3cret", 12).ShouldNotBe(first);
        ReleaseKey.LoadOrCreate(state).Digests.Of("q", "s3cret", 12).ShouldNotBe(first, "another purpose, another digest");
        ReleaseKey.LoadOrCreate(state).Digests.Of("p", "s3cret2", 12).ShouldNotBe(first);
        first.ShouldMatch("^[0-9a-f]{12}$");
    }

    [Fact]
    public void Should_not_digest_with_the_sealing_key_itself()
    {
        // The digest key is derived (HKDF), so a digest is not an HMAC under the key that seals manifests.
        using var dir = new TempDir();
        var state = Path.Combine(dir.Path, "state");
        var key = ReleaseKey.LoadOrCreate(state);
        var raw = File.ReadAllBytes(Path.Combine(state, ReleaseKey.FileName));

        key.Digests.Of("p", "v").ShouldNotBe(new Nulecule.Providers.ValueDigest(raw).Of("p", "v"));
        Should.Throw<ArgumentException>(() => new Nulecule.Providers.ValueDigest(new byte[8]));
    }

    [Fact]
    public void Should_still_open_a_manifest_sealed_uncompressed_by_an_older_nulecule()
    {
        var key = ReleaseKey.Ephemeral();
        var old = key.Seal(Manifest, "shop", 3, compress: false);

        old.ShouldStartWith($"aesgcm1:{key.Id}:");
        key.Open(old, "shop", 3).HiddenValues.ShouldBe(["canary-key-0b7e"]);
    }

    [Fact]
    public void Should_seal_a_large_manifest_compressed_to_a_fraction_of_its_json()
    {
        // A release of many similar objects (a Kubernetes record is a Secret of at most 1 MiB).
        var manifest = ReleaseManifest.From(ReleaseTestApps.Make(password: "canary-key-0b7e"));
        var big = manifest with { Components = [.. Enumerable.Range(0, 400).SelectMany(_ => manifest.Components)] };
        var key = ReleaseKey.Ephemeral();
        var json = ReleaseJson.Serialize(big).Length;

        var compressed = key.Seal(big, "shop", 1);
        var plain = key.Seal(big, "shop", 1, compress: false);

        compressed.Length.ShouldBeLessThan(plain.Length / 5, $"json {json} bytes");
        key.Open(compressed, "shop", 1).Components.Count.ShouldBe(big.Components.Count);
    }
}
