using System.Text.Json.Nodes;
using Nulecule.Compose;
using Nulecule.Docker.Export;
using Nulecule.Templating;

namespace Nulecule.Docker.Tests.Export;

/// <summary>`nulecule export --format compose` from docker-run artifacts, without an engine.</summary>
public sealed class ComposeExportTests
{
    private static JsonObject Export(RenderedApp app, bool showSecrets = false) =>
        ComposeExport.Export(app, showSecrets ? SecretMasker.None : app.Values.Masker, _ => null);

    private static JsonObject Services(JsonObject document) => document["services"]!.AsObject();

    [Fact]
    public void Should_turn_each_container_into_a_service_with_its_flags_under_their_compose_keys()
    {
        // Given
        var app = TestApps.App("shop", [
            TestApps.Component("db", "docker run -d --name db -e A=1 -e B=two -v data:/var/lib/db -v /srv/conf:/etc/db:ro -v /cache --restart unless-stopped --health-cmd 'pg_isready' --health-interval 1500ms --health-retries 3 --memory 64m --cpus 0.5 --ulimit nofile=1024:2048 --sysctl net.core.somaxconn=1024 --cap-add NET_ADMIN --read-only --tmpfs /run:size=1m busybox sleep 300"),
            TestApps.Component("web", "docker run -d -p 127.0.0.1:8080:80 -p 9090:90/udp --link db:database --entrypoint /bin/sh -w /www -u 1000 -l tier=front --log-driver json-file --log-opt max-size=1m busybox -c 'exec httpd -f'"),
        ]);

        // When
        var document = Export(app);

        // Then: the docker provider's names, the flags under their keys
        Services(document).Select(s => s.Key).ShouldBe(["db", "web-1"]);
        var db = Services(document)["db"]!;
        db["image"]!.GetValue<string>().ShouldBe("busybox");
        db["command"]!.AsArray().Select(c => c!.GetValue<string>()).ShouldBe(["sleep", "300"]);
        db["environment"]!["B"]!.GetValue<string>().ShouldBe("two");
        db["volumes"]!.AsArray().Select(v => v!.GetValue<string>()).ShouldBe(["data:/var/lib/db", "/srv/conf:/etc/db:ro", "/cache"]);
        db["restart"]!.GetValue<string>().ShouldBe("unless-stopped");
        db["healthcheck"]!.ToJsonString().ShouldBe("""{"test":["CMD-SHELL","pg_isready"],"interval":"1500ms","retries":3}""");
        db["mem_limit"]!.GetValue<long>().ShouldBe(64 * 1024 * 1024);
        db["cpus"]!.GetValue<double>().ShouldBe(0.5);
        db["ulimits"]!["nofile"]!.ToJsonString().ShouldBe("""{"soft":1024,"hard":2048}""");
        db["sysctls"]!["net.core.somaxconn"]!.GetValue<string>().ShouldBe("1024");
        db["read_only"]!.GetValue<bool>().ShouldBeTrue();
        db["tmpfs"]!.AsArray().Single()!.GetValue<string>().ShouldBe("/run:size=1m");
        document["volumes"]!.AsObject().Select(v => v.Key).ShouldBe(["data"]);

        // --link db:database: the alias on the app's network, as the docker provider gives it
        db["networks"]!["default"]!["aliases"]!.AsArray().Select(a => a!.GetValue<string>()).ShouldBe(["database"]);
        var web = Services(document)["web-1"]!;
        web["ports"]!.AsArray().Select(p => p!.GetValue<string>()).ShouldBe(["127.0.0.1:8080:80/tcp", "9090:90/udp"]);
        web["entrypoint"]!.AsArray().Single()!.GetValue<string>().ShouldBe("/bin/sh");
        web["working_dir"]!.GetValue<string>().ShouldBe("/www");
        web["logging"]!.ToJsonString().ShouldBe("""{"driver":"json-file","options":{"max-size":"1m"}}""");
        web["networks"]!["default"]!["aliases"]!.AsArray().Select(a => a!.GetValue<string>()).ShouldBe(["web"]);

        // the app's graph order
        web["depends_on"]!.ToJsonString().ShouldBe("""{"db":{"condition":"service_started"}}""");
        ComposeSchema.Check(document, new ComposeLocations(), "exported").ShouldBeEmpty();
    }

