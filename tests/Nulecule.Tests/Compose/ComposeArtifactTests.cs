using System.Text.Json.Nodes;
using Nulecule.Actions;
using Nulecule.Templating;
using Nulecule.Tests.TestSupport;

namespace Nulecule.Tests.Compose;

/// <summary>A compose file as an artifact of a Nulecule app: rendered with the params as its variables.</summary>
public sealed class ComposeArtifactTests : IDisposable
{
    private static readonly string Shop = Path.Combine(Corpus.RepositoryRoot, "examples", "compose-shop");
    private readonly string _dir = Directory.CreateTempSubdirectory("compose-artifact-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static Task<RenderOutcome> Render(string app, params string[] sets) =>
        RenderAction.RunAsync(new RenderOptions { AppPath = app, Provider = "docker", Sets = sets, Environment = new Dictionary<string, string>() });

    [Fact]
    public async Task Should_render_the_example_with_params_as_compose_variables()
    {
        // When
        var outcome = await Render(Shop, "DB_PASSWORD=pa$$word", "WEB_REPLICAS=2", "WEB_PORT=\"\"");

        // Then
        var artifact = outcome.App.Components.ShouldHaveSingleItem().Artifacts.ShouldHaveSingleItem();
        artifact.Format.ShouldBe(ArtifactFormat.Compose);
        var document = (JsonObject)artifact.Documents.ShouldHaveSingleItem();
        var web = document["services"]!["web"]!;
        web["deploy"]!["replicas"]!.GetValue<long>().ShouldBe(2);
        web["ports"]![0]!.GetValue<string>().ShouldBe("127.0.0.1::80");
        web["environment"]!["GREETING"]!.GetValue<string>().ShouldBe("hello from compose");

        // `$$GREETING` is the shell's variable, not a param: compose writes it as `$GREETING`.
        web["command"]![2]!.GetValue<string>().ShouldContain("echo \"$GREETING\"");
        document["secrets"]!["db_password"]!["content"]!.GetValue<string>().ShouldBe("pa$$word");
    }

    [Fact]
    public async Task Should_mask_the_hidden_param_in_template_output()
    {
        var outcome = await Render(Shop, "DB_PASSWORD=topsecret");

        var text = TemplateOutput.Text(outcome.App.Components[0].Artifacts[0], outcome.App.Values.Masker);

        text.ShouldNotContain("topsecret");
        text.ShouldContain("content: '******'");
    }

    [Fact]
    public async Task Should_locate_a_compose_error_inside_the_app()
    {
        Directory.CreateDirectory(Path.Combine(_dir, "artifacts"));
        File.WriteAllText(Path.Combine(_dir, "Nulecule"), """
            specversion: 0.0.2
            id: broken
            graph:
              - name: app
                params:
                  - {name: PORT, description: a port, default: 80}
                artifacts:
                  docker: [file://artifacts/compose.yaml]
            """);
        File.WriteAllText(Path.Combine(_dir, "artifacts", "compose.yaml"), """
            services:
              app:
                image: busybox
                ports: ["$PORT:80"]
                privileged: true
            """);

        var error = await Should.ThrowAsync<NuleculeException>(() => Render(_dir));

        var d = error.Diagnostics.ShouldHaveSingleItem();
        d.Message.ShouldStartWith("services.app.privileged is not supported");
        d.Location!.File.ShouldEndWith(Path.Combine("artifacts", "compose.yaml"));
        d.Location.Line.ShouldBe(5);
    }

    [Fact]
    public async Task Should_not_apply_atomic_app_substitution_to_compose_files()
    {
        Directory.CreateDirectory(Path.Combine(_dir, "artifacts"));
        File.WriteAllText(Path.Combine(_dir, "Nulecule"), """
            specversion: 0.0.2
            id: literal
            graph:
              - name: app
                params:
                  - {name: name, description: a name, default: fromparam}
                artifacts:
                  docker: [file://artifacts/compose.yaml]
            """);
        File.WriteAllText(Path.Combine(_dir, "artifacts", "compose.yaml"), """
            services:
              app:
                image: busybox
                command: ["echo", "$$name", "${name}"]
            """);

        var outcome = await Render(_dir);

        var command = outcome.App.Components[0].Artifacts[0].Documents[0]["services"]!["app"]!["command"]!.AsArray().Select(n => n!.GetValue<string>());
        command.ShouldBe(["echo", "$name", "fromparam"]);
    }

    [Theory]
    [InlineData("COMPOSE_PROFILES=\"\"", true)]
    [InlineData("COMPOSE_PROFILES=dev", false)]
    public async Task Should_deploy_nothing_on_purpose_when_the_profiles_leave_every_service_out_but_refuse_a_file_without_services(string profiles, bool off)
    {
        // Given: one component whose only service is in a profile, one whose compose file has no service at all
        Directory.CreateDirectory(Path.Combine(_dir, "artifacts"));
        File.WriteAllText(Path.Combine(_dir, "Nulecule"), """
            specversion: 0.0.2
            id: profiled
            params:
              - {name: COMPOSE_PROFILES, description: the active profiles, default: dev}
            graph:
              - name: debug
                artifacts:
                  docker: [file://artifacts/debug.yaml]
            """);
        File.WriteAllText(Path.Combine(_dir, "artifacts", "debug.yaml"), "services:\n  debug:\n    image: busybox\n    profiles: [dev]\n");
        File.WriteAllText(Path.Combine(_dir, "artifacts", "none.yaml"), "services: {}\n");
        RenderOptions Options(string app) => new() { AppPath = app, Provider = "docker", Sets = [profiles], Environment = new Dictionary<string, string>(), RejectEmptyArtifacts = true };

        // When
        var outcome = await RenderAction.RunAsync(Options(_dir));
        File.WriteAllText(Path.Combine(_dir, "Nulecule"), File.ReadAllText(Path.Combine(_dir, "Nulecule")).Replace("debug.yaml", "none.yaml", StringComparison.Ordinal));
        var refused = await Should.ThrowAsync<NuleculeException>(() => RenderAction.RunAsync(Options(_dir)));

        // Then: the profiled-out component renders to no service, with no error; a file without services is still refused
        var services = outcome.App.Components.ShouldHaveSingleItem().Artifacts.ShouldHaveSingleItem().Documents[0]["services"]!.AsObject();
        services.Count.ShouldBe(off ? 0 : 1);
        refused.Diagnostics.ShouldHaveSingleItem().Message.ShouldContain("is empty: it deploys nothing");
    }
}
