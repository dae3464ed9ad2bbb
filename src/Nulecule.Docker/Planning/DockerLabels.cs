namespace Nulecule.Docker.Planning;

/// <summary>Labels the docker provider adds beyond the common ones of <see cref="Nulecule.Providers.Labels"/>.</summary>
public static class DockerLabels
{
    /// <summary>Creation order within the release (zero-padded), so `stop` can go in reverse without the app.</summary>
    public const string Order = Nulecule.Providers.Labels.Prefix + "order";

    /// <summary>The container's name as the artifact knows it (`--name`, or `component-n`).</summary>
    /// <summary>
    /// `docker` on everything this provider creates. Queries filter on it too: kubelet copies pod
    /// labels onto its docker containers, so the release label alone could find Kubernetes pods.
    /// </summary>
    public const string Provider = Nulecule.Providers.Labels.Prefix + "provider";

    public const string ProviderValue = "docker";

    public const string LogicalName = Nulecule.Providers.Labels.Prefix + "name";

    /// <summary>A compose service another waits to complete (`service_completed_successfully`): exited 0 is its finished state.</summary>
    public const string OneShot = Nulecule.Providers.Labels.Prefix + "one-shot";
}
