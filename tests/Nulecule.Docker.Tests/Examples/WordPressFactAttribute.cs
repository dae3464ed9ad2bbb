using Nulecule.Docker.Endpoints;

namespace Nulecule.Docker.Tests.Examples;

/// <summary>
/// A fact that runs examples/wordpress on the real engine: skipped, saying why, when no engine
/// answers or the example's images (scripts/build-wordpress-images.sh) are missing.
/// </summary>
public sealed class WordPressFactAttribute : FactAttribute
{
    public static readonly string[] Images = ["local/mariadb:10", "local/wordpress:6", "local/nulecule-mariadb:1"];

    private static readonly Lazy<string?> Unavailable = new(() =>
    {
        try
        {
            var endpoint = new DockerEndpointResolver().Resolve();
            if (DockerConnector.ProbeAsync(endpoint).GetAwaiter().GetResult() is { } problem)
            {
                return $"no Docker engine at {endpoint}: {problem}";
            }

            using var client = DockerConnector.CreateClient(endpoint);
            foreach (var image in Images)
            {
                try
                {
                    client.Images.InspectImageAsync(image).GetAwaiter().GetResult();
                }
                catch (global::Docker.DotNet.DockerApiException)
                {
                    return $"image {image} is missing: run scripts/build-debian-image.sh, then scripts/build-wordpress-images.sh";
                }
            }

            return null;
        }
        catch (Exception e)
        {
            return $"no Docker engine: {e.Message}";
        }
    });

    public WordPressFactAttribute()
    {
        if (Unavailable.Value is { } reason)
        {
            Skip = reason;
        }
    }
}
