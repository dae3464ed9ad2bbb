using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text.Json.Nodes;
using System.Threading.Channels;
using Nulecule.Answers;
using Nulecule.Kubernetes.Internal;
using Nulecule.Providers;
using Nulecule.Templating;

namespace Nulecule.Kubernetes;

/// <summary>
/// The `kubernetes` provider: applies every object of a rendered app with server-side apply,
/// labels it with the release, waits for workloads, and finds the release again by its labels.
/// </summary>
public class KubernetesProvider : IProvider
{
    private readonly KubernetesSettings _settings;
    private readonly Connections _connections;
    private KubernetesConnection? _connection;

    /// <param name="settings">From the CLI's flags (and answers, see <see cref="KubernetesSettings.Over"/>).
    /// For `run` the app's `[general]` answers fill what the settings leave open.</param>
    public KubernetesProvider(KubernetesSettings settings)
        : this(settings, new Connections())
    {
    }

    /// <summary>A provider that shares the connections of another one of the same command (<see cref="ProviderRegistration.CreateBeside"/>).</summary>
    internal KubernetesProvider(KubernetesSettings settings, Connections connections)
    {
        _settings = settings;
        _connections = connections;
    }

    /// <summary>The connections this provider resolves through, for a provider made beside it (<see cref="KubernetesEngine"/>).</summary>
    internal Connections Shared => _connections;

    public virtual string Name => "kubernetes";

    /// <summary>`server/namespace`.</summary>
    public string Target => Connection.Target;

    /// <summary>The connection of `stop`, `status`, `logs`, `list`, `scale` (resolved on first use).</summary>
    public KubernetesConnection Connection => _connection ??= _connections.For(_settings);

    /// <summary>Kinds `scale` changes through their scale subresource.</summary>
    internal virtual IReadOnlySet<string> ScalableKinds { get; } =
        new HashSet<string>(StringComparer.Ordinal) { "Deployment", "ReplicationController", "ReplicaSet", "StatefulSet" };

    /// <summary>`kubectl apply --server-side` of every object, in order; waits per component with `--wait`.</summary>
    public async Task<DeployResult> RunAsync(RenderedApp app, RunOptions options, CancellationToken cancellationToken)
    {
        var settings = _settings.Over(KubernetesSettings.FromAnswers(app.Values.General));
        // The provider's own connection (already used for the lock and the history) unless the
        // app's answers say to connect elsewhere or otherwise.
        var connection = _connections.For(settings);
        var masker = app.Values.Masker;
        var reporter = options.Reporter;
        var planned = ManifestPlanner.Plan(app, options.Release, options.Revision, (component, artifact, document) => Expand(component, artifact, document, app.Values));
        var pullPolicy = KubernetesSettings.ParseImagePullPolicy(settings.ImagePullPolicy);
        foreach (var item in planned)
        {
            ((JsonObject)item.Body["metadata"]!["annotations"]!)[ManifestPlanner.NamespaceAnnotation] = connection.Namespace;
            if (pullPolicy is not null)
            {
                PullPolicyDefaults.Apply(item.Body, pullPolicy);
            }
        }

        var api = connection.Api;
        var discovery = connection.NewDiscovery();
        DeclareDefinitions(planned, discovery);
        var applier = new Applier(api, discovery, connection.Namespace, settings.ForceConflicts || options.TakeOwnership, masker);
        var waiter = new Waiter(api, masker, reporter);
        var deadline = DateTimeOffset.UtcNow + options.Timeout;
        var applied = new List<AppliedObject>();
        var plan = new List<string>();
        reporter.Info(masker.Mask($"{(options.DryRun ? "planning" : "deploying")} release {options.Release} to {connection.Target} ({connection.Source})"));
        await applier.PreflightAsync(planned, options.Release, options.TakeOwnership, cancellationToken);
        string? working = null;
        try
        {
            var components = planned.GroupBy(p => p.Component).ToList();
            if (!options.DryRun && !options.Wait)
            {
                // Nothing waits for anything: every component's objects are applied side by side.
                foreach (var component in components)
                {
                    ReportApplying(reporter, component.Key, component.Count());
                }

                await ParallelApply.RunAsync(applier, planned, applied, failed => working = failed, cancellationToken);
                foreach (var component in components)
                {
                    var ofComponent = applied.Where(a => a.Planned.Component == component.Key).ToList();
                    ReportApplied(reporter, masker, component.Key, ofComponent);
                }

                // Interrupted while the last answers came in: treated as during the apply (a first install takes back what it made).
                cancellationToken.ThrowIfCancellationRequested();
            }
            else
            {
                foreach (var component in components)
                {
                    working = component.Key;
                    if (options.DryRun)
                    {
                        foreach (var item in component)
                        {
                            var result = await applier.ApplyAsync(item, options.DryRun, plan, cancellationToken);
                            applied.Add(result);
                        }

                        continue;
                    }

                    // --wait: a component's objects side by side, then wait for them before the next component.
                    ReportApplying(reporter, component.Key, component.Count());
                    var before = applied.Count;
                    await ParallelApply.RunAsync(applier, component.ToList(), applied, _ => { }, cancellationToken);
                    var ofComponent = applied[before..];
                    ReportDetails(reporter, masker, ofComponent);

                    reporter.Progress(new ProgressEvent(component.Key, ProgressState.Waiting) { Message = $"waiting for {component.Key}" });
                    await waiter.WaitAsync(ofComponent, deadline, options.Timeout, cancellationToken);
                    reporter.Progress(new ProgressEvent(component.Key, ProgressState.Ready) { Detail = Described(ofComponent), Message = $"{component.Key} ready" });
                }
            }
        }
        catch (OperationFailedException e) when (!options.DryRun)
        {
            Failed(reporter, working, "failed");
            throw (await CleanUpAfterFailureAsync(e, applied, options, masker, api)).Error;
        }
        catch (OperationCanceledException e) when (!options.DryRun && cancellationToken.IsCancellationRequested)
        {
            Failed(reporter, working, "interrupted");
            // Interrupted (Ctrl-C): a first install takes back what it made; an upgrade's caller puts the previous revision back.
            var (_, left) = await CleanUpAfterFailureAsync(new OperationFailedException("interrupted", e), applied, options, masker, api);
            throw new OperationCanceledException($"run of release {options.Release} was interrupted; {left}", e, cancellationToken);
        }

        var objects = applied.Select(a => new DeployedObject(a.Planned.Component, a.Live.Kind, a.Live.Name, a.Live.Namespace, a.Hash, a.Action)).ToList();
        if (!options.DryRun)
        {
            objects.AddRange(await PruneAsync(api, discovery, connection.Namespace, options, applied, deadline, cancellationToken));
        }

        return new DeployResult(objects) { PlannedOperations = plan };
    }

