using System.Collections.Concurrent;
using System.Net;
using Nulecule.Kubernetes.Internal;
using Nulecule.Kubernetes.Tests.Support;

namespace Nulecule.Kubernetes.Tests;

/// <summary>
/// Which HTTP version the calls to the real API server use: HTTP/2 for calls that complete (side by
/// side on one TLS connection, as kubectl's), HTTP/1.1 for streams (a connection of their own each,
/// so many `logs --follow` streams never queue behind the server's cap on streams per connection).
/// </summary>
public sealed class KubeApiTests
{
    [ClusterFact]
    public async Task Should_send_calls_side_by_side_over_http2_and_streams_over_http11()
    {
        // Given: the test cluster's connection, with a handler that notes each answer's version
        using var connection = KubernetesConnection.Resolve(Cluster.Settings("default"));
        var seen = new VersionSeen();
        using var client = new k8s.Kubernetes(connection.Configuration, seen);
        var api = new KubeApi(client);

        // When
        var answers = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => api.GetAsync("/version", CancellationToken.None)));
        using var stream = await api.StreamAsync("/version", CancellationToken.None);

        // Then
        answers.ShouldAllBe(a => a != null && a["gitVersion"] != null);
        seen.Versions.Take(8).ShouldAllBe(v => v == HttpVersion.Version20);
        stream.Version.ShouldBe(HttpVersion.Version11);
        seen.Versions.Count.ShouldBe(9);
    }

    private sealed class VersionSeen : DelegatingHandler
    {
        public ConcurrentQueue<Version> Versions { get; } = new();

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var response = await base.SendAsync(request, cancellationToken);
            Versions.Enqueue(response.Version);
            return response;
        }
    }
}
