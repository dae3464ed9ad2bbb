using System.Text.Json.Nodes;

namespace Nulecule.Kubernetes.Internal;

/// <summary>
/// Fills the one default that server-side apply needs before the server would default it:
/// `protocol: TCP` in Service ports and container ports, the key fields of associative lists.
/// Kubernetes up to 1.20 rejects an apply that omits it ("associative list with keys has an
/// element that omits key field protocol"), and almost every real artifact omits it.
/// </summary>
internal static class ServerDefaults
{
    private static readonly HashSet<string> ContainerLists = new(StringComparer.Ordinal) { "containers", "initContainers", "ephemeralContainers" };

    public static void Apply(JsonObject body)
    {
        if ((string?)body["kind"] == "Service" && body["spec"]?["ports"] is JsonArray servicePorts)
        {
            DefaultProtocol(servicePorts);
        }

        Walk(body);
    }

    private static void Walk(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var (key, value) in obj)
                {
                    if (ContainerLists.Contains(key) && value is JsonArray containers)
                    {
                        foreach (var container in containers.OfType<JsonObject>())
                        {
                            if (container["ports"] is JsonArray ports)
                            {
                                DefaultProtocol(ports);
                            }
                        }
                    }
                    else
                    {
                        Walk(value);
                    }
                }

                break;
            case JsonArray array:
                foreach (var item in array)
                {
                    Walk(item);
                }

                break;
        }
    }

    private static void DefaultProtocol(JsonArray ports)
    {
        foreach (var port in ports.OfType<JsonObject>())
        {
            if (port["protocol"] is null)
            {
                port["protocol"] = "TCP";
            }
        }
    }
}