    private static void ReportApplying(IReporter reporter, string component, int count) =>
        reporter.Progress(new ProgressEvent(component, ProgressState.Creating)
        {
            Detail = $"applying {count} object{(count == 1 ? "" : "s")}",
            Message = $"applying {component} ({count} object{(count == 1 ? "" : "s")})",
        });

    /// <summary>`-v`: what became of each object (`ConfigMap ns/x: created`).</summary>
    private static void ReportDetails(IReporter reporter, SecretMasker masker, List<AppliedObject> objects)
    {
        foreach (var result in objects)
        {
            reporter.Detail(masker.Mask($"{result.Live.Display}: {result.Action.ToString().ToLowerInvariant()}"));
        }
    }

    private static void ReportApplied(IReporter reporter, SecretMasker masker, string component, List<AppliedObject> ofComponent)
    {
        ReportDetails(reporter, masker, ofComponent);

        var state = ofComponent.All(a => a.Action == ObjectAction.Unchanged) ? ProgressState.Unchanged : ProgressState.Applied;
        reporter.Progress(new ProgressEvent(component, state) { Detail = Described(ofComponent), Message = $"{component} {ProgressEvent.Name(state)}" });
    }

    /// <summary>What became of a component's objects, in a few words: `1 created, 2 unchanged`.</summary>
    private static string Described(IEnumerable<AppliedObject> objects) =>
        string.Join(", ", objects.GroupBy(a => a.Action).Select(g => $"{g.Count()} {g.Key.ToString().ToLowerInvariant()}"));

    private static void Failed(IReporter reporter, string? component, string what)
    {
        if (component is not null)
        {
            reporter.Progress(new ProgressEvent(component, ProgressState.Failed) { Detail = what, Message = $"{component} {what}" });
        }
    }

