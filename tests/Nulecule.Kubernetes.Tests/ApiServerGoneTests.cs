using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;
using k8s;
using Nulecule.Kubernetes.Internal;
using Nulecule.Providers;

namespace Nulecule.Kubernetes.Tests;

/// <summary>
/// The API server stops answering while nulecule works (no cluster needed: a local socket that
/// answers a few requests, then closes): every message names the server, the component and the
/// object, and a removal lists what was and was not deleted.
/// </summary>
public sealed class ApiServerGoneTests
{
    private static readonly ApiResource ConfigMaps = new("", "v1", "ConfigMap", "configmaps", true, ["get", "list", "delete", "patch"], false);
    private static readonly ApiResource Deployments = new("apps", "v1", "Deployment", "deployments", true, ["get", "list", "delete", "patch"], true);

    [Fact]
    public async Task Should_list_what_was_and_was_not_deleted_when_the_server_goes_away_between_deletes()
    {
        // Given: a server that accepts one DELETE, then is gone; the two ConfigMaps are deleted side by side
        await using var server = FakeApiServer.Start(answers: 1);
        var api = Api(server.Url);
        var reporter = new RecordingReporter();
        var objects = new[] { Live(ConfigMaps, "a", "web"), Live(ConfigMaps, "b", "db") };

        // When
        var error = await Should.ThrowAsync<OperationFailedException>(() =>
            new Remover(api).DeleteAsync(objects, DateTimeOffset.UtcNow.AddSeconds(30), reporter, CancellationToken.None, [Live(Deployments, "c", "db")]));

        // Then: the server, the object and its component, what happened and what did not; the
        // DELETE the server answered is "deleted", the one in flight when it went away is not
        server.Requests.Count.ShouldBe(1);
        var answered = server.Requests[0] == "DELETE /api/v1/namespaces/ns/configmaps/a" ? objects[0] : objects[1];
        var lost = answered == objects[0] ? objects[1] : objects[0];
        error.Message.ShouldStartWith($"the Kubernetes API server at {server.Url} did not answer (");
        // (sent before the server closed: perhaps received; refused at connecting: certainly not)
        var tail = error.Message[error.Message.IndexOf(" while deleting ", StringComparison.Ordinal)..];
        tail.ShouldBeOneOf(
            $" while deleting {lost.Display} (component {lost.Component}); deleted: {answered.Display}; sent but not seen to finish: {lost.Display}; not deleted: Deployment ns/c; run stop again once it answers",
            $" while deleting {lost.Display} (component {lost.Component}); deleted: {answered.Display}; not deleted: {lost.Display}, Deployment ns/c; run stop again once it answers");
        reporter.Lines.ShouldBe([$"detail: deleting {answered.Display}"]);
        KubeApi.IsUnreachable(error).ShouldBeTrue();
    }

    [Fact]
    public async Task Should_delete_workloads_before_what_they_refer_to_and_stop_sending_when_the_server_goes_away()
    {
        // Given: a server that answers one DELETE; a Deployment and the ConfigMap it would mount
        await using var server = FakeApiServer.Start(answers: 1);
        var objects = new[] { Live(ConfigMaps, "config", "web"), Live(Deployments, "web", "web") };

        // When
        var error = await Should.ThrowAsync<OperationFailedException>(() =>
            new Remover(Api(server.Url)).DeleteAsync(objects, DateTimeOffset.UtcNow.AddSeconds(30), new RecordingReporter(), CancellationToken.None));

        // Then: the Deployment went first (alone in its step), the ConfigMap's DELETE got no answer
        server.Requests.ShouldBe(["DELETE /apis/apps/v1/namespaces/ns/deployments/web"]);
        error.Message[error.Message.IndexOf(" while deleting ", StringComparison.Ordinal)..].ShouldBeOneOf(
            " while deleting ConfigMap ns/config (component web); deleted: Deployment ns/web; sent but not seen to finish: ConfigMap ns/config; run stop again once it answers",
            " while deleting ConfigMap ns/config (component web); deleted: Deployment ns/web; not deleted: ConfigMap ns/config; run stop again once it answers");
    }

