using Docker.DotNet;
using Docker.DotNet.Models;
using Nulecule.Docker.Internal;
using Nulecule.Docker.Planning;
using Nulecule.Providers;

namespace Nulecule.Docker.Swarm;

/// <summary>
/// A release's swarm secrets and configs. They cannot change on a swarm, so each is named by its
/// content (<see cref="SwarmComposePlanner.Digest"/>): one that exists is the same, a new value is
/// a new object, and the one it replaces is removed only once the run succeeded. Their data is
/// sent to the engine and nowhere else: messages name them, never show them.
/// </summary>
internal sealed class SwarmFileObjects(IDockerClient client, string release)
{
    /// <summary>Object name to id, for every secret and config the planned services reference.</summary>
    public Dictionary<string, string> SecretIds { get; } = new(StringComparer.Ordinal);

    public Dictionary<string, string> ConfigIds { get; } = new(StringComparer.Ordinal);

    /// <summary>What this run made (kind, name, id), so a failed run can remove it.</summary>
    public List<(string Kind, string Name, string Id)> Created { get; } = [];

    /// <summary>Finds or makes the planned secrets and configs; a referenced external one must exist, one of another owner is refused.</summary>
    public async Task<List<DeployedObject>> EnsureAsync(SwarmPlan plan, IReporter reporter, CancellationToken cancellationToken)
    {
        var objects = new List<DeployedObject>();
        var secrets = (await client.Secrets.ListAsync(cancellationToken)).ToDictionary(s => s.Spec?.Name ?? s.ID, s => (s.ID, Labels: s.Spec?.Labels), StringComparer.Ordinal);
        var configs = (await client.Configs.ListConfigsAsync(cancellationToken)).ToDictionary(c => c.Spec?.Name ?? c.ID, c => (c.ID, Labels: c.Spec?.Labels), StringComparer.Ordinal);
        foreach (var (kind, planned, existing, ids) in new[] { ("secret", plan.Secrets, secrets, SecretIds), ("config", plan.Configs, configs, ConfigIds) })
        {
            foreach (var item in planned)
            {
                if (existing.TryGetValue(item.Name, out var found))
                {
                    if (!SwarmObjects.OwnedBy(found.Labels, release))
                    {
                        throw new OperationFailedException($"component {item.Component}: a {kind} named {item.Name} already exists and does not belong to release {release}; nothing was changed: remove it (`docker {kind} rm {item.Name}`) or choose another release name");
                    }

                    ids[item.Name] = found.ID;
                    objects.Add(new DeployedObject(item.Component ?? "", kind, item.Name, null, "", ObjectAction.Unchanged));
                    continue;
                }

                reporter.Progress(new ProgressEvent(item.Component ?? "", ProgressState.Creating) { Object = $"{kind} {item.Name}", Message = $"creating {kind} {item.Name}" });

                // Not abandoned half-way when interrupted: the run's clean-up must know the id.
                var labels = new Dictionary<string, string>(item.Labels);
                var id = kind == "secret"
                    ? (await client.Secrets.CreateAsync(new SwarmSecretSpec { Name = item.Name, Labels = labels, Data = item.Data }, CancellationToken.None)).ID
                    : (await client.Configs.CreateConfigAsync(new SwarmCreateConfigParameters { Config = new SwarmConfigSpec { Name = item.Name, Labels = labels, Data = item.Data } }, CancellationToken.None)).ID;
                Created.Add((kind, item.Name, id));
                ids[item.Name] = id;
                objects.Add(new DeployedObject(item.Component ?? "", kind, item.Name, null, "", ObjectAction.Created));
                cancellationToken.ThrowIfCancellationRequested();
            }

            // External ones: referenced by name, made by someone else.
            var referenced = plan.Services.SelectMany(s => kind == "secret"
                    ? (s.Spec.TaskTemplate?.ContainerSpec?.Secrets ?? []).Select(r => (s, Name: r.SecretName))
                    : (s.Spec.TaskTemplate?.ContainerSpec?.Configs ?? []).Select(r => (s, Name: r.ConfigName)));
            foreach (var (service, name) in referenced.Where(r => !ids.ContainsKey(r.Name)))
            {
                ids[name] = existing.TryGetValue(name, out var found)
                    ? found.ID
                    : throw new OperationFailedException($"component {service.Component}: service {service.ServiceName} uses the external {kind} {name}, which does not exist on the swarm ({service.Location}); create it first (`docker {kind} create {name} FILE`)");
            }
        }

        return objects;
    }

