using System.Diagnostics;
using System.Globalization;
using Nulecule.Compose;

namespace Nulecule.Tests.Compose;

/// <summary>
/// Debian's docker-compose 1.29 is the oracle for interpolation, `.env`, env files and the
/// resolved form: for each file, `docker-compose config` with the variables in its environment
/// and our loader with the same variables as params must give the same services. Its output is
/// read back with our loader (no variables: it is already resolved) so both sides are compared
/// as one model. Cases 1.29 does not know (`:+`, nested defaults such as `${A:-${B}}`, `include`,
/// `depends_on.required`) are covered by the template and loader tests alone.
/// </summary>
public sealed class DockerComposeOracleTests : IDisposable
{
    private readonly string _dir = SafeFiles.RealPath(Directory.CreateTempSubdirectory("compose-oracle-").FullName);

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    public static TheoryData<string, string, string> Cases => new()
    {
        {
            "defaults and casts",
            """
            services:
              web:
                image: "nginx:${TAG:-corpus}"
                ports: ["${PORT:-8080}:80", "127.0.0.1::443/udp", "${HOST_IP-127.0.0.1}:9000:9000"]
                command: sh -c 'echo "$$HOME" ${GREETING}'
                environment:
                  - MODE=${MODE:-dev}
                  - EMPTY=${EMPTY-unset}
                  - INHERITED
                deploy:
                  replicas: ${REPLICAS:-2}
                restart: ${RESTART:-always}
            """,
            "TAG=1.2|PORT=8081|GREETING=hi there|EMPTY=|INHERITED=from-param|REPLICAS=3"
        },
        {
            "mandatory values that are given, several references in one value",
            """
            services:
              db:
                image: ${IMAGE:?the image is required}
                environment:
                  PASSWORD: ${PW?}
                  URL: "postgres://${USER:-admin}:${PW}@${HOST:-localhost}/db"
                healthcheck:
                  test: ["CMD-SHELL", "pg_isready -U ${USER:-admin}"]
                  interval: ${INTERVAL:-5s}
                  retries: ${RETRIES:-3}
                labels:
                  - "tier=${TIER:-data}"
            """,
            "IMAGE=postgres:corpus|PW=p$ss|RETRIES=7"
        },
        {
            "dot env below params, env files, volumes, long depends_on",
            """
            services:
              app:
                image: app:${VERSION}
                env_file: [app.env]
                environment: {OVERRIDE: from-environment}
                volumes: ["data:/data", "./conf:/etc/app:ro"]
                depends_on:
                  cache: {condition: service_healthy}
                  job: {condition: service_completed_successfully}
              cache:
                image: redis:${CACHE_TAG:-corpus}
                healthcheck: {test: ["CMD", "true"], interval: 1s}
              job:
                image: busybox
                command: ["echo", "${MESSAGE:-done}"]
                depends_on: [cache]
            volumes:
              data: {}
            """,
            "CACHE_TAG=7"
        },
    };

    [SkippableTheory]
    [MemberData(nameof(Cases))]
    public void Should_resolve_as_docker_compose_does(string name, string compose, string variables)
    {
        Skip.If(!HasDockerCompose(), "docker-compose is not installed (.ci/docker-setup.sh installs Debian's 1.29)");
        _ = name;

        // Given
        File.WriteAllText(Path.Combine(_dir, "docker-compose.yml"), compose);
        File.WriteAllText(Path.Combine(_dir, ".env"), "VERSION=from-dot-env\nCACHE_TAG=from-dot-env\nMESSAGE='single $quoted'\n");
        File.WriteAllText(Path.Combine(_dir, "app.env"), "FROM_FILE=1\nOVERRIDE=from-file\nQUOTED=\"a b\"\n");
        var vars = variables.Split('|').Select(v => v.Split('=', 2)).ToDictionary(v => v[0], v => v[1], StringComparer.Ordinal);

        // When
        var ours = ComposeLoader.Load([new ComposeSource("docker-compose.yml", compose, _dir)], new ComposeLoadOptions
        {
            Variables = n => vars.TryGetValue(n, out var v) ? v : null,
        }).Project;
        var resolved = Oracle(vars);
        var theirs = ComposeLoader.Load([new ComposeSource("config.yml", resolved, _dir)], new ComposeLoadOptions()).Project;

        // Then
        Describe(ours).ShouldBe(Describe(theirs), resolved);
    }

    private string Oracle(Dictionary<string, string> vars)
    {
        var start = new ProcessStartInfo("docker-compose", ["-f", "docker-compose.yml", "config"])
        {
            WorkingDirectory = _dir,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };

        // Only the variables given: nothing of this process's environment may leak in.
        start.Environment.Clear();
        start.Environment["PATH"] = Environment.GetEnvironmentVariable("PATH");
        foreach (var (key, value) in vars)
        {
            start.Environment[key] = value;
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEnd();
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        process.ExitCode.ShouldBe(0, error);

        // 1.29 writes a literal `$` back as `$$`, which our loader reads as `$` again.
        return output;
    }

    private static string Describe(ComposeProject project) => string.Join("\n", project.Services.Values.Select(s => string.Join("\n  ",
    [
        s.Name,
        $"image={s.Image}",
        $"command={Words(s.Command)}",
        $"entrypoint={Words(s.Entrypoint)}",
        $"environment={string.Join(",", s.Environment.Select(e => $"{e.Key}={e.Value}"))}",
        $"ports={string.Join(",", s.Ports.Select(p => $"{p.HostIp}:{p.Published}:{p.Target}/{p.Protocol}"))}",
        $"volumes={string.Join(",", s.Volumes.Select(v => $"{v.Type}:{v.Source}:{v.Target}:{v.ReadOnly}"))}",
        $"depends_on={string.Join(",", s.DependsOn.Select(d => $"{d.Key}:{d.Value.Condition}"))}",
        $"health={Words(s.Healthcheck?.Test)} {s.Healthcheck?.Interval} {s.Healthcheck?.Retries}",
        $"restart={s.Restart} replicas={s.Replicas.ToString(CultureInfo.InvariantCulture)}",
        $"labels={string.Join(",", s.Labels.Select(l => $"{l.Key}={l.Value}"))}",
    ])));

    private static string Words(IReadOnlyList<string>? words) => words is null ? "-" : "[" + string.Join("|", words) + "]";

    private static bool HasDockerCompose() =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Any(d => File.Exists(Path.Combine(d, "docker-compose")));
}