    [Fact]
    public async Task Should_account_for_every_object_once_and_name_at_most_ten_per_list_when_many_are_left()
    {
        // Given: no server at all; 25 ConfigMaps of this component, 30 Deployments of later ones
        var url = FakeApiServer.ClosedUrl();
        var objects = Enumerable.Range(0, 25).Select(i => Live(ConfigMaps, $"cm-{i:00}", "web")).ToList();
        var later = Enumerable.Range(0, 30).Select(i => Live(Deployments, $"deploy-{i:00}", "db")).ToList();

        // When
        var error = await Should.ThrowAsync<OperationFailedException>(() =>
            new Remover(Api(url)).DeleteAsync(objects, DateTimeOffset.UtcNow.AddSeconds(30), new RecordingReporter(), CancellationToken.None, later));

        // Then: nothing deleted (no connection was ever made: nothing was sent either); every
        // object is counted once; no list names more than ten
        error.Message.ShouldContain("; nothing was deleted; not deleted: ");
        error.Message.ShouldNotContain("not seen to finish");
        var lists = System.Text.RegularExpressions.Regex.Matches(error.Message, "(sent but not seen to finish|not deleted): ([^;]*)");
        lists.Count.ShouldBe(1);
        var total = 0;
        foreach (System.Text.RegularExpressions.Match list in lists)
        {
            var text = list.Groups[2].Value;
            var names = System.Text.RegularExpressions.Regex.Count(text, "(ConfigMap|Deployment) ns/");
            names.ShouldBeLessThanOrEqualTo(Remover.NamesShown, text);
            var all = System.Text.RegularExpressions.Regex.Match(text, @" and (\d+) more \((\d+) in all\)$");
            if (all.Success)
            {
                names.ShouldBe(Remover.NamesShown);
                (int.Parse(all.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) + names).ShouldBe(int.Parse(all.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture));
            }

            total += all.Success ? int.Parse(all.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture) : names;
        }

        total.ShouldBe(55);
    }

    [Fact]
    public void Should_name_every_object_up_to_ten_and_count_the_rest()
    {
        var three = Enumerable.Range(0, 3).Select(i => Live(ConfigMaps, $"c{i}", "web")).ToList();
        var twelve = Enumerable.Range(0, 12).Select(i => Live(ConfigMaps, $"c{i}", "web")).ToList();

        Remover.Names(three).ShouldBe("ConfigMap ns/c0, ConfigMap ns/c1, ConfigMap ns/c2");
        Remover.Names(twelve).ShouldBe(string.Join(", ", Enumerable.Range(0, 10).Select(i => $"ConfigMap ns/c{i}")) + " and 2 more (12 in all)");
    }

    [Fact]
    public async Task Should_name_what_was_not_seen_gone_when_the_server_goes_away_while_deletion_is_waited_for()
    {
        // Given: both DELETEs accepted, then no answer while waiting for the objects to be gone
        await using var server = FakeApiServer.Start(answers: 2);
        var reporter = new RecordingReporter();
        var objects = new[] { Live(Deployments, "c", "db"), Live(ConfigMaps, "b", "db") };
        var nextComponent = new[] { Live(ConfigMaps, "a", "web") };

        // When
        var error = await Should.ThrowAsync<OperationFailedException>(() =>
            new Remover(Api(server.Url)).DeleteAsync(objects, DateTimeOffset.UtcNow.AddSeconds(30), reporter, CancellationToken.None, nextComponent));

        // Then
        error.Message.ShouldStartWith($"the Kubernetes API server at {server.Url} did not answer (");
        error.Message.ShouldEndWith(
            " while waiting for Deployment ns/c (component db) to be gone; its deletion was accepted, but not seen to finish for: Deployment ns/c, ConfigMap ns/b; not deleted: ConfigMap ns/a; run stop again once it answers");
        reporter.Lines.ShouldBe(["detail: deleting Deployment ns/c", "detail: deleting ConfigMap ns/b"]);
    }

