using System.Collections.Concurrent;
using System.Net;
using System.Text.Json.Nodes;
using Nulecule.Kubernetes.Internal;
using Nulecule.Kubernetes.Tests.Support;
using Nulecule.Providers;

namespace Nulecule.Kubernetes.Tests;

/// <summary>
/// Which HTTP version the calls to the real API server use: HTTP/2 for calls that complete (side by
/// side on one TLS connection, as kubectl's), HTTP/1.1 for streams (a connection of their own each,
/// so many `logs --follow` streams never queue behind the server's cap on streams per connection).
/// Which answer they ask for: an apply and the prune's lists want metadata alone, and a server that
/// refuses that answer is asked again for the whole one.
/// </summary>
public sealed class KubeApiTests : IClassFixture<TestNamespace>
{
    private readonly TestNamespace _ns;

    public KubeApiTests(TestNamespace ns)
    {
        _ns = ns;
    }

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

    [ClusterFact]
    public async Task Should_get_the_metadata_alone_of_an_apply_and_of_a_list_when_it_asks_for_it()
    {
        // Given
        using var connection = KubernetesConnection.Resolve(Cluster.Settings(_ns.Name));
        var seen = new VersionSeen();
        using var client = new k8s.Kubernetes(connection.Configuration, seen);
        var api = new KubeApi(client);
        var path = $"/api/v1/namespaces/{_ns.Name}/configmaps/meta-only";

        // When: a server-side apply and a labelled list that want metadata alone
        var applied = await api.SendAsync(HttpMethod.Patch, path + "?fieldManager=nulecule&force=false", ConfigMap("meta-only", "one"), "application/apply-patch+yaml", CancellationToken.None, Answer.Metadata);
        var listed = await api.ListAllAsync($"/api/v1/namespaces/{_ns.Name}/configmaps", "labelSelector=test%3Dmeta-only", CancellationToken.None, metadataOnly: true);

        // Then: the answers hold the metadata, not the data; the server holds all of it
        ((string?)applied["kind"]).ShouldBe("PartialObjectMetadata");
        ((string?)applied["metadata"]!["resourceVersion"]).ShouldNotBeNullOrEmpty();
        ((string?)applied["metadata"]!["labels"]!["test"]).ShouldBe("meta-only");
        applied["data"].ShouldBeNull();
        var item = listed.ShouldNotBeNull().ShouldHaveSingleItem();
        ((string?)item["metadata"]!["name"]).ShouldBe("meta-only");
        ((string?)item["metadata"]!["uid"]).ShouldNotBeNullOrEmpty();
        item["data"].ShouldBeNull();
        ((string?)(await _ns.GetAsync(path))!["data"]!["value"]).ShouldBe("one");
        seen.Accepts.ShouldAllBe(a => a.StartsWith("application/json;as=PartialObjectMetadata", StringComparison.Ordinal));
    }

    [ClusterFact]
    public async Task Should_ask_for_the_whole_answer_from_then_on_when_the_server_refuses_metadata_alone()
    {
        // Given: an Accept the real server refuses (406), as a server that cannot leave out the rest would
        using var connection = KubernetesConnection.Resolve(Cluster.Settings(_ns.Name));
        var seen = new VersionSeen();
        using var client = new k8s.Kubernetes(connection.Configuration, seen);
        var api = new KubeApi(client) { MetadataAccept = "application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v0" };
        var path = $"/api/v1/namespaces/{_ns.Name}/configmaps/refused";

        // When: two applies that want metadata alone
        var first = await api.SendAsync(HttpMethod.Patch, path + "?fieldManager=nulecule&force=false", ConfigMap("refused", "one"), "application/apply-patch+yaml", CancellationToken.None, Answer.Metadata);
        var second = await api.SendAsync(HttpMethod.Patch, path + "?fieldManager=nulecule&force=false", ConfigMap("refused", "two"), "application/apply-patch+yaml", CancellationToken.None, Answer.Metadata);

        // Then: the first was refused and sent again for the whole answer; the second asked for it at once
        seen.Statuses.ShouldBe([HttpStatusCode.NotAcceptable, HttpStatusCode.Created, HttpStatusCode.OK]);
        seen.Accepts.ShouldBe([api.MetadataAccept, "application/json", "application/json"]);
        ((string?)first["kind"]).ShouldBe("ConfigMap");
        ((string?)second["data"]!["value"]).ShouldBe("two");
        ((string?)(await _ns.GetAsync(path))!["data"]!["value"]).ShouldBe("two");
    }

