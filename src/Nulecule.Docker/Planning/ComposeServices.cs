using System.Globalization;
using System.Text.Json.Nodes;
using Docker.DotNet.Models;
using Nulecule.Compose;
using Nulecule.Docker.Run;
using Nulecule.Templating;

namespace Nulecule.Docker.Planning;

/// <summary>A file the container gets before it starts (a compose secret or config), copied in, never written on the host.</summary>
public sealed record PlannedFile(string Path, string Content, bool Secret);

/// <summary>A container that must reach a state before this one is created: `depends_on` with its condition.</summary>
public sealed record PlannedDependency(string ContainerName, string Condition);

/// <summary>One container of a compose service (replica <see cref="Number"/>), as the docker-run model the planner already deploys, plus what compose adds.</summary>
internal sealed record ComposeContainer(
    string Service,
    int Number,
    DockerRunArguments Arguments,
    IReadOnlyList<string> Aliases,
    IReadOnlyList<string>? HealthTest,
    IReadOnlyList<string>? Entrypoint,
    IReadOnlyList<PlannedFile> Files,
    IReadOnlyList<(string Service, string Condition)> DependsOn,
    bool OneShot)
{
    public string Logical => $"{Service}-{Number}";
}

/// <summary>
/// Turns the services of a rendered compose artifact into containers: service `s` with n replicas
/// becomes `s-1` ... `s-n` (containers `&lt;release&gt;-s-i`, reachable as `s` on the release
/// network), with Compose's labels (com.docker.compose.project = the release, service,
/// container-number). Compose features this provider cannot give on one host are refused here
/// with the service named, never dropped.
/// </summary>
internal static class ComposeServices
{
    public const string ProjectLabel = "com.docker.compose.project";
    public const string ServiceLabel = "com.docker.compose.service";
    public const string NumberLabel = "com.docker.compose.container-number";
    public const string OneOffLabel = "com.docker.compose.oneoff";

    public static IReadOnlyList<ComposeContainer> Expand(RenderedArtifact artifact)
    {
        var project = artifact.ComposeProjectOf();
        var completedTargets = project.Services.Values
            .SelectMany(s => s.DependsOn.Where(d => d.Value.Condition == "service_completed_successfully").Select(d => d.Key))
            .ToHashSet(StringComparer.Ordinal);
        var result = new List<ComposeContainer>();
        foreach (var service in project.InDependencyOrder())
        {
            var at = service.Location ?? new SourceLocation(artifact.Source, 0, 0);
            Check(service, project, at);
            var files = service.Secrets.Select(s => new PlannedFile(
                    s.Target.StartsWith('/') ? s.Target : $"/run/secrets/{s.Target}", project.Secrets[s.Source].Content ?? "", true))
                .Concat(service.Configs.Select(c => new PlannedFile(
                    c.Target.StartsWith('/') ? c.Target : $"/{c.Target}", project.Configs[c.Source].Content ?? "", false)))
                .ToList();
            var aliases = new List<string> { service.Name };
            aliases.AddRange(service.Networks.GetValueOrDefault("default") ?? []);
            for (var number = 1; number <= service.Replicas; number++)
            {
                var labels = new Dictionary<string, string>(service.Labels, StringComparer.Ordinal)
                {
                    [ServiceLabel] = service.Name,
                    [NumberLabel] = number.ToString(CultureInfo.InvariantCulture),
                    [OneOffLabel] = "False",
                };
                result.Add(new ComposeContainer(
                    service.Name,
                    number,
                    Arguments(service, labels, at),
                    aliases,
                    service.Healthcheck?.Test is ["CMD", ..] test ? test : null,
                    service.Entrypoint,
                    files,
                    service.DependsOn.Where(d => project.Services.ContainsKey(d.Key)).Select(d => (d.Key, d.Value.Condition)).ToList(),
                    completedTargets.Contains(service.Name)));
            }
        }

        return result;
    }

    private static void Check(ComposeService service, ComposeProject project, SourceLocation at)
    {
        string? problem = null;
        if (service.Image is null)
        {
            problem = "has no image (the docker provider does not build images)";
        }
        else if (service.Networks.Keys.FirstOrDefault(n => n != "default") is { } network)
        {
            problem = $"joins the network '{network}': the docker provider puts every service of a release on the release's own network only";
        }
        else if (service.Volumes.FirstOrDefault(v => v.Type == "volume" && v.Source is not null && project.Volumes[v.Source].External) is { } external)
        {
            problem = $"mounts the external volume '{external.Source}', which the docker provider does not support yet";
        }
        else if (service.Mode != "replicated")
        {
            problem = $"has deploy.mode {service.Mode}, which needs a swarm (--provider swarm); the docker provider runs replicated services";
        }
        else if (service.Ports.FirstOrDefault(p => p.Mode == "ingress") is { } ingress)
        {
            problem = $"publishes port {ingress.Target} with mode ingress, which needs a swarm (the docker provider publishes on this host): remove mode, or write mode: host";
        }
        else if (service.Healthcheck?.StartInterval is not null)
        {
            problem = "sets healthcheck.start_interval, which needs Docker API 1.44 (this provider speaks 1.41)";
        }
        else if (service.Labels.Keys.FirstOrDefault(k => k.StartsWith("com.docker.compose.", StringComparison.Ordinal)) is { } reserved)
        {
            problem = $"sets the label {reserved}: the com.docker.compose. prefix is Compose's own";
        }
        else if (service.Secrets.Concat(service.Configs).Any(r => (project.Secrets.GetValueOrDefault(r.Source) ?? project.Configs.GetValueOrDefault(r.Source))?.External == true))
        {
            problem = "uses an external secret or config, which only a swarm has";
        }

        if (problem is not null)
        {
            throw new NuleculeException($"compose service '{service.Name}' {problem}", at);
        }
    }

    private static DockerRunArguments Arguments(ComposeService service, Dictionary<string, string> labels, SourceLocation at)
    {
        var health = service.Healthcheck;
        return new DockerRunArguments
        {
            Image = service.Image!,
            Location = at,
            Detach = true,
            Command = service.Command ?? [],
            Entrypoint = service.Entrypoint is { Count: > 0 } entrypoint ? entrypoint[0] : null,
            Environment = service.Environment.Select(e => $"{e.Key}={e.Value}").ToList(),
            Ports = service.Ports.Select(p => new PortMapping(p.HostIp, p.Published, p.Target, p.Protocol)).ToList(),
            Volumes = service.Volumes.Where(v => v.Type != "tmpfs")
                .Select(v => new VolumeSpec(v.Source ?? "", v.Target, v.ReadOnly, v.Type == "volume")).ToList(),
            Mounts = service.Volumes.Where(v => v.Type == "tmpfs").Select(v => new Mount { Type = "tmpfs", Target = v.Target, ReadOnly = v.ReadOnly }).ToList(),
            Restart = service.Restart,
            WorkingDir = service.WorkingDir,
            User = service.User,
            Labels = labels,
            Health = health is null ? null : new HealthSpec(
                health.Test switch
                {
                    ["CMD-SHELL", var shell] => shell,
                    ["CMD", ..] => string.Join(' ', health.Test.Skip(1).Select(DockerRunParser.Quote)),
                    _ => null,
                },
                health.Disable,
                health.Interval,
                health.Timeout,
                health.StartPeriod,
                health.Retries),
        };
    }
}
