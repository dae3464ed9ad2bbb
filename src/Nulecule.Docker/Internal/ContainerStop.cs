using Docker.DotNet;
using Docker.DotNet.Models;
using Nulecule.Docker.Planning;
using Nulecule.Providers;
using static Nulecule.Docker.Internal.DockerObjects;

namespace Nulecule.Docker.Internal;

/// <summary>
/// Stops and removes a release's containers in the order <see cref="StopOrder"/> gives every
/// engine: of two components whose containers name each other (<see cref="References"/>), the
/// later in graph order goes first and must be gone before the other is touched; unrelated
/// components go side by side, at most `--parallel` containers at once; a compose component's
/// containers one after another, its dependents first. A container whose stop fails keeps
/// exactly the containers that wait for it (<see cref="ParallelScheduler.Blocked"/>) from being
/// touched; every other container is still removed, and the error says what was and was not.
/// </summary>
internal static class ContainerStop
{
    /// <summary>
    /// Removes <paramref name="containers"/>, listed by <see cref="InStopOrder"/>. Throws <see cref="OperationFailedException"/> naming what was removed and what
    /// was not when any stop fails; the networks and volumes are then the caller's to keep.
    /// </summary>
    public static async Task RunAsync(
        IDockerClient client, string release, IReadOnlyList<ContainerListResponse> containers, StopOptions options, TimeSpan stopGrace, CancellationToken cancellationToken)
    {
        var dependencies = await DependenciesAsync(client, containers, options.Parallel, cancellationToken);
        IEnumerable<int> Before(int step) => dependencies[step];

        // Like `docker stop`: each container gets up to 10 s to exit after SIGTERM, and all of them
        // together no more than --timeout (a process that ignores SIGTERM must not cost the whole timeout).
        var deadline = DateTimeOffset.UtcNow + options.Timeout;
        var removed = new bool[containers.Count];
        var failures = await ParallelScheduler.RunEachAsync(containers.Count, Before, options.Parallel, async (step, ct) =>
        {
            var container = containers[step];
            var containerObject = $"container {NameOf(container)}";
            options.Reporter.Progress(new ProgressEvent(ComponentOf(container), ProgressState.Removing) { Object = containerObject, Detail = "stopping", Message = $"stopping {NameOf(container)}" });
            var left = deadline - DateTimeOffset.UtcNow;
            var grace = left > stopGrace ? stopGrace : left < TimeSpan.FromSeconds(1) ? TimeSpan.FromSeconds(1) : left;
            await RemoveContainerAsync(client, container.ID, grace, ct);
            removed[step] = true;
            options.Reporter.Progress(new ProgressEvent(ComponentOf(container), ProgressState.Removed) { Object = containerObject, Message = $"{NameOf(container)} removed" });
        }, cancellationToken);

        if (failures.Count > 0)
        {
            throw Failed(release, containers, removed, failures);
        }
    }

    /// <summary>
    /// Components in reverse graph order (the one holding the latest-created container first),
    /// each component's containers together, latest first: the order the steps are listed in.
    /// </summary>
    internal static List<ContainerListResponse> InStopOrder(IEnumerable<ContainerListResponse> containers) =>
        containers
            .GroupBy(ComponentOf, StringComparer.Ordinal)
            .OrderByDescending(g => g.Select(OrderOf).Max(StringComparer.Ordinal), StringComparer.Ordinal)
            .SelectMany(g => g.OrderByDescending(OrderOf, StringComparer.Ordinal).ThenBy(NameOf, StringComparer.Ordinal))
            .ToList();

    /// <summary>
    /// What each container (listed by <see cref="InStopOrder"/>) waits for: the compose container
    /// of its component listed just before it, and every container of the components
    /// <see cref="StopOrder"/> says must be gone first. With one component there is nothing to
    /// relate and no container is inspected; else each is inspected once (at most
    /// <paramref name="parallel"/> at a time), for what it was created with.
    /// </summary>
    internal static async Task<int[][]> DependenciesAsync(IDockerClient client, IReadOnlyList<ContainerListResponse> containers, int parallel, CancellationToken cancellationToken)
    {
        var components = containers.Select(ComponentOf).Distinct(StringComparer.Ordinal).ToList();
        var componentOf = containers.Select(c => components.IndexOf(ComponentOf(c))).ToArray();
        var prerequisites = components.Count < 2
            ? components.Select(_ => Array.Empty<int>()).ToArray()
            : StopOrder.Prerequisites(await ReferencesAsync(client, containers, componentOf, components.Count, parallel, cancellationToken));

        // Components are listed together, so a prerequisite's containers are all earlier steps.
        var stepsOf = components.Select(_ => new List<int>()).ToArray();
        for (var step = 0; step < containers.Count; step++)
        {
            stepsOf[componentOf[step]].Add(step);
        }

        var dependencies = new int[containers.Count][];
        for (var step = 0; step < containers.Count; step++)
        {
            var waits = prerequisites[componentOf[step]].SelectMany(p => stepsOf[p]).ToList();
            if (ComposeBefore(containers, step) is var own && own >= 0)
            {
                waits.Add(own);
            }

            dependencies[step] = waits.Order().ToArray();
        }

        return dependencies;
    }

    /// <summary>The compose container of the same component listed just before <paramref name="step"/> (its dependent, stopped first); -1 when none.</summary>
    private static int ComposeBefore(IReadOnlyList<ContainerListResponse> containers, int step)
    {
        var container = containers[step];
        if (Label(container, ComposeServices.ProjectLabel) is null)
        {
            return -1;
        }

        for (var before = step - 1; before >= 0; before--)
        {
            if (ComponentOf(containers[before]) == ComponentOf(container) && Label(containers[before], ComposeServices.ProjectLabel) is not null)
            {
                return before;
            }
        }

        return -1;
    }