    [Fact]
    public async Task Should_not_say_deleted_for_an_object_the_server_refused_to_delete()
    {
        // Given: the first DELETE that arrives refused (403), then no server; both are sent side by side
        await using var server = FakeApiServer.Start(answers: 1, status: 403,
            body: """{"kind":"Status","apiVersion":"v1","status":"Failure","reason":"Forbidden","message":"configmaps is forbidden","code":403}""");
        var reporter = new RecordingReporter();

        // When
        var error = await Should.ThrowAsync<OperationFailedException>(() =>
            new Remover(Api(server.Url)).DeleteAsync([Live(ConfigMaps, "a", "web"), Live(ConfigMaps, "b", "web")], DateTimeOffset.UtcNow.AddSeconds(30), reporter, CancellationToken.None));

        // Then: the refusal is the error (it says more than the lost answer); neither is called deleted
        server.Requests.Count.ShouldBe(1);
        var (refused, lost) = server.Requests[0].EndsWith("/a", StringComparison.Ordinal) ? ("a", "b") : ("b", "a");
        error.Message.ShouldBeOneOf(
            $"cannot delete ConfigMap ns/{refused} (component web): DELETE /api/v1/namespaces/ns/configmaps/{refused}: 403 Forbidden: configmaps is forbidden; "
            + $"nothing was deleted; sent but not seen to finish: ConfigMap ns/{lost}; not deleted: ConfigMap ns/{refused}",
            $"cannot delete ConfigMap ns/{refused} (component web): DELETE /api/v1/namespaces/ns/configmaps/{refused}: 403 Forbidden: configmaps is forbidden; "
            + "nothing was deleted; not deleted: ConfigMap ns/a, ConfigMap ns/b");
        reporter.Lines.ShouldBeEmpty();
    }

    [Fact]
    public async Task Should_name_the_server_and_the_component_when_apply_gets_no_answer()
    {
        // Given: nothing listens at the server's address
        var url = FakeApiServer.ClosedUrl();
        var applier = new Applier(Api(url), new Discovery(Api(url)), "ns", force: false, new SecretMasker([]));
        var planned = new PlannedObject("web", "artifacts/kubernetes/web.yaml", (JsonObject)JsonNode.Parse("""{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"web-config","annotations":{}}}""")!);

        // When
        var apply = await Should.ThrowAsync<OperationFailedException>(() => applier.ApplyAsync(planned, false, [], CancellationToken.None));
        var preflight = await Should.ThrowAsync<OperationFailedException>(() => applier.PreflightAsync([planned], "rel", false, CancellationToken.None));

        // Then
        apply.Message.ShouldStartWith($"component web: ConfigMap web-config (artifacts/kubernetes/web.yaml): the Kubernetes API server at {url} did not answer (");
        preflight.Message.ShouldStartWith($"component web: ConfigMap web-config (artifacts/kubernetes/web.yaml): the Kubernetes API server at {url} did not answer (");
        preflight.Message.ShouldEndWith("; nothing was changed");
    }

    [Fact]
    public async Task Should_name_the_server_and_the_component_when_the_server_goes_away_during_a_wait()
    {
        // Given: a Deployment applied, and then no server
        var url = FakeApiServer.ClosedUrl();
        var live = Live(Deployments, "web", "frontend");
        var applied = new AppliedObject(new PlannedObject("frontend", "artifacts/k8s/web.yaml", live.Body), live, ObjectAction.Created, "h");

        // When
        var error = await Should.ThrowAsync<OperationFailedException>(() =>
            new Waiter(Api(url), new SecretMasker([]), new RecordingReporter()).WaitAsync([applied], DateTimeOffset.UtcNow.AddSeconds(30), TimeSpan.FromSeconds(30), CancellationToken.None));

        // Then
        error.Message.ShouldStartWith($"component frontend: waiting for Deployment ns/web to be ready: the Kubernetes API server at {url} did not answer (");
    }

    private static KubeApi Api(string url) => new(new k8s.Kubernetes(new KubernetesClientConfiguration { Host = url }));

