using System.Text.Json.Nodes;
using Nulecule.Answers;
using Nulecule.Releases;
using Nulecule.Resolution;
using Nulecule.Spec;
using Nulecule.Templating;
using Nulecule.Tests.Actions;

namespace Nulecule.Tests.Releases;

public class ReleaseManifestTests
{
    [Fact]
    public void Should_rebuild_the_rendered_app_from_its_stored_json()
    {
        // Given
        var app = ReleaseTestApps.Make(image: "nginx:1.25", password: "pw-9");

        // When
        var json = ReleaseJson.Serialize(ReleaseManifest.From(app));
        var back = ReleaseJson.DeserializeManifest(json).ToRenderedApp();

        // Then
        back.Provider.ShouldBe("kubernetes");
        back.Root.App.Id.ShouldBe("shop");
        back.Root.App.Metadata.AppVersion.ShouldBe("1.0");
        back.Root.App.Directory.ShouldBe("/apps/shop");
        back.Root.Walk().Select(r => r.Scope).ShouldBe(["web", "db"]);
        back.Components.Select(c => c.Scope).ShouldBe(["web", "db"]);
        for (var i = 0; i < app.Components.Count; i++)
        {
            var before = app.Components[i].Artifacts.Single();
            var after = back.Components[i].Artifacts.Single();
            after.Source.ShouldBe(before.Source);
            after.Format.ShouldBe(before.Format);
            JsonNode.DeepEquals(after.Documents.Single(), before.Documents.Single()).ShouldBeTrue();
            after.Text.ShouldBe(before.Text);
        }

        back.Volumes.Single().ShouldBe(new PersistentVolumeRequirement("data", "ReadWrite", "1Gi", back.Volumes[0].Location));
        back.Values.Params.Single(p => p.Name == "password").Hidden.ShouldBeTrue();
        back.Values.Masker.Mask("pw-9").ShouldBe(SecretMasker.Stars);
        back.Values.ContextFor("web")["image"].Text.ShouldBe("nginx:1.25");
        back.Values.GeneralValue("namespace").ShouldBe("shop");
    }

    [Fact]
    public void Should_keep_docker_commands_as_argument_lists_and_nested_apps_in_place()
    {
        // Given: root app with `front`, then nested app `backend` (components db, cache)
        var location = new SourceLocation("Nulecule", 1, 1);
        var nestedApp = new Application
        {
            Id = "backend-app",
            SpecVersion = "0.0.2",
            Graph = [new Component { Name = "db", Location = location }, new Component { Name = "cache", Location = location }],
            Directory = "/apps/x/external/backend",
            File = "/apps/x/external/backend/Nulecule",
        };
        var nested = new AppNode(nestedApp, "backend", new Dictionary<string, AppNode>());
        var rootApp = new Application
        {
            Id = "x",
            SpecVersion = "0.0.2",
            Graph = [new Component { Name = "front", Location = location }, new Component { Name = "backend", Source = "docker://example/backend", Location = location }],
            Directory = "/apps/x",
            File = "/apps/x/Nulecule",
        };
        var root = new AppNode(rootApp, null, new Dictionary<string, AppNode> { ["backend"] = nested });
        RenderedComponent Docker(string scope, string name, AppNode owner, params string[] args) => new(scope, name, owner,
        [
            new RenderedArtifact
            {
                Component = scope,
                Provider = "docker",
                Source = $"artifacts/docker/{name}_run",
                Format = ArtifactFormat.DockerRun,
                Commands = [new DockerRunCommand(args, location)],
                Text = string.Join(' ', args),
            },
        ]);
        var app = new RenderedApp(root, "docker",
        [
            Docker("front", "front", root, "-d", "--name", "front", "-e", "GREETING=hello world", "nginx"),
            Docker("backend:db", "db", nested, "-d", "--name", "db", "postgres"),
            Docker("backend:cache", "cache", nested, "-d", "redis"),
        ], [], new ResolvedValues([], new Dictionary<string, string>(), []));

        // When
        var back = ReleaseJson.DeserializeManifest(ReleaseJson.Serialize(ReleaseManifest.From(app))).ToRenderedApp();

        // Then
        back.Root.Walk().Select(r => (r.Scope, r.Owner.App.Id)).ShouldBe([("front", "x"), ("backend:db", "backend-app"), ("backend:cache", "backend-app")]);
        back.Root.App.Graph.Single(c => c.Name == "backend").Source.ShouldBe("docker://example/backend");
        back.Root.Nested["backend"].App.Directory.ShouldBe("/apps/x/external/backend");
        back.Components[0].Artifacts[0].Commands[0].Arguments.ShouldBe(["-d", "--name", "front", "-e", "GREETING=hello world", "nginx"]);
        back.Components[1].Owner.Scope.ShouldBe("backend");
        back.Components[0].Artifacts[0].Commands[0].Inputs.ShouldBeNull();
    }

    [Fact]
    public void Should_keep_what_a_docker_command_read_from_files_and_the_shell()
    {
        // Given: a command whose env file and bare -e value were captured (one variable unset)
        var location = new SourceLocation("Nulecule", 1, 1);
        var root = new AppNode(new Application { Id = "x", SpecVersion = "0.0.2", Graph = [new Component { Name = "web", Location = location }], Directory = "/apps/x", File = "/apps/x/Nulecule" }, null, new Dictionary<string, AppNode>());
        var inputs = new Dictionary<string, string?> { ["file:/apps/x/artifacts/docker/env.list"] = "A=1\n", ["env:FROM_SHELL"] = "s", ["env:UNSET"] = null };
        var command = new DockerRunCommand(["--env-file", "env.list", "-e", "FROM_SHELL", "-e", "UNSET", "busybox"], location) { Inputs = inputs };
        var app = new RenderedApp(root, "docker",
            [new RenderedComponent("web", "web", root, [new RenderedArtifact { Component = "web", Provider = "docker", Source = "artifacts/docker/web", Format = ArtifactFormat.DockerRun, Commands = [command] }])],
            [], new ResolvedValues([], new Dictionary<string, string>(), []));

        // When: stored and read back
        var back = ReleaseJson.DeserializeManifest(ReleaseJson.Serialize(ReleaseManifest.From(app))).ToRenderedApp();

        // Then
        back.Components[0].Artifacts[0].Commands[0].Inputs.ShouldBe(inputs);
    }

    [Fact]
    public void Should_refuse_a_manifest_from_a_newer_nulecule()
    {
        var bytes = ReleaseJson.Serialize(ReleaseManifest.From(ReleaseTestApps.Make()) with { Format = 99 });

        Should.Throw<FormatException>(() => ReleaseJson.DeserializeManifest(bytes)).Message.ShouldContain("upgrade nulecule");
    }
}