    [ClusterFact]
    public async Task Should_read_what_exists_before_an_apply_as_metadata_alone_and_judge_it_as_before()
    {
        // Given: ConfigMaps another release owns and no release owns, and a Secret of no release
        var release = Labels.Release;
        await _ns.Api.SendAsync(HttpMethod.Post, $"/api/v1/namespaces/{_ns.Name}/configmaps", Labelled(ConfigMap("pre-other", "x"), release, "other"), null, CancellationToken.None);
        await _ns.Api.SendAsync(HttpMethod.Post, $"/api/v1/namespaces/{_ns.Name}/configmaps", ConfigMap("pre-none", "x"), null, CancellationToken.None);
        await _ns.Api.SendAsync(HttpMethod.Post, $"/api/v1/namespaces/{_ns.Name}/secrets", new JsonObject
        {
            ["apiVersion"] = "v1", ["kind"] = "Secret", ["metadata"] = new JsonObject { ["name"] = "pre-secret" }, ["stringData"] = new JsonObject { ["k"] = "v" },
        }, null, CancellationToken.None);
        using var connection = KubernetesConnection.Resolve(Cluster.Settings(_ns.Name));
        var seen = new VersionSeen();
        using var client = new k8s.Kubernetes(connection.Configuration, seen);
        var api = new KubeApi(client);
        PlannedObject Planned(string kind, string name) => new("web", "artifacts/web.yaml", new JsonObject
        {
            ["apiVersion"] = "v1", ["kind"] = kind, ["metadata"] = new JsonObject { ["name"] = name, ["annotations"] = new JsonObject() },
            // A key the objects do not have yet: the apply conflicts with no other field manager.
            [kind == "Secret" ? "stringData" : "data"] = new JsonObject { ["applied"] = "planned" },
        });
        PlannedObject[] planned = [Planned("ConfigMap", "pre-other"), Planned("ConfigMap", "pre-none"), Planned("ConfigMap", "pre-new"), Planned("Secret", "pre-secret")];

        // When: the preflight of release "mine", then with --take-ownership and the applies
        var refused = await Should.ThrowAsync<OperationFailedException>(() =>
            new Applier(api, new Discovery(api), _ns.Name, false, new SecretMasker([])).PreflightAsync(planned, "mine", false, CancellationToken.None));
        var reads = seen.Requests.Count;
        var applier = new Applier(api, new Discovery(api), _ns.Name, false, new SecretMasker([]));
        await applier.PreflightAsync(planned, "mine", true, CancellationToken.None);
        var applied = new List<AppliedObject>();
        foreach (var item in planned)
        {
            applied.Add(await applier.ApplyAsync(item, false, [], CancellationToken.None));
        }

        // Then: the owners were read from metadata (one list of ConfigMaps, one read of the
        // Secret), both conflicts named, and each object judged as before: the existing updated,
        // the new one created
        var lines = refused.Message.Split(Environment.NewLine);
        lines.ShouldContain(l => l.Contains("ConfigMap " + _ns.Name + "/pre-other", StringComparison.Ordinal) && l.EndsWith("belongs to release 'other'", StringComparison.Ordinal));
        lines.ShouldContain(l => l.Contains("ConfigMap " + _ns.Name + "/pre-none", StringComparison.Ordinal) && l.EndsWith("belongs to no release (nulecule did not create it)", StringComparison.Ordinal));
        lines.ShouldContain(l => l.Contains("Secret " + _ns.Name + "/pre-secret", StringComparison.Ordinal));
        lines.ShouldNotContain(l => l.Contains("pre-new", StringComparison.Ordinal));
        var preflight = seen.Requests.Take(reads).Where(r => r.Path.StartsWith($"/api/v1/namespaces/{_ns.Name}/", StringComparison.Ordinal)).ToList();
        preflight.Select(r => (r.Path.Split('?')[0], r.Accept)).ShouldBe(
            [($"/api/v1/namespaces/{_ns.Name}/configmaps", api.ItemsMetadataAccept), ($"/api/v1/namespaces/{_ns.Name}/secrets/pre-secret", api.MetadataAccept)],
            ignoreOrder: true);
        applied.Select(a => (a.Planned.Name, a.Action)).ShouldBe(
            [("pre-other", ObjectAction.Updated), ("pre-none", ObjectAction.Updated), ("pre-new", ObjectAction.Created), ("pre-secret", ObjectAction.Updated)]);
        ((string?)(await _ns.GetAsync($"/api/v1/namespaces/{_ns.Name}/configmaps/pre-other"))!["data"]!["applied"]).ShouldBe("planned");
    }

    private static JsonObject Labelled(JsonObject body, string key, string value)
    {
        body["metadata"]!["labels"]![key] = value;
        return body;
    }

    private static JsonObject ConfigMap(string name, string value) => new()
    {
        ["apiVersion"] = "v1",
        ["kind"] = "ConfigMap",
        ["metadata"] = new JsonObject { ["name"] = name, ["labels"] = new JsonObject { ["test"] = name } },
        ["data"] = new JsonObject { ["value"] = value },
    };

    private sealed class VersionSeen : DelegatingHandler
    {
        public ConcurrentQueue<Version> Versions { get; } = new();

        public ConcurrentQueue<HttpStatusCode> Statuses { get; } = new();

        /// <summary>Path (with query) and Accept of each request, in the order sent.</summary>
        public ConcurrentQueue<(string Path, string Accept)> Requests { get; } = new();

        /// <summary>The Accept of each request, in the order sent.</summary>
        public List<string> Accepts => [.. Requests.Select(r => r.Accept)];

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            // As sent: read without parsing (parsing could rewrite the value).
            Requests.Enqueue((request.RequestUri!.PathAndQuery, request.Headers.NonValidated["Accept"].ToString()));
            var response = await base.SendAsync(request, cancellationToken);
            Versions.Enqueue(response.Version);
            Statuses.Enqueue(response.StatusCode);
            return response;
        }
    }
}