    private static LiveObject Live(ApiResource resource, string name, string component) => new(resource, new JsonObject
    {
        ["apiVersion"] = resource.ApiVersion,
        ["kind"] = resource.Kind,
        ["metadata"] = new JsonObject
        {
            ["name"] = name,
            ["namespace"] = "ns",
            ["annotations"] = new JsonObject { [ManifestPlanner.ComponentAnnotation] = component },
        },
    });

    /// <summary>
    /// Answers the first <c>answers</c> HTTP requests (one per connection, then closed), then stops
    /// listening: later connections are refused, as when the API server process is gone.
    /// </summary>
    private sealed class FakeApiServer : IAsyncDisposable
    {
        private readonly TcpListener _listener;
        private readonly Task _loop;

        private FakeApiServer(TcpListener listener, int answers, int status, string body)
        {
            _listener = listener;
            Url = $"http://127.0.0.1:{((IPEndPoint)listener.LocalEndpoint).Port}";
            _loop = Task.Run(() => ServeAsync(answers, status, body));
        }

        public string Url { get; }

        public List<string> Requests { get; } = [];

        public static FakeApiServer Start(int answers, int status = 200, string body = "{}")
        {
            var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            return new FakeApiServer(listener, answers, status, body);
        }

        /// <summary>An address on which nothing listens.</summary>
        public static string ClosedUrl()
        {
            var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            var port = ((IPEndPoint)listener.LocalEndpoint).Port;
            listener.Stop();
            return $"http://127.0.0.1:{port}";
        }

        private async Task ServeAsync(int answers, int status, string body)
        {
            try
            {
                for (var i = 0; i < answers; i++)
                {
                    using var client = await _listener.AcceptTcpClientAsync();
                    var stream = client.GetStream();
                    var head = await ReadHeadAsync(stream);
                    lock (Requests)
                    {
                        Requests.Add(string.Join(' ', head.Split("\r\n")[0].Split(' ').Take(2)));
                    }

                    var bytes = Encoding.UTF8.GetBytes(body);
                    var reply = $"HTTP/1.1 {status} X\r\nContent-Type: application/json\r\nContent-Length: {bytes.Length}\r\nConnection: close\r\n\r\n";
                    await stream.WriteAsync(Encoding.ASCII.GetBytes(reply));
                    await stream.WriteAsync(bytes);
                }
            }
            finally
            {
                _listener.Stop();
            }
        }

        /// <summary>Reads the request head and its body (Content-Length), returns the head.</summary>
        private static async Task<string> ReadHeadAsync(NetworkStream stream)
        {
            var data = new List<byte>();
            var buffer = new byte[4096];
            int end;
            while ((end = IndexOfBlankLine(data)) < 0)
            {
                var n = await stream.ReadAsync(buffer);
                if (n == 0)
                {
                    break;
                }

                data.AddRange(buffer.AsSpan(0, n).ToArray());
            }

            var head = Encoding.ASCII.GetString(data.ToArray(), 0, Math.Max(end, 0));
            var length = head.Split("\r\n").Where(l => l.StartsWith("Content-Length:", StringComparison.OrdinalIgnoreCase))
                .Select(l => int.Parse(l["Content-Length:".Length..].Trim(), System.Globalization.CultureInfo.InvariantCulture)).FirstOrDefault();
            var have = data.Count - (end + 4);
            while (end >= 0 && have < length)
            {
                var n = await stream.ReadAsync(buffer);
                if (n == 0)
                {
                    break;
                }

                have += n;
            }

            return head;
        }

        private static int IndexOfBlankLine(List<byte> data)
        {
            for (var i = 0; i + 3 < data.Count; i++)
            {
                if (data[i] == '\r' && data[i + 1] == '\n' && data[i + 2] == '\r' && data[i + 3] == '\n')
                {
                    return i;
                }
            }

            return -1;
        }

        public async ValueTask DisposeAsync()
        {
            _listener.Stop();
            await _loop.ContinueWith(_ => { }, TaskScheduler.Default);
        }
    }
}
