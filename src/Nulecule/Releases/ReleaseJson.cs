using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Nulecule.Releases;

/// <summary>JSON form of records and manifests, source-generated so the NativeAOT CLI can use it.</summary>
public static class ReleaseJson
{
    public static string Serialize(Release release) => JsonSerializer.Serialize(release, ReleaseJsonContext.Default.Release);

    public static Release DeserializeRelease(string json) =>
        JsonSerializer.Deserialize(json, ReleaseJsonContext.Default.Release)
        ?? throw new FormatException("a stored release record is empty");

    public static byte[] Serialize(ReleaseManifest manifest) => JsonSerializer.SerializeToUtf8Bytes(manifest, ReleaseJsonContext.Default.ReleaseManifest);

    public static ReleaseManifest DeserializeManifest(ReadOnlySpan<byte> utf8)
    {
        var manifest = JsonSerializer.Deserialize(utf8, ReleaseJsonContext.Default.ReleaseManifest)
            ?? throw new FormatException("a stored release manifest is empty");
        if (manifest.Format > ReleaseManifest.CurrentFormat)
        {
            throw new FormatException($"the stored manifest has format {manifest.Format}, newer than this nulecule understands ({ReleaseManifest.CurrentFormat}); upgrade nulecule");
        }

        return manifest;
    }

    public static string ManifestText(ReleaseManifest manifest) => Encoding.UTF8.GetString(Serialize(manifest));
}

[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    UseStringEnumConverter = true)]
[JsonSerializable(typeof(Release))]
[JsonSerializable(typeof(ReleaseManifest))]
internal sealed partial class ReleaseJsonContext : JsonSerializerContext;
