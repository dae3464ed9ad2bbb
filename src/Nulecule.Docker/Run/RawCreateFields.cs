using System.Text.Json.Nodes;

namespace Nulecule.Docker.Run;

/// <summary>
/// Fields of the Engine API's container create that Docker.DotNet.Enhanced 4.3.3's
/// CreateContainerParameters has no property for: Config.MacAddress (what engines before API 1.44
/// read for `--mac-address`; the docker CLI sets it for the main network) and
/// HostConfig.KernelMemory (`--kernel-memory`). They are written into the request's JSON.
/// </summary>
public sealed record RawCreateFields(string? MacAddress, long? KernelMemory)
{
    public static RawCreateFields None { get; } = new(null, null);

    public bool IsEmpty => MacAddress is null && KernelMemory is null;

    public IEnumerable<string> Names =>
        new[] { MacAddress is null ? null : "Config.MacAddress", KernelMemory is null ? null : "HostConfig.KernelMemory" }.OfType<string>();

    /// <summary>Sets the fields on a create request body (the Config fields sit at its top level).</summary>
    public void WriteTo(JsonObject body)
    {
        ArgumentNullException.ThrowIfNull(body);
        if (MacAddress is not null)
        {
            body[nameof(MacAddress)] = MacAddress;
        }

        if (KernelMemory is { } kernelMemory)
        {
            if (body["HostConfig"] is not JsonObject host)
            {
                body["HostConfig"] = host = new JsonObject();
            }

            host[nameof(KernelMemory)] = kernelMemory;
        }
    }

    /// <summary>For the config hash: empty when there are none, so hashes of containers without them stay as they were.</summary>
    public override string ToString() => IsEmpty ? "" : $"mac={MacAddress};kmem={KernelMemory}";
}
