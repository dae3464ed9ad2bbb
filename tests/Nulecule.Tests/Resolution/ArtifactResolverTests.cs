using System.Net;
using Nulecule.Resolution;
using Nulecule.Spec;
using Nulecule.Tests.TestSupport;

namespace Nulecule.Tests.Resolution;

public class ArtifactResolverTests
{
    private static Application Load(TempDir dir, string nulecule)
    {
        dir.Write("Nulecule", nulecule);
        return NuleculeLoader.Load(dir.Path).GetOrThrow();
    }

    [Fact]
    public async Task Should_read_a_directory_sorted_by_name_without_hidden_files()
    {
        // Given
        using var dir = new TempDir();
        dir.Write("artifacts/k8s/b.yaml", "kind: B\n");
        dir.Write("artifacts/k8s/a.yaml", "kind: A\n");
        dir.Write("artifacts/k8s/.hidden.yaml", "kind: Hidden\n");
        dir.Write("artifacts/k8s/sub/c.yaml", "kind: C\n");
        var app = Load(dir, "specversion: 0.0.2\nid: d\ngraph:\n  - name: web\n    artifacts:\n      kubernetes:\n        - file://artifacts/k8s/\n");

        // When
        var files = await new ArtifactResolver().ResolveAsync(app, app.Graph[0], "kubernetes");

        // Then
        files.Select(f => f.Display).ShouldBe(["artifacts/k8s/a.yaml", "artifacts/k8s/b.yaml"]);
        files[0].Text.ShouldBe("kind: A\n");
    }

    [Fact]
    public async Task Should_read_the_paths_the_loader_resolved_and_resolve_those_it_did_not()
    {
        using var dir = new TempDir();
        dir.Write("artifacts/web.yaml", "kind: Web\n");
        var app = Load(dir, "specversion: 0.0.2\nid: d\ngraph:\n  - name: web\n    artifacts:\n      kubernetes:\n        - file://artifacts/web.yaml\n");
        var entry = (PathArtifact)app.Graph[0].Artifacts["kubernetes"][0];

        // The loader resolved the path on disk: the same answer as resolving it now, kept for this directory only.
        var kept = app.ResolvedPaths.ShouldNotBeNull().Find(entry.Reference, entry.Location, app.Directory);
        kept.ShouldBe(ArtifactPath.Resolve(entry.Reference, app.Directory, entry.Location));
        app.ResolvedPaths.Find(entry.Reference, entry.Location, app.Directory + "-other").ShouldBeNull();
        app.ResolvedPaths.Find("file://artifacts/other.yaml", entry.Location, app.Directory).ShouldBeNull();

        var files = await new ArtifactResolver().ResolveAsync(app, app.Graph[0], "kubernetes");
        var unresolved = await new ArtifactResolver().ResolveAsync(app with { ResolvedPaths = null }, app.Graph[0], "kubernetes");

        files.Single().FullPath.ShouldBe(kept!.LocalPath);
        unresolved.Single().ShouldBe(files.Single());
    }

    [Fact]
    public async Task Should_follow_inherit_in_entry_order_and_accept_every_file_form()
    {
        using var dir = new TempDir();
        dir.Write("one.yaml", "kind: One\n");
        dir.Write("two.yaml", "kind: Two\n");
        var absolute = dir.Write("abs/three.yaml", "kind: Three\n");
        var app = Load(dir, $"""
            specversion: 0.0.2
            id: d
            graph:
              - name: web
                artifacts:
                  kubernetes:
                    - file://one.yaml
                    - file:two.yaml
                  openshift:
                    - inherit: [kubernetes]
                    - file://{absolute}
            """);

        var files = await new ArtifactResolver().ResolveAsync(app, app.Graph[0], "openshift");

        files.Select(f => f.Text).ShouldBe(["kind: One\n", "kind: Two\n", "kind: Three\n"]);
        files.ShouldAllBe(f => f.Provider == "openshift");
    }

    [Fact]
    public void Should_refuse_relative_paths_that_leave_the_application()
    {
        var at = new SourceLocation("Nulecule", 3, 7);

        var ex = Should.Throw<NuleculeException>(() => ArtifactPath.Resolve("file://../secrets.yaml", "/srv/app", at));

        ex.Diagnostics.Single().Location.ShouldBe(at);
        ex.Diagnostics.Single().Message.ShouldBe("artifact 'file://../secrets.yaml' points outside the application directory");
        ArtifactPath.Resolve("file:///etc/app.yaml", "/srv/app", at).LocalPath.ShouldBe("/etc/app.yaml");
        ArtifactPath.Resolve("file://sub/../x.yaml", "/srv/app", at).LocalPath.ShouldBe("/srv/app/x.yaml");
    }

    [Fact]
    public async Task Should_fetch_http_artifacts_from_a_loopback_server()
    {
        // Given: a real HTTP server on 127.0.0.1
        using var listener = new HttpListener();
        var port = FreePort();
        listener.Prefixes.Add($"http://127.0.0.1:{port}/");
        listener.Start();
        var served = Task.Run(async () =>
        {
            for (var i = 0; i < 2; i++)
            {
                var ctx = await listener.GetContextAsync();
                var found = ctx.Request.Url!.AbsolutePath == "/pod.yaml";
                ctx.Response.StatusCode = found ? 200 : 404;
                var body = System.Text.Encoding.UTF8.GetBytes(found ? "kind: Pod\nimage: $image\n" : "no");
                await ctx.Response.OutputStream.WriteAsync(body);
                ctx.Response.Close();
            }
        });
        using var dir = new TempDir();
        var app = Load(dir, $"specversion: 0.0.2\nid: d\ngraph:\n  - name: web\n    artifacts:\n      kubernetes:\n        - http://127.0.0.1:{port}/pod.yaml\n      openshift:\n        - http://127.0.0.1:{port}/missing.yaml\n");
        var resolver = new ArtifactResolver();

        // When
        var files = await resolver.ResolveAsync(app, app.Graph[0], "kubernetes");
        var missing = await Should.ThrowAsync<NuleculeException>(() => resolver.ResolveAsync(app, app.Graph[0], "openshift"));

        // Then
        files.Single().Text.ShouldBe("kind: Pod\nimage: $image\n");
        files.Single().Display.ShouldBe($"http://127.0.0.1:{port}/pod.yaml");
        missing.Message.ShouldContain("HTTP 404");
        await served;
    }

    private static int FreePort()
    {
        var l = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        l.Start();
        var port = ((IPEndPoint)l.LocalEndpoint).Port;
        l.Stop();
        return port;
    }
}
