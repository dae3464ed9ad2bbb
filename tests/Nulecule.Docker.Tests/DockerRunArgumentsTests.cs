using Nulecule.Docker.Run;

namespace Nulecule.Docker.Tests;

public sealed class DockerRunArgumentsTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("nulecule-artifact-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private DockerRunArguments Parse(string text, Dictionary<string, string>? environment = null) =>
        DockerRunArguments.Parse(TestApps.Command(text, "artifacts/docker/web_run", 3), _dir, name => environment?.GetValueOrDefault(name));

    [Fact]
    public void Should_take_the_image_and_everything_after_it_as_the_command()
    {
        var args = Parse("-d busybox httpd -f -p 80");

        args.Detach.ShouldBeTrue();
        args.Image.ShouldBe("busybox");
        args.Command.ShouldBe(["httpd", "-f", "-p", "80"]);
    }

    [Fact]
    public void Should_accept_name_in_both_forms()
    {
        Parse("--name web img").Name.ShouldBe("web");
        Parse("--name=web img").Name.ShouldBe("web");
    }

    [Theory]
    [InlineData("-p 8080:80 img")]
    [InlineData("-p8080:80 img")]
    [InlineData("-p=8080:80 img")]
    [InlineData("--publish 8080:80 img")]
    [InlineData("--publish=8080:80 img")]
    [InlineData("-dp 8080:80 img")]
    public void Should_accept_publish_in_every_flag_form(string text)
    {
        Parse(text).Ports.ShouldHaveSingleItem().ShouldBe(new PortMapping(null, "8080", 80, "tcp"));
    }

    [Fact]
    public void Should_take_environment_values_and_bare_names_from_the_process_environment()
    {
        var args = Parse("-e A=1 --env B=x=y -e FROM_ENV -e UNSET --env=C= img", new() { ["FROM_ENV"] = "hello" });

        args.Environment.ShouldBe(["A=1", "B=x=y", "FROM_ENV=hello", "C="]);
    }

    [Fact]
    public void Should_read_env_files_relative_to_the_artifact_directory()
    {
        File.WriteAllText(Path.Combine(_dir, "web.env"), "# comment\n\nX=1\n  Y=two words\nFROM_ENV\n");

        var args = Parse("-e A=0 --env-file web.env -e Z=9 img", new() { ["FROM_ENV"] = "e" });

        args.Environment.ShouldBe(["A=0", "X=1", "Y=two words", "FROM_ENV=e", "Z=9"]);
    }

    [Fact]
    public void Should_replay_a_captured_command_without_its_files_or_shell()
    {
        // Given: a command captured with an env file, a label file and the shell as they were
        File.WriteAllText(Path.Combine(_dir, "web.env"), "X=1\nFROM_FILE_BARE\n");
        File.WriteAllText(Path.Combine(_dir, "web.labels"), "team=blue\n");
        var shell = new Dictionary<string, string> { ["FROM_ENV"] = "e", ["FROM_FILE_BARE"] = "b" };
        var command = TestApps.Command("--env-file web.env --label-file web.labels -e FROM_ENV -e UNSET img", "artifacts/docker/web_run", 3);
        var captured = DockerRunArguments.Capture(command, _dir, name => shell.GetValueOrDefault(name));

        // When: the files are gone and the shell is empty
        File.Delete(Path.Combine(_dir, "web.env"));
        File.Delete(Path.Combine(_dir, "web.labels"));
        var replayed = DockerRunArguments.Parse(captured, _dir, _ => null);

        // Then: the same environment and labels as when captured; an unset variable stays unset
        replayed.Environment.ShouldBe(["X=1", "FROM_FILE_BARE=b", "FROM_ENV=e"]);
        replayed.Labels["team"].ShouldBe("blue");
        captured.Inputs!.Keys.Order().ShouldBe([$"file:{_dir}/web.env", $"file:{_dir}/web.labels", "env:FROM_ENV", "env:FROM_FILE_BARE", "env:UNSET"], ignoreOrder: true);
        captured.Inputs!["env:UNSET"].ShouldBeNull();
        Should.Throw<NuleculeException>(() => DockerRunArguments.Parse(command, _dir, _ => null)).Message.ShouldContain("web.env");
    }

    [Fact]
    public void Should_refuse_a_label_file_that_is_not_a_regular_file()
    {
        var error = Should.Throw<NuleculeException>(() => Parse("--label-file /dev/zero img"));

        error.Message.ShouldContain("--label-file /dev/zero: /dev/zero is a character device, not a regular file");
        error.Diagnostics[0].Hint.ShouldBe("a label file is a regular text file of at most 1 MiB");
    }

    [Fact]
    public void Should_report_a_missing_env_file_with_the_artifact_location()
    {
        var error = Should.Throw<NuleculeException>(() => Parse("--env-file nope.env img"));

        error.Message.ShouldContain("artifacts/docker/web_run:3:1");
        error.Message.ShouldContain("nope.env");
    }

    [Fact]
    public void Should_parse_named_bind_relative_and_anonymous_volumes()
    {
        var args = Parse("-v data:/var/lib/data -v /srv/www:/www:ro --volume=./conf:/etc/app:rw,z -v /scratch img");

        args.Volumes.ShouldBe([
            new VolumeSpec("data", "/var/lib/data", false, true),
            new VolumeSpec("/srv/www", "/www", true, false),
            new VolumeSpec(Path.Combine(_dir, "conf"), "/etc/app", false, false),
            new VolumeSpec("", "/scratch", false, true),
        ]);
    }

    [Theory]
    [InlineData("-v data:relative img", "must be an absolute path")]
    [InlineData("-v a:/b:xx img", "invalid -v mode")]
    [InlineData("-v a:/b:ro:x img", "invalid -v value")]
    [InlineData("-v 'bad name:/x' img", "invalid -v source")]
    public void Should_reject_malformed_volumes(string text, string message)
    {
        Should.Throw<NuleculeException>(() => Parse(text)).Message.ShouldContain(message);
    }

    [Fact]
    public void Should_parse_links_with_and_without_alias()
    {
        Parse("--link redis:cache --link=db img").Links.ShouldBe([new LinkSpec("redis", "cache"), new LinkSpec("db", "db")]);
    }

    [Theory]
    [InlineData("no")]
    [InlineData("always")]
    [InlineData("unless-stopped")]
    [InlineData("on-failure")]
    [InlineData("on-failure:3")]
    public void Should_accept_restart_policies(string policy) => Parse($"--restart {policy} img").Restart.ShouldBe(policy);

    [Fact]
    public void Should_reject_an_unknown_restart_policy()
    {
        Should.Throw<NuleculeException>(() => Parse("--restart sometimes img")).Message.ShouldContain("--restart");
    }

    [Fact]
    public void Should_parse_network_in_both_spellings()
    {
        Parse("--network host img").Network.ShouldBe("host");
        Parse("--net=none img").Network.ShouldBe("none");
    }

    [Fact]
    public void Should_parse_entrypoint_workdir_user_hostname()
    {
        var args = Parse("--entrypoint /bin/sh -w /srv -u 1000:1000 -h box img -c 'echo hi'");

        args.Entrypoint.ShouldBe("/bin/sh");
        args.WorkingDir.ShouldBe("/srv");
        args.User.ShouldBe("1000:1000");
        args.Hostname.ShouldBe("box");
        args.Command.ShouldBe(["-c", "echo hi"]);
    }

    [Fact]
    public void Should_parse_labels_with_and_without_values()
    {
        Parse("-l tier=web --label=empty --label a=b=c img").Labels.ShouldBe(new Dictionary<string, string> { ["tier"] = "web", ["empty"] = "", ["a"] = "b=c" });
    }

    [Fact]
    public void Should_parse_privileges_and_capabilities()
    {
        var args = Parse("--privileged --cap-add NET_ADMIN --cap-add=SYS_TIME --cap-drop MKNOD img");

        args.Privileged.ShouldBeTrue();
        args.CapAdd.ShouldBe(["NET_ADMIN", "SYS_TIME"]);
        args.CapDrop.ShouldBe(["MKNOD"]);
    }

    [Fact]
    public void Should_parse_health_options()
    {
        var health = Parse("--health-cmd 'wget -q -O- localhost' --health-interval 5s --health-timeout=2s --health-retries 4 --health-start-period 1m img").Health;

        health.ShouldBe(new HealthSpec("wget -q -O- localhost", false, TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(2), TimeSpan.FromMinutes(1), 4));
    }

    [Theory]
    [InlineData("--health-interval 5 img", "--health-interval")]
    [InlineData("--health-retries x img", "--health-retries")]
    [InlineData("--no-healthcheck --health-cmd true img", "conflicts")]
    public void Should_reject_bad_health_options(string text, string message)
    {
        Should.Throw<NuleculeException>(() => Parse(text)).Message.ShouldContain(message);
    }

    [Fact]
    public void Should_parse_memory_and_cpus()
    {
        var args = Parse("-m 256m --cpus 0.5 img");

        args.MemoryBytes.ShouldBe(256L * 1024 * 1024);
        args.NanoCpus.ShouldBe(500_000_000L);
        Parse("--memory=1g img").MemoryBytes.ShouldBe(1L << 30);
    }

    [Theory]
    [InlineData("-m lots img", "--memory")]
    [InlineData("--cpus -1 img", "--cpus")]
    public void Should_reject_bad_resources(string text, string flag)
    {
        Should.Throw<NuleculeException>(() => Parse(text)).Message.ShouldContain(flag.TrimStart('-') == "memory" ? "-m" : flag);
    }

    [Fact]
    public void Should_parse_combined_short_flags()
    {
        var args = Parse("-dit --rm img");

        (args.Detach, args.Interactive, args.Tty, args.Remove).ShouldBe((true, true, true, true));
        Parse("-it img").Detach.ShouldBeFalse();
    }

    [Fact]
    public void Should_accept_boolean_values_in_long_form()
    {
        Parse("--rm=false --privileged=true img").Privileged.ShouldBeTrue();
        Parse("--rm=false img").Remove.ShouldBeFalse();
        Should.Throw<NuleculeException>(() => Parse("--rm=maybe img")).Message.ShouldContain("true or false");
    }

    [Fact]
    public void Should_stop_options_at_double_dash()
    {
        var args = Parse("-d -- -weird-image arg");

        args.Image.ShouldBe("-weird-image");
        args.Command.ShouldBe(["arg"]);
    }

    [Fact]
    public void Should_name_the_unsupported_flag_and_the_artifact_line()
    {
        var error = Should.Throw<NuleculeException>(() => Parse("-d --cidfile /tmp/id img"));

        error.Message.ShouldContain("'--cidfile'");
        error.Message.ShouldContain("artifacts/docker/web_run:3:1");
        error.Diagnostics[0].Location!.Line.ShouldBe(3);
    }

    [Fact]
    public void Should_name_an_unsupported_short_flag_inside_a_cluster()
    {
        Should.Throw<NuleculeException>(() => Parse("-dx img")).Message.ShouldContain("'-x' (in '-dx')");
    }

    [Theory]
    [InlineData("-d", "no image")]
    [InlineData("-d --name", "needs a value")]
    [InlineData("-p", "needs a value")]
    [InlineData("--name 'bad name' img", "--name")]
    [InlineData("-p 80:80:80:80:x img", "-p")]
    [InlineData("-e =x img", "no name")]
    [InlineData("--link :x img", "--link")]
    public void Should_reject_malformed_commands(string text, string message)
    {
        Should.Throw<NuleculeException>(() => Parse(text)).Message.ShouldContain(message);
    }
}
