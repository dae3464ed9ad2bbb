using Nulecule.Docker.Run;

namespace Nulecule.Docker.Tests;

/// <summary>The docker artifacts of the 14 corpus apps, with plausible values substituted by hand.</summary>
public sealed class CorpusArtifactTests
{
    private const string Corpus = "/work/shared/corpus";

    private static readonly Dictionary<string, string> Values = new()
    {
        ["hostport"] = "8080",
        ["NODE_PORT"] = "30080",
        ["image"] = "local/busybox:latest",
        ["flaskImage"] = "local/flask:1",
        ["redisImage"] = "local/redis:1",
        ["goImage"] = "local/gocounter:1",
        ["redisPath"] = "/var/lib/redis",
        ["DB_USER"] = "gitlab",
        ["DB_PASS"] = "s3cret",
        ["DB_NAME"] = "gitlab_production",
        ["db_user"] = "wp",
        ["db_pass"] = "pw",
        ["db_name"] = "wordpress",
        ["root_pass"] = "rootpw",
        ["mongodb_admin_password"] = "admin",
        ["mongodb_database"] = "db",
        ["mongodb_noprealloc"] = "true",
        ["mongodb_password"] = "pw",
        ["mongodb_quiet"] = "true",
        ["mongodb_smallfiles"] = "true",
        ["mongodb_user"] = "user",
    };

    public static TheoryData<string> Artifacts()
    {
        var data = new TheoryData<string>();
        if (Directory.Exists(Corpus))
        {
            foreach (var file in Directory.EnumerateFiles(Corpus, "*", SearchOption.AllDirectories)
                         .Where(f => f.Contains("/artifacts/docker/", StringComparison.Ordinal)).Order(StringComparer.Ordinal))
            {
                data.Add(Path.GetRelativePath(Corpus, file));
            }
        }

        return data;
    }

    private static DockerRunArguments ParseCorpus(string relative)
    {
        var text = File.ReadAllText(Path.Combine(Corpus, relative)).Trim();
        foreach (var (name, value) in Values.OrderByDescending(v => v.Key.Length))
        {
            text = text.Replace("$" + name, value, StringComparison.Ordinal);
        }

        text.ShouldNotContain("$", customMessage: $"unsubstituted variable in {relative}");
        return DockerRunArguments.Parse(TestApps.Command(text, relative), Path.GetDirectoryName(Path.Combine(Corpus, relative)), _ => null);
    }

    [Fact]
    public void Should_find_all_corpus_docker_artifacts()
    {
        Directory.Exists(Corpus).ShouldBeTrue();
        Artifacts().Count.ShouldBeGreaterThanOrEqualTo(14);
    }

    [Theory]
    [MemberData(nameof(Artifacts))]
    public void Should_parse_every_corpus_artifact(string relative)
    {
        var args = ParseCorpus(relative);

        args.Image.ShouldNotBeNullOrEmpty();
        args.Detach.ShouldBeTrue();
    }

    [Fact]
    public void Should_read_the_redis_slave_command_and_random_ports()
    {
        var args = ParseCorpus("redis-centos7-atomicapp/artifacts/docker/redis-slave_run");

        args.Name.ShouldBe("redis-slave");
        args.Ports.ShouldHaveSingleItem().ShouldBe(new PortMapping(null, null, 8080, "tcp"));
        args.Links.ShouldBe([new LinkSpec("redis-master", "redis-master")]);
        args.Command.ShouldBe(["/etc/redis.conf", "--slaveof", "redis-master", "8080", "--bind", "0.0.0.0"]);
    }

    [Fact]
    public void Should_read_quoted_environment_of_mariadb_fedora()
    {
        ParseCorpus("mariadb-fedora-atomicapp/artifacts/docker/mariadb-app-pod_run").Environment.ShouldBe(["USER=wp", "PASS=pw", "NAME=wordpress"]);
    }

    [Fact]
    public void Should_read_links_publish_and_names_of_gitlab()
    {
        var args = ParseCorpus("gitlab-centos7-atomicapp/artifacts/docker/gitlab-container-link-run");

        args.Name.ShouldBe("gitlab");
        args.Links.ShouldBe([new LinkSpec("redis", "redis"), new LinkSpec("postgresql", "postgresql")]);
        args.Ports.ShouldHaveSingleItem().ShouldBe(new PortMapping(null, "30080", 80, "tcp"));
    }

    [Fact]
    public void Should_read_the_equals_link_and_volume_of_etherpad_and_flask_redis()
    {
        ParseCorpus("etherpad-centos7-atomicapp/artifacts/docker/etherpad-centos7-atomicapp-run").Links
            .ShouldBe([new LinkSpec("mariadb-atomicapp-app", "db")]);
        var redis = ParseCorpus("flask-redis-centos7-atomicapp/artifacts/docker/redis");
        redis.Volumes.ShouldBe([new VolumeSpec("/var/lib/redis", "/redis", false, false)]);
        redis.Ports.ShouldHaveSingleItem().ShouldBe(new PortMapping(null, null, 6379, "tcp"));
        redis.Command.ShouldBe(["redis-server"]);
    }
}