    /// <summary>
    /// Deletes the release's objects this run did not apply: they left the app (a component or an
    /// artifact was removed). Volume-requirement claims are kept, as on stop.
    /// </summary>
    private static async Task<List<DeployedObject>> PruneAsync(KubeApi api, Discovery discovery, string ns, RunOptions options, List<AppliedObject> applied, DateTimeOffset deadline, CancellationToken cancellationToken)
    {
        var keep = applied.Select(a => (a.Live.Kind, a.Live.Namespace, a.Live.Name)).ToHashSet();
        var selector = Selectors.Release(options.Release);
        // Only the kinds the release can have: the planned ones and those its record names (every
        // served kind when the record cannot say). The planned kinds' resources are known already.
        var planned = applied.Select(a => a.Live.Resource).Where(r => r.Verbs.Contains("list") && r.Verbs.Contains("delete")).ToList();
        var plannedKinds = planned.Select(r => r.Kind).ToHashSet(StringComparer.Ordinal);
        // What is read of them is metadata alone: names, uids, labels and annotations.
        var found = options.RecordedKinds is not { } recorded
            ? await ReleaseObjects.FindAsync(api, discovery, ns, selector, cancellationToken, metadataOnly: true)
            : recorded.IsSubsetOf(plannedKinds)
                ? await ReleaseObjects.InAsync(api, planned, ns, selector, cancellationToken, metadataOnly: true)
                : await ReleaseObjects.FindAsync(api, discovery, ns, selector, cancellationToken, kinds: recorded.Union(plannedKinds).ToHashSet(StringComparer.Ordinal), metadataOnly: true);
        var stale = found
            .Where(o => !keep.Contains((o.Kind, o.Namespace, o.Name)) && o.Annotation(ManifestPlanner.VolumeAnnotation) != "true")
            .OrderByDescending(o => o.Order)
            .ToList();
        if (stale.Count == 0)
        {
            return [];
        }

        foreach (var o in stale)
        {
            options.Reporter.Progress(new ProgressEvent(o.Component, ProgressState.Removing) { Object = o.Display, Message = $"removing {o.Display}: it is no longer part of the app" });
        }

        var deleted = await new Remover(api).DeleteAsync(stale, deadline + TimeSpan.FromMinutes(1), options.Reporter, cancellationToken);
        foreach (var o in deleted)
        {
            options.Reporter.Progress(new ProgressEvent(o.Component, ProgressState.Removed) { Object = o.Display, Detail = "no longer in the app" });
        }

        return deleted.Select(o => ToDeployed(o, ObjectAction.Deleted)).ToList();
    }

    public async Task<DeployResult> StopAsync(string release, StopOptions options, CancellationToken cancellationToken)
    {
        var connection = Connection;
        var api = connection.Api;
        var found = await ReleaseObjects.FindAsync(api, connection.NewDiscovery(), connection.Namespace, Selectors.Release(release), cancellationToken, fresh: true);
        var kept = found.Where(o => !options.RemoveVolumes && o.Annotation(ManifestPlanner.VolumeAnnotation) == "true").ToList();
        foreach (var volume in kept)
        {
            options.Reporter.Info($"keeping {volume.Display} (a volume requirement; --remove-volumes deletes it)");
        }

        var doomed = found.Except(kept).OrderByDescending(o => o.Order).ToList();
        if (found.Count == 0)
        {
            options.Reporter.Warn($"no objects of release {release} in namespace {connection.Namespace}");
        }

        if (options.DryRun)
        {
            var plan = doomed.Select(o => $"DELETE {o.Resource.Display} {(o.Namespace is null ? o.Name : $"{o.Namespace}/{o.Name}")} (propagationPolicy={Remover.Propagation(o.Resource)})").ToList();
            return new DeployResult(doomed.Select(o => ToDeployed(o, ObjectAction.Planned)).ToList()) { PlannedOperations = plan };
        }

        var deadline = DateTimeOffset.UtcNow + options.Timeout;
        using var requests = new SemaphoreSlim(Applier.Concurrency);
        var remover = new Remover(api, requests);

        // Last component first; components whose objects do not refer to each other side by side
        // (LiveStopOrder), all at once: most of a component's time is the wait for its pods to go,
        // which holds no slot; the requests of all of them (DELETEs, reads of the wait) share 8.
        var components = doomed.GroupBy(o => o.Component).Select(g => (IReadOnlyList<LiveObject>)g.ToList()).ToList();
        var prerequisites = LiveStopOrder.Prerequisites(components);
        IEnumerable<int> Before(int c) => prerequisites[c];
        var deleted = new List<LiveObject>?[components.Count];
        var failures = await ParallelScheduler.RunEachAsync(components.Count, Before, Math.Max(1, components.Count), async (c, ct) =>
        {
            var component = components[c][0].Component;
            var count = components[c].Count;
            var objects = $"{count} object{(count == 1 ? "" : "s")}";
            // What a failure here keeps from being deleted: the components that wait for this one.
            var later = ParallelScheduler.Blocked(components.Count, Before, c).SelectMany(b => components[b]).ToList();
            options.Reporter.Progress(new ProgressEvent(component, ProgressState.Removing) { Detail = $"deleting {objects}", Message = $"removing {component} ({objects})" });
            deleted[c] = await remover.DeleteAsync(components[c], deadline, options.Reporter, ct, later);
            options.Reporter.Progress(new ProgressEvent(component, ProgressState.Removed) { Detail = objects, Message = $"{component} removed" });
        }, cancellationToken);

        if (failures.Count > 0)
        {
            throw StopFailed(failures);
        }

        return new DeployResult(deleted.SelectMany(d => d ?? []).Select(o => ToDeployed(o, ObjectAction.Deleted)).ToList());
    }

