using Nulecule.Docker.Endpoints;
using Nulecule.Providers;

namespace Nulecule.Docker.Tests;

/// <summary>No engine at the endpoint: the error names the endpoint and what to do (no engine needed).</summary>
public sealed class EngineGoneTests
{
    [Fact]
    public async Task Should_name_the_engine_endpoint_when_nothing_answers()
    {
        // Given: an endpoint whose socket does not exist
        var socket = Path.Combine(Path.GetTempPath(), $"nulecule-no-engine-{Guid.NewGuid():N}.sock");
        var endpoint = new DockerEndpoint(new Uri("unix://" + socket), "test");
        using var client = DockerConnector.CreateClient(endpoint);
        using var provider = new DockerProvider(client, endpoint.Uri.ToString());
        var app = TestApps.App("gone", [TestApps.Component("web", "docker run -d local/busybox:latest sleep 60")]);

        // When
        var error = await Should.ThrowAsync<OperationFailedException>(() =>
            provider.RunAsync(app, new RunOptions { Release = "gone" }, CancellationToken.None));

        // Then
        error.Message.ShouldStartWith($"docker run of release gone failed: the Docker engine at unix://{socket} did not answer (");
        error.Message.ShouldEndWith("check that dockerd runs (`docker info`), then run again; nothing was changed");
    }
}