    [Fact]
    public void Should_mask_hidden_values_and_double_every_dollar()
    {
        // Given: a hidden value in the environment, a literal $ for the container's shell
        var app = TestApps.App("a", [TestApps.Component("db", "docker run -d -e PASSWORD=hunter2x -e PRICE='$5' busybox sh -c 'echo $HOME'")], secrets: ["hunter2x"]);

        // When
        var masked = Export(app);
        var shown = Export(app, showSecrets: true);

        // Then
        var db = Services(masked)["db-1"]!;
        db["environment"]!["PASSWORD"]!.GetValue<string>().ShouldBe(SecretMasker.Stars);
        masked.ToJsonString().ShouldNotContain("hunter2x");
        db["environment"]!["PRICE"]!.GetValue<string>().ShouldBe("$$5");
        db["command"]!.AsArray()[2]!.GetValue<string>().ShouldBe("echo $$HOME");
        Services(shown)["db-1"]!["environment"]!["PASSWORD"]!.GetValue<string>().ShouldBe("hunter2x");
    }

    [Theory]
    [InlineData("--rm", "--rm")]
    [InlineData("-P", "--publish-all")]
    [InlineData("--kernel-memory 64m", "--kernel-memory")]
    [InlineData("--cpuset-mems 0", "--cpuset-mems")]
    public void Should_refuse_a_flag_without_a_compose_key_at_its_location(string flag, string named)
    {
        // Given
        var app = TestApps.App("a", [TestApps.Component("web", $"docker run -d {flag} busybox")]);

        // When
        var error = Should.Throw<NuleculeException>(() => Export(app));

        // Then
        var diagnostic = error.Diagnostics.ShouldHaveSingleItem();
        diagnostic.Message.ShouldContain(named);
        diagnostic.Message.ShouldContain("no Compose key");
        diagnostic.Location!.File.ShouldBe("artifacts/docker/web-0");
        diagnostic.Location.Line.ShouldBe(1);
    }

    [Fact]
    public void Should_use_an_existing_network_as_external_and_map_network_modes()
    {
        // Given
        var app = TestApps.App("a", [
            TestApps.Component("web", "docker run -d --network shared --network-alias front busybox"),
            TestApps.Component("side", "docker run -d --name side --network container:web-1 busybox", "docker run -d --network host busybox"),
        ]);

        // When
        var document = Export(app);

        // Then
        document["networks"]!["shared"]!.ToJsonString().ShouldBe("""{"external":true,"name":"shared"}""");
        Services(document)["web-1"]!["networks"]!["shared"]!["aliases"]!.AsArray().Single()!.GetValue<string>().ShouldBe("front");
        Services(document)["side"]!["network_mode"]!.GetValue<string>().ShouldBe("service:web-1");
        Services(document)["side-2"]!["network_mode"]!.GetValue<string>().ShouldBe("host");
        ComposeSchema.Check(document, new ComposeLocations(), "exported").ShouldBeEmpty();
    }

    [Fact]
    public void Should_refuse_two_services_of_one_name()
    {
        // Given: a container named like another component's second container
        var app = TestApps.App("a", [
            TestApps.Component("web", "docker run -d busybox"),
            TestApps.Component("other", "docker run -d --name web-1 busybox"),
        ]);

        // When / Then
        Should.Throw<NuleculeException>(() => Export(app)).Diagnostics.Single().Message.ShouldContain("two services of this app are named 'web-1'");
    }

    [Theory]
    [InlineData(90_000, "90s")]
    [InlineData(1_500, "1500ms")]
    public void Should_write_durations_in_units_compose_reads(int milliseconds, string written) =>
        ComposeExport.Duration(TimeSpan.FromMilliseconds(milliseconds)).ShouldBe(written);
}