    /// <summary>
    /// The failure of a stop: one component's error as it is; several components' errors joined
    /// in stop order (each already says what it deleted and left), the first three in full.
    /// </summary>
    internal static Exception StopFailed(IReadOnlyDictionary<int, Exception> failures)
    {
        const int Shown = 3;
        var ordered = failures.OrderBy(f => f.Key).Select(f => f.Value).ToList();
        if (ordered is [var only])
        {
            return only;
        }

        var message = string.Join("; also: ", ordered.Take(Shown).Select(e => e.Message))
            + (ordered.Count > Shown ? $"; and {ordered.Count - Shown} more components failed" : "");
        return new OperationFailedException(message, ordered[0]);
    }

    /// <summary>`kubectl get` of the release's objects (of every kind) and pods, grouped by component.</summary>
    public Task<ReleaseStatus> StatusAsync(string release, CancellationToken cancellationToken) => StatusOfAsync(release, null, cancellationToken);

    /// <summary>The same, looking only at the kinds the release's record names (and pods).</summary>
    public Task<ReleaseStatus> StatusAsync(string release, IReadOnlySet<string> kinds, CancellationToken cancellationToken) => StatusOfAsync(release, kinds, cancellationToken);

    private async Task<ReleaseStatus> StatusOfAsync(string release, IReadOnlySet<string>? kinds, CancellationToken cancellationToken)
    {
        var connection = Connection;
        var api = connection.Api;
        // The objects and the pods their workloads made, side by side.
        var finding = ReleaseObjects.FindAsync(api, connection.NewDiscovery(), connection.Namespace, Selectors.Release(release), cancellationToken, kinds: kinds);
        var listingPods = ReleaseObjects.PodsAsync(api, connection.Namespace, Selectors.PodsOf(release, null), cancellationToken);
        await Task.WhenAll(finding, listingPods);
        var (found, pods) = (await finding, await listingPods);
        var scopes = found.GroupBy(o => o.Label(Labels.Component) ?? "").ToDictionary(g => g.Key, g => g.First().Component, StringComparer.Ordinal);
        var rows = found.Select(o => (o.Component, Status: StatusOf(o.Kind, o.Body))).ToList();
        // A Pod the release applied itself is already a row; add only the pods its workloads made.
        var applied = found.Where(o => o.Kind == "Pod").Select(o => (string?)o.Body["metadata"]?["name"]).ToHashSet(StringComparer.Ordinal);
        foreach (var pod in pods.Where(p => !applied.Contains((string?)p["metadata"]?["name"])))
        {
            var label = (string?)pod["metadata"]?["labels"]?[Labels.Component] ?? "";
            rows.Add((scopes.GetValueOrDefault(label, label), StatusOf("Pod", pod)));
        }

        var components = rows.GroupBy(r => r.Component).Select(g => new ComponentStatus(g.Key, g.Select(r => r.Status).ToList())).ToList();
        return new ReleaseStatus(release, Name, connection.Target, components);
    }

    /// <summary>`kubectl logs` of the release's pods (every container), optionally following.</summary>
    public async IAsyncEnumerable<LogLine> LogsAsync(string release, LogOptions options, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var connection = Connection;
        var api = connection.Api;
        var pods = await ReleaseObjects.PodsAsync(api, connection.Namespace, Selectors.PodsOf(release, options.Component), cancellationToken);
        var streams = new List<(string Component, string Pod, string Container)>();
        foreach (var pod in pods.OrderBy(p => (string?)p["metadata"]?["name"], StringComparer.Ordinal))
        {
            var component = (string?)pod["metadata"]?["labels"]?[Labels.Component] ?? "";
            foreach (var container in (pod["spec"]?["containers"] as JsonArray ?? []).OfType<JsonObject>())
            {
                streams.Add((component, (string?)pod["metadata"]?["name"] ?? "", (string?)container["name"] ?? ""));
            }
        }

        if (!options.Follow)
        {
            foreach (var (component, pod, container) in streams)
            {
                await foreach (var line in PodLogs.ReadAsync(api, connection.Namespace, component, pod, container, options, cancellationToken))
                {
                    yield return line;
                }
            }

            yield break;
        }

        // Following: every container at once, lines as they come.
        var channel = Channel.CreateUnbounded<LogLine>();
        var readers = streams.Select(async s =>
        {
            await foreach (var line in PodLogs.ReadAsync(api, connection.Namespace, s.Component, s.Pod, s.Container, options, cancellationToken))
            {
                await channel.Writer.WriteAsync(line, cancellationToken);
            }
        }).ToList();
        _ = Task.WhenAll(readers).ContinueWith(t => channel.Writer.TryComplete(t.Exception?.GetBaseException()), TaskScheduler.Default);
        await foreach (var line in channel.Reader.ReadAllAsync(cancellationToken))
        {
            yield return line;
        }
    }

