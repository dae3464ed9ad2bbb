namespace Nulecule.Docker.Planning;

/// <summary>Labels the docker provider adds beyond the common ones of <see cref="Nulecule.Providers.Labels"/>.</summary>
public static class DockerLabels
{
    /// <summary>Creation order within the release (zero-padded), so `stop` can go in reverse without the app.</summary>
    public const string Order = Nulecule.Providers.Labels.Prefix + "order";

    /// <summary>The container's name as the artifact knows it (`--name`, or `component-n`).</summary>
    public const string LogicalName = Nulecule.Providers.Labels.Prefix + "name";
}