    /// <summary>Puts the ids of the objects a service references into its spec (the spec hash was taken without them).</summary>
    public void Resolve(ServiceSpec spec)
    {
        foreach (var secret in spec.TaskTemplate?.ContainerSpec?.Secrets ?? [])
        {
            secret.SecretID = SecretIds[secret.SecretName];
        }

        foreach (var config in spec.TaskTemplate?.ContainerSpec?.Configs ?? [])
        {
            config.ConfigID = ConfigIds[config.ConfigName];
        }
    }

    /// <summary>After a successful run: the release's secrets and configs the plan no longer names (an older value) go.</summary>
    public async Task<List<DeployedObject>> RemoveStaleAsync(SwarmPlan plan, IReporter reporter, CancellationToken cancellationToken)
    {
        var objects = new List<DeployedObject>();
        var keep = plan.Secrets.Concat(plan.Configs).Select(r => r.Name).ToHashSet(StringComparer.Ordinal);
        var stale = (await client.Secrets.ListAsync(cancellationToken)).Where(s => SwarmObjects.OwnedBy(s.Spec?.Labels, release) && !keep.Contains(s.Spec!.Name ?? ""))
            .Select(s => ("secret", s.Spec!.Name ?? s.ID, s.ID, Component(s.Spec!.Labels)))
            .Concat((await client.Configs.ListConfigsAsync(cancellationToken)).Where(c => SwarmObjects.OwnedBy(c.Spec?.Labels, release) && !keep.Contains(c.Spec!.Name ?? ""))
                .Select(c => ("config", c.Spec!.Name ?? c.ID, c.ID, Component(c.Spec!.Labels))));
        foreach (var (kind, name, id, component) in stale)
        {
            reporter.Progress(new ProgressEvent(component, ProgressState.Removing) { Object = $"{kind} {name}", Message = $"removing {kind} {name} (replaced or no longer in the app)" });
            if (await EngineResources.TryAsync(() => RemoveAsync(kind, id, CancellationToken.None), reporter))
            {
                reporter.Progress(new ProgressEvent(component, ProgressState.Removed) { Object = $"{kind} {name}" });
                objects.Add(new DeployedObject(component, kind, name, null, "", ObjectAction.Deleted));
            }
        }

        return objects;
    }

    /// <summary>A failed run's clean-up: what it made goes (the services put back no longer use it).</summary>
    public async Task<List<string>> RemoveCreatedAsync(IReporter reporter)
    {
        var left = new List<string>();
        foreach (var (kind, name, id) in Enumerable.Reverse(Created))
        {
            if (!await EngineResources.TryAsync(() => RemoveAsync(kind, id, CancellationToken.None), reporter))
            {
                left.Add($"{kind} {name}");
            }
        }

        return left;
    }

    private async Task RemoveAsync(string kind, string id, CancellationToken cancellationToken)
    {
        try
        {
            await (kind == "secret" ? client.Secrets.DeleteAsync(id, cancellationToken) : client.Configs.RemoveConfigAsync(id, cancellationToken));
        }
        catch (DockerApiException e) when (SwarmObjects.NotFound(e))
        {
        }
    }

    private static string Component(IDictionary<string, string>? labels) =>
        labels is not null && labels.TryGetValue(Nulecule.Providers.Labels.Component, out var c) ? c : "";
}
