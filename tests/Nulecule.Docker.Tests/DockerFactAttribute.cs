using Nulecule.Docker.Endpoints;

namespace Nulecule.Docker.Tests;

/// <summary>A fact that needs a Docker engine: skipped, with the reason, when none answers.</summary>
public sealed class DockerFactAttribute : FactAttribute
{
    private static readonly Lazy<string?> Unavailable = new(() =>
    {
        try
        {
            var endpoint = new DockerEndpointResolver().Resolve();
            var problem = DockerConnector.ProbeAsync(endpoint).GetAwaiter().GetResult();
            if (problem is not null)
            {
                return $"no Docker engine at {endpoint}: {problem}";
            }

            using var client = DockerConnector.CreateClient(endpoint);
            try
            {
                client.Images.InspectImageAsync(TestImages.Busybox).GetAwaiter().GetResult();
                return null;
            }
            catch (global::Docker.DotNet.DockerApiException)
            {
                return $"{TestImages.Busybox} is missing: run scripts/build-test-images.sh";
            }
        }
        catch (Exception e)
        {
            return $"no Docker engine: {e.Message}";
        }
    });

    public DockerFactAttribute()
    {
        if (Unavailable.Value is { } reason)
        {
            Skip = reason;
        }
    }
}