    /// <summary>Releases in the namespace, found by the managed-by label.</summary>
    public async Task<IReadOnlyList<ReleaseSummary>> ListAsync(CancellationToken cancellationToken)
    {
        var connection = Connection;
        var api = connection.Api;
        var found = await ReleaseObjects.FindAsync(api, connection.NewDiscovery(), connection.Namespace, $"{Labels.ManagedBy}={Labels.ManagedByValue},{Labels.Release}", cancellationToken);
        return found.GroupBy(o => o.Label(Labels.Release) ?? "", StringComparer.Ordinal)
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g =>
            {
                var states = g.Select(o => ReadinessJudge.Judge(o.Kind, o.Body)?.State).OfType<ReadyState>().ToList();
                var state = states.Contains(ReadyState.Failed) ? "failed" : states.All(s => s == ReadyState.Ready) ? "deployed" : "pending";
                var revision = g.Max(o => int.TryParse(o.Label(Labels.Revision), NumberStyles.Integer, CultureInfo.InvariantCulture, out var r) ? r : 0);
                return new ReleaseSummary(g.Key, Name, g.First().Label(Labels.AppId) ?? "", connection.Target, g.Count(), state, revision);
            })
            .ToList();
    }

    /// <summary>`kubectl scale` of the component's Deployments/RCs/RSs/StatefulSets through their scale subresource.</summary>
    public Task ScaleAsync(string release, string component, int replicas, CancellationToken cancellationToken) =>
        ScaleOfAsync(release, component, replicas, null, cancellationToken);

    /// <summary>The same, looking only at the scalable kinds the release's record names.</summary>
    public Task ScaleAsync(string release, string component, int replicas, IReadOnlySet<string> kinds, CancellationToken cancellationToken) =>
        ScaleOfAsync(release, component, replicas, kinds, cancellationToken);

    private async Task ScaleOfAsync(string release, string component, int replicas, IReadOnlySet<string>? kinds, CancellationToken cancellationToken)
    {
        if (replicas < 0)
        {
            throw new NuleculeException($"replicas must be 0 or more, not {replicas}");
        }

        var connection = Connection;
        var api = connection.Api;
        var discovery = connection.NewDiscovery();
        var selector = Selectors.Release(release);
        bool OfComponent(LiveObject o) => o.Component == component || o.Label(Labels.Component) == LabelValue.From(component);
        var scalable = (await ReleaseObjects.FindAsync(api, discovery, connection.Namespace, selector, cancellationToken, kinds: Only(ScalableKinds, kinds)))
            .Where(o => OfComponent(o) && o.Resource.HasScale).ToList();
        if (scalable.Count == 0)
        {
            // Nothing to scale: every kind of the release says why.
            var found = await ReleaseObjects.FindAsync(api, discovery, connection.Namespace, selector, cancellationToken, kinds: kinds);
            if (found.Count == 0)
            {
                throw new NuleculeException($"release {release} has no objects in namespace {connection.Namespace}", hint: "check the release name and --namespace");
            }

            var components = string.Join(", ", found.Select(o => o.Component).Distinct(StringComparer.Ordinal));
            throw new NuleculeException(
                !found.Any(OfComponent)
                    ? $"release {release} has no component '{component}' (components: {components})"
                    : $"component {component} of release {release} has no scalable workload ({string.Join(", ", ScalableKinds)})");
        }

        var patch = new JsonObject { ["spec"] = new JsonObject { ["replicas"] = replicas } };
        foreach (var item in scalable)
        {
            try
            {
                await api.SendAsync(HttpMethod.Patch, item.Path + "/scale", patch.DeepClone(), "application/merge-patch+json", cancellationToken);
            }
            catch (KubeApiException e)
            {
                throw new OperationFailedException($"cannot scale {item.Display}: {e.Message}", e);
            }
        }
    }

    /// <summary>The kinds a verb needs, of those the release's record names (all of them when it names none).</summary>
    private static IReadOnlySet<string> Only(IReadOnlySet<string> needed, IReadOnlySet<string>? recorded) =>
        recorded is null ? needed : needed.Where(recorded.Contains).ToHashSet(StringComparer.Ordinal);

    /// <summary>`kubectl get pods -l ...` of the release, or of every release in the namespace.</summary>
    public Task<IReadOnlyList<ProcessRow>> PsAsync(string? release, CancellationToken cancellationToken) => PsOfAsync(release, null, cancellationToken);

    /// <summary>The same, looking only at the workload kinds the release's record names (and pods).</summary>
    public Task<IReadOnlyList<ProcessRow>> PsAsync(string release, IReadOnlySet<string> kinds, CancellationToken cancellationToken) => PsOfAsync(release, kinds, cancellationToken);

    private async Task<IReadOnlyList<ProcessRow>> PsOfAsync(string? release, IReadOnlySet<string>? kinds, CancellationToken cancellationToken)
    {
        var connection = Connection;
        var api = connection.Api;
        var owned = release is null ? $"{Labels.ManagedBy}={Labels.ManagedByValue},{Labels.Release}" : Selectors.Release(release);
        // The pods, and the workloads that made them (their component's full name, which a label cannot hold), side by side.
        var finding = ReleaseObjects.FindAsync(api, connection.NewDiscovery(), connection.Namespace, owned, cancellationToken, kinds: Only(ReadinessJudge.WaitedKinds, kinds));
        var listingPods = ReleaseObjects.PodsAsync(api, connection.Namespace, release is null ? Labels.Release : Selectors.PodsOf(release, null), cancellationToken);
        await Task.WhenAll(finding, listingPods);
        var (found, pods) = (await finding, await listingPods);
        var scopes = found.GroupBy(o => o.Label(Labels.Component) ?? "", StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First().Component, StringComparer.Ordinal);
        return pods.Select(p => PodRows.From(p, scopes)).OrderBy(r => r.Release, StringComparer.Ordinal).ThenBy(r => r.Component, StringComparer.Ordinal).ThenBy(r => r.Name, StringComparer.Ordinal).ToList();
    }

    /// <summary>`kubectl exec` in the chosen pod of the component: `--pod`, else the `--index`-th, else the first ready one.</summary>
    public async Task<int> ExecAsync(string release, ExecRequest request, CancellationToken cancellationToken)
    {
        var connection = Connection;
        var pods = (await ReleaseObjects.PodsAsync(connection.Api, connection.Namespace, Selectors.PodsOf(release, request.Component), cancellationToken))
            .OrderBy(p => (string?)p["metadata"]?["name"], StringComparer.Ordinal).ToList();
        var names = string.Join(", ", pods.Select(p => (string?)p["metadata"]?["name"]));
        JsonObject pod;
        if (request.Pod is { } wanted)
        {
            pod = pods.FirstOrDefault(p => (string?)p["metadata"]?["name"] == wanted)
                ?? throw new NuleculeException($"component {request.Component} of release {release} has no pod '{wanted}'", null, pods.Count == 0 ? null : $"its pods: {names}");
        }
        else if (request.Index is { } index)
        {
            pod = index <= pods.Count
                ? pods[index - 1]
                : throw new NuleculeException($"--index {index}: component {request.Component} of release {release} has {pods.Count} pod(s)", null, pods.Count == 0 ? null : $"its pods: {names}");
        }
        else
        {
            pod = pods.FirstOrDefault(PodRows.IsReady)
                ?? throw new OperationFailedException($"component {request.Component} of release {release} has no ready pod"
                    + (pods.Count == 0 ? "" : $" ({string.Join(", ", pods.Select(p => $"{(string?)p["metadata"]?["name"]}: {PodRows.State(p)}"))}); --pod or --index picks one anyway"));
        }

        var podName = (string?)pod["metadata"]?["name"] ?? "";
        var containers = (pod["spec"]?["containers"] as JsonArray ?? []).OfType<JsonObject>().Select(c => (string?)c["name"] ?? "").ToList();
        // As kubectl: the container named, else the pod's default-container annotation, else the first.
        var container = request.Container
            ?? (string?)pod["metadata"]?["annotations"]?["kubectl.kubernetes.io/default-container"]
            ?? containers.FirstOrDefault() ?? "";
        if (!containers.Contains(container))
        {
            throw new NuleculeException($"pod {podName} has no container '{container}'", null, $"its containers: {string.Join(", ", containers)}");
        }

        return await PodExec.RunAsync(connection.Client, connection.Namespace, podName, container, request, cancellationToken);
    }

    /// <summary>
    /// `kubectl rollout restart`: the pod template's `kubectl.kubernetes.io/restartedAt` annotation
    /// set to now, so the controller replaces the pods as in a rolling update. Set by a field
    /// manager of its own, so the next `run` (server-side apply) keeps it instead of rolling again.
    /// Other workloads are reported, untouched: a bare Pod is not deleted to be recreated.
    /// </summary>
    public Task<IReadOnlyList<RestartOutcome>> RestartAsync(string release, IReadOnlyCollection<string>? components, IReporter reporter, CancellationToken cancellationToken) =>
        RestartOfAsync(release, components, null, reporter, cancellationToken);

    /// <summary>The same, looking only at the workload kinds the release's record names.</summary>
    public Task<IReadOnlyList<RestartOutcome>> RestartAsync(string release, IReadOnlyCollection<string>? components, IReadOnlySet<string> kinds, IReporter reporter, CancellationToken cancellationToken) =>
        RestartOfAsync(release, components, kinds, reporter, cancellationToken);

    private async Task<IReadOnlyList<RestartOutcome>> RestartOfAsync(string release, IReadOnlyCollection<string>? components, IReadOnlySet<string>? kinds, IReporter reporter, CancellationToken cancellationToken)
    {
        var connection = Connection;
        var api = connection.Api;
        var found = (await ReleaseObjects.FindAsync(api, connection.NewDiscovery(), connection.Namespace, Selectors.Release(release), cancellationToken, kinds: Only(ReadinessJudge.WaitedKinds, kinds)))
            .Where(o => components is null || components.Contains(o.Component))
            .Where(o => ReadinessJudge.WaitedKinds.Contains(o.Kind))
            .ToList();
        var now = DateTimeOffset.UtcNow.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
        var outcomes = new List<RestartOutcome>();
        foreach (var item in found)
        {
            if (!RolloutRestartKinds.Contains(item.Kind))
            {
                outcomes.Add(new RestartOutcome(item.Component, item.Kind, item.Name, false, item.Kind switch
                {
                    "Pod" => "a bare Pod has no controller to recreate it, and it is not deleted behind your back: `nulecule stop` and `nulecule run` recreate it",
                    "Job" => "a Job runs to completion; it is not restarted",
                    "DeploymentConfig" => $"a DeploymentConfig is rolled by OpenShift's own `oc rollout latest dc/{item.Name}`",
                    _ => $"a {item.Kind} does not replace its pods when its template changes (kubectl rollout restart refuses it too), and deleting them would stop them all at once",
                }));
                continue;
            }

            reporter.Info($"restarting {item.Display}");
            var patch = new JsonObject
            {
                ["spec"] = new JsonObject { ["template"] = new JsonObject { ["metadata"] = new JsonObject { ["annotations"] = new JsonObject { [RestartedAtAnnotation] = now } } } },
            };
            try
            {
                await api.SendAsync(HttpMethod.Patch, item.Path + "?fieldManager=nulecule-restart", patch, "application/merge-patch+json", cancellationToken);
            }
            catch (KubeApiException e)
            {
                throw new OperationFailedException($"cannot restart {item.Display}: {e.Message}", e);
            }

            outcomes.Add(new RestartOutcome(item.Component, item.Kind, item.Name, true));
        }

        return outcomes;
    }

    /// <summary>The annotation `kubectl rollout restart` sets on a pod template.</summary>
    internal const string RestartedAtAnnotation = "kubectl.kubernetes.io/restartedAt";

    /// <summary>Kinds whose controller replaces the pods when the template changes (what `kubectl rollout restart` restarts).</summary>
    internal static readonly IReadOnlySet<string> RolloutRestartKinds = new HashSet<string>(StringComparer.Ordinal) { "Deployment", "StatefulSet", "DaemonSet" };

    /// <summary>Turns one document into the objects to apply (OpenShift processes Templates here).</summary>
    internal virtual IEnumerable<JsonObject> Expand(string component, RenderedArtifact artifact, JsonObject document, ResolvedValues values)
    {
        if ((string?)document["kind"] == "Template" && ((string?)document["apiVersion"] ?? "").StartsWith("template.openshift.io", StringComparison.Ordinal))
        {
            throw new NuleculeException($"component {component}: {artifact.Source}: a Template is an OpenShift kind", hint: "use the openshift provider, which processes Templates");
        }

        yield return document;
    }

    private static DeployedObject ToDeployed(LiveObject o, ObjectAction action) =>
        new(o.Component, o.Kind, o.Name, o.Namespace, o.Annotation(Labels.ConfigHash) ?? "", action);

    private static ObjectStatus StatusOf(string kind, JsonObject obj)
    {
        var name = (string?)obj["metadata"]?["name"] ?? "";
        if (kind == "Service")
        {
            var spec = obj["spec"];
            var ports = string.Join(", ", (spec?["ports"] as JsonArray ?? []).OfType<JsonObject>().Select(p =>
                $"{(int?)p["port"]}{((int?)p["nodePort"] is { } node ? $":{node}" : "")}/{(string?)p["protocol"] ?? "TCP"}"));
            return new ObjectStatus(kind, name, $"{(string?)spec?["type"] ?? "ClusterIP"} {(string?)spec?["clusterIP"]}".Trim(), true, Ports: ports, Revision: RevisionOf(obj));
        }

        var readiness = ReadinessJudge.Judge(kind, obj);
        return readiness is null
            ? new ObjectStatus(kind, name, "present", true, Revision: RevisionOf(obj))
            : new ObjectStatus(kind, name, readiness.State.ToString().ToLowerInvariant(), readiness.State == ReadyState.Ready, Message: readiness.Summary, Revision: RevisionOf(obj));
    }

    /// <summary>The revision that last applied the object; pods carry none (a new revision must not restart them).</summary>
    private static int? RevisionOf(JsonObject obj) =>
        int.TryParse((string?)obj["metadata"]?["labels"]?[Labels.Revision], NumberStyles.None, CultureInfo.InvariantCulture, out var revision) ? revision : null;

    private static void DeclareDefinitions(IReadOnlyList<PlannedObject> planned, Discovery discovery)
    {
        // So a dry run can name the kinds a CRD of the same run will serve (not guessed: the CRD says).
        foreach (var crd in planned.Where(p => p.Kind == "CustomResourceDefinition"))
        {
            var spec = crd.Body["spec"];
            var group = (string?)spec?["group"];
            var kind = (string?)spec?["names"]?["kind"];
            var plural = (string?)spec?["names"]?["plural"];
            if (group is null || kind is null || plural is null)
            {
                continue;
            }

            var scale = false;
            foreach (var version in (spec?["versions"] as JsonArray ?? []).OfType<JsonObject>())
            {
                scale = version["subresources"]?["scale"] is not null;
                discovery.Declare(new ApiResource(group, (string?)version["name"] ?? "v1", kind, plural, (string?)spec?["scope"] != "Cluster", ["get", "list", "patch", "delete"], scale));
            }
        }
    }

    /// <summary>
    /// After a failed or interrupted run: a first install's objects are deleted (unless
    /// --keep-failed). Returns the error to report and, in a few words, what is left on the engine.
    /// Runs on CancellationToken.None: clean-up must finish even when the run was interrupted.
    /// </summary>
    private static async Task<(OperationFailedException Error, string Left)> CleanUpAfterFailureAsync(
        OperationFailedException failure, List<AppliedObject> applied, RunOptions options, SecretMasker masker, KubeApi api)
    {
        if (applied.Count == 0)
        {
            return (failure, "nothing of it was left on the engine");
        }

        var firstRun = applied.All(a => a.Action == ObjectAction.Created);
        if (!firstRun)
        {
            return (failure, $"{applied.Count} object(s) were applied");
        }

        if (options.KeepFailed)
        {
            return (new OperationFailedException(failure.Message + $"\n  (kept the {applied.Count} objects this run created: --keep-failed)", failure), $"{applied.Count} object(s) were applied");
        }

        options.Reporter.Warn($"deleting the {applied.Count} object(s) this failed first run created");
        try
        {
            var objects = applied.Select(a => a.Live).Reverse().ToList();
            await new Remover(api).DeleteAsync(objects, DateTimeOffset.UtcNow + TimeSpan.FromMinutes(2), options.Reporter, CancellationToken.None);
            return (new OperationFailedException(failure.Message + $"\n  (removed the {applied.Count} objects this first run created; --keep-failed keeps them for inspection)", failure),
                "nothing of it was left on the engine");
        }
        catch (OperationFailedException cleanup)
        {
            var error = new OperationFailedException(masker.Mask(failure.Message + $"\n  (clean-up failed too: {cleanup.Message})"), failure);
            return (error, masker.Mask($"clean-up failed: {cleanup.Message}"));
        }
    }
}
