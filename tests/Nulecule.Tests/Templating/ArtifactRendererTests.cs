using Nulecule.Spec;
using Nulecule.Templating;
using static Nulecule.Tests.Templating.Values;

namespace Nulecule.Tests.Templating;

public class ArtifactRendererTests
{
    private static readonly SourceLocation At = new("Nulecule", 20, 9);

    [Fact]
    public void Should_render_docker_artifacts_as_commands()
    {
        var artifact = ArtifactRenderer.Render("web", "docker", "artifacts/docker/run", "docker run -d -p $hostport:80 $image\n", Ctx(("hostport", Int("8080")), ("image", Str("httpd"))), null);

        artifact.Format.ShouldBe(ArtifactFormat.DockerRun);
        artifact.Commands.ShouldHaveSingleItem().Arguments.ShouldBe(["-d", "-p", "8080:80", "httpd"]);
        artifact.Text.ShouldBe("docker run -d -p 8080:80 httpd\n");
        (artifact.Component, artifact.Provider, artifact.Source).ShouldBe(("web", "docker", "artifacts/docker/run"));
        artifact.Documents.ShouldBeEmpty();
    }

    [Fact]
    public void Should_render_json_by_extension_and_write_it_back_as_json()
    {
        var artifact = ArtifactRenderer.Render("web", "kubernetes", "pod.json", "{\"kind\": \"Pod\", \"port\": $port}", Ctx(("port", Int("80"))), null);

        artifact.Format.ShouldBe(ArtifactFormat.Json);
        artifact.Text.ShouldBe("{\n  \"kind\": \"Pod\",\n  \"port\": 80\n}\n");
        artifact.Documents.ShouldHaveSingleItem().ToJsonString().ShouldBe("""{"kind":"Pod","port":80}""");
    }

    [Theory]
    [InlineData("svc.yaml")]
    [InlineData("svc.YML")]
    public void Should_render_yaml_by_extension_and_write_it_back_as_yaml(string name)
    {
        var artifact = ArtifactRenderer.Render("web", "kubernetes", name, "kind: Service\nport: $port\nname: '$port'\n", Ctx(("port", Int("80"))), null);

        artifact.Format.ShouldBe(ArtifactFormat.Yaml);
        artifact.Text.ShouldBe("kind: Service\nport: 80\nname: \"80\"\n");
    }

    [Fact]
    public void Should_fall_back_to_text_substitution_for_json_that_is_not_yaml_yet()
    {
        var rendered = ArtifactRenderer.RenderWithReport("web", "marathon", "app.json", "{\"port\": ${port}, \"x\": \"$other\"}", Ctx(("port", Int("80"))), null);

        rendered.Artifact.Format.ShouldBe(ArtifactFormat.Json);
        rendered.Artifact.Documents.ShouldHaveSingleItem().ToJsonString().ShouldBe("""{"port":80,"x":"$other"}""");
        rendered.Used.ShouldBe(["port"]);
        rendered.Unresolved.ShouldBe(["other"]);
    }

    [Theory]
    [InlineData("artifacts/kubernetes/pod", "kind: Pod\nimage: $image\n", ArtifactFormat.Yaml, "kind: Pod\nimage: httpd\n")]
    [InlineData("artifacts/kubernetes/pod", "{\"kind\": \"Pod\"}", ArtifactFormat.Json, "{\n  \"kind\": \"Pod\"\n}\n")]
    [InlineData("artifacts/openshift/README.txt", "Delete this file when [1] is fixed.\n\n$image\n", ArtifactFormat.Text, "Delete this file when [1] is fixed.\n\nhttpd\n")]
    [InlineData("notes", "a: [unclosed $image", ArtifactFormat.Text, "a: [unclosed httpd")]
    public void Should_detect_the_format_of_files_without_a_known_extension(string name, string text, ArtifactFormat format, string expected)
    {
        var artifact = ArtifactRenderer.Render("web", "kubernetes", name, text, Ctx(("image", Str("httpd"))), null);

        artifact.Format.ShouldBe(format);
        artifact.Text.ShouldBe(expected);
    }

    [Fact]
    public void Should_apply_the_pointer_form_after_substitution()
    {
        var pointers = new PointerArtifact(
            "file://artifacts/kubernetes/pod.json",
            new Dictionary<string, IReadOnlyList<string>> { ["port"] = ["/spec/ports/0/port"] },
            At);

        var artifact = ArtifactRenderer.Render("web", "kubernetes", "pod.json", """{"spec": {"image": "$image", "ports": [{"port": 1}]}}""", Ctx(("port", Int("80")), ("image", Str("httpd"))), pointers);

        artifact.Documents.ShouldHaveSingleItem().ToJsonString().ShouldBe("""{"spec":{"image":"httpd","ports":[{"port":80}]}}""");
    }

    [Theory]
    [InlineData("docker", "run", "docker run img")]
    [InlineData("kubernetes", "notes.txt", "just text")]
    public void Should_reject_the_pointer_form_on_unstructured_artifacts(string provider, string name, string text)
    {
        var pointers = new PointerArtifact("file://x", new Dictionary<string, IReadOnlyList<string>> { ["p"] = ["/a"] }, At);

        var ex = Should.Throw<NuleculeException>(() => ArtifactRenderer.Render("web", provider, name, text, Ctx(("p", Str("v"))), pointers));

        ex.Diagnostics.ShouldHaveSingleItem().Location.ShouldBe(At);
        ex.Message.ShouldContain("pointer form");
    }

    [Fact]
    public void Should_report_a_json_artifact_that_a_value_broke()
    {
        var ex = Should.Throw<NuleculeException>(() =>
            ArtifactRenderer.Render("web", "kubernetes", "pod.json", "{\"port\": ${port}}", Ctx(("port", Str("80, \"evil\": 1"))), null));

        ex.Message.ShouldStartWith("pod.json:1:10: error: the value of param 'port' changes the structure of the artifact");
    }
}