    private static async Task<List<StopReferences>> ReferencesAsync(
        IDockerClient client, IReadOnlyList<ContainerListResponse> containers, int[] componentOf, int count, int parallel, CancellationToken cancellationToken)
    {
        var inspected = new ContainerInspectResponse?[containers.Count];
        await Parallel.ForEachAsync(Enumerable.Range(0, containers.Count), new ParallelOptions { MaxDegreeOfParallelism = parallel, CancellationToken = cancellationToken }, async (i, ct) =>
        {
            try
            {
                inspected[i] = await client.Containers.InspectContainerAsync(containers[i].ID, ct);
            }
            catch (DockerApiException e) when (e.StatusCode == System.Net.HttpStatusCode.NotFound)
            {
                // Gone since the list: it holds nothing any more, and says nothing.
            }
        });

        var holds = Enumerable.Range(0, count).Select(_ => new HashSet<string>(StringComparer.Ordinal)).ToList();
        var says = Enumerable.Range(0, count).Select(_ => new HashSet<string>(StringComparer.Ordinal)).ToList();
        for (var i = 0; i < containers.Count; i++)
        {
            if (inspected[i] is { } container)
            {
                var references = References(container);
                holds[componentOf[i]].UnionWith(references.Holds);
                says[componentOf[i]].UnionWith(references.Says);
            }
        }

        return Enumerable.Range(0, count).Select(c => new StopReferences(holds[c], says[c])).ToList();
    }

    /// <summary>
    /// What a container holds: its name, its id (a `--network container:` may name either), its
    /// aliases on every network, the name the artifact gives it and the named volumes it mounts.
    /// What it says: what it was created with, <see cref="Says"/>.
    /// </summary>
    internal static StopReferences References(ContainerInspectResponse container)
    {
        var holds = new HashSet<string>(StringComparer.Ordinal) { container.Name.TrimStart('/'), container.ID };
        if (container.ID.Length > 12)
        {
            holds.Add(container.ID[..12]);
        }

        if (container.Config?.Labels is { } labels && labels.TryGetValue(DockerLabels.LogicalName, out var logical))
        {
            holds.Add(logical);
        }

        foreach (var endpoint in container.NetworkSettings?.Networks?.Values ?? [])
        {
            holds.UnionWith(endpoint?.Aliases ?? []);
        }

        foreach (var mount in container.Mounts ?? [])
        {
            if (mount.Type == "volume" && !string.IsNullOrEmpty(mount.Name))
            {
                holds.Add(mount.Name);
            }
        }

        holds.Remove("");
        return new StopReferences(holds, Says(container.Config, container.HostConfig));
    }

    /// <summary>
    /// The words of what a container was created with: its environment's values (not the
    /// variables' names), command and entrypoint, links, `--volumes-from`, `--network
    /// container:X` and extra hosts. Labels are not read.
    /// </summary>
    internal static HashSet<string> Says(ContainerConfig? config, HostConfig? host)
    {
        var says = new HashSet<string>(StringComparer.Ordinal);
        foreach (var variable in config?.Env ?? [])
        {
            var equals = variable.IndexOf('=', StringComparison.Ordinal);
            if (equals >= 0)
            {
                StopOrder.Words(variable[(equals + 1)..], says, underscore: true);
            }
        }

        foreach (var text in (config?.Entrypoint ?? []).Concat(config?.Cmd ?? []).Concat(host?.Links ?? []).Concat(host?.VolumesFrom ?? []).Concat(host?.ExtraHosts ?? []))
        {
            StopOrder.Words(text, says, underscore: true);
        }

        if (host?.NetworkMode is { } mode && mode.StartsWith("container:", StringComparison.Ordinal))
        {
            says.Add(mode["container:".Length..]);
        }

        return says;
    }

    /// <summary>What failed, what was removed and what was not (the failed containers and those that waited for them).</summary>
    private static OperationFailedException Failed(string release, IReadOnlyList<ContainerListResponse> containers, bool[] removed, IReadOnlyDictionary<int, Exception> failures)
    {
        const int Shown = 3;
        var ordered = failures.OrderBy(f => f.Key).ToList();
        var what = string.Join("; also: ", ordered.Take(Shown).Select(f =>
            $"cannot stop container {NameOf(containers[f.Key])} (component {ComponentOf(containers[f.Key])}): {Describe(f.Value)}"))
            + (ordered.Count > Shown ? $"; and {ordered.Count - Shown} more containers failed" : "");
        var done = containers.Where((_, i) => removed[i]).Select(NameOf).ToList();
        var kept = containers.Where((_, i) => !removed[i]).Select(NameOf).ToList();
        return new OperationFailedException(
            $"stop of release {release} failed: {what}"
            + (done.Count > 0 ? $"; removed: {Names(done)}" : "; nothing was removed")
            + $"; not removed: {Names(kept)} (and the release's networks and volumes); run stop again once the cause is fixed",
            ordered[0].Value);
    }

    /// <summary>`a, b, c`; past ten, the first ten and how many more.</summary>
    private static string Names(IReadOnlyCollection<string> names) =>
        names.Count <= 10 ? string.Join(", ", names) : $"{string.Join(", ", names.Take(10))} and {names.Count - 10} more ({names.Count} in all)";
}
