using Nulecule.Docker;
using Nulecule.Docker.Swarm;
using Nulecule.Kubernetes;
using Nulecule.Providers;

namespace Nulecule.Cli;

/// <summary>
/// The engines this build knows: one line per engine. An engine project publishes its
/// registration (name, capabilities, how it connects, where its releases are kept); nothing else
/// in the command line names an engine.
/// </summary>
internal static class Engines
{
    // Declared before the registry: static initializers run in order.
    /// <summary>Marathon artifacts render (`template -p marathon`); there is no Marathon client yet.</summary>
    private static ProviderRegistration Marathon { get; } = new()
    {
        Name = "marathon",
        Description = "Mesos Marathon (render only)",
        Capabilities = new ProviderCapabilities { Deploy = false, Logs = false },
    };

    public static ProviderRegistry Registry { get; } = new()
    {
        DockerEngine.Docker,
        SwarmEngine.Swarm,
        KubernetesEngine.Kubernetes,
        KubernetesEngine.OpenShift,
        Marathon,
    };
}
