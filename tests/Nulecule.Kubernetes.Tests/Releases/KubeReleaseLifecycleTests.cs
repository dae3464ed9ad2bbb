using System.Text;
using System.Text.Json.Nodes;
using Nulecule.Actions;
using Nulecule.Kubernetes.Releases;
using Nulecule.Kubernetes.Tests.Support;
using Nulecule.Providers;
using Nulecule.Releases;

namespace Nulecule.Kubernetes.Tests.Releases;

/// <summary>
/// install, upgrade, rollback, diff, prune, --atomic, locking, recovery and the secret canary of
/// one release each, through the release actions on the real cluster with the Secrets store.
/// </summary>
public sealed class KubeReleaseLifecycleTests : IAsyncLifetime
{
    private KubeReleaseHarness? _harness;

    private KubeReleaseHarness H => _harness!;

    public async Task InitializeAsync()
    {
        if (Cluster.SkipReason is null)
        {
            _harness = await KubeReleaseHarness.CreateAsync();
        }
    }

    public async Task DisposeAsync()
    {
        if (_harness is not null)
        {
            await _harness.DisposeAsync();
        }
    }

    [ClusterFact]
    public async Task Should_install_upgrade_only_the_changed_component_and_roll_back()
    {
        // When: install
        var installed = await H.RunAsync();

        // Then
        installed.Upgraded.ShouldBeFalse();
        installed.Release!.Revision.ShouldBe(1);
        installed.Result.Objects.ShouldAllBe(o => o.Action == ObjectAction.Created);
        (await H.EnvAsync("web", "GREETING")).ShouldBe("hello");
        await H.SettleAsync();
        var worker1 = (await H.DeploymentAsync("worker"))!;
        var workerPods = await H.PodsAsync("worker");
        var webPods = await H.PodsAsync("web");

        // When: upgrade the web greeting only
        var upgraded = await H.RunAsync("web.greeting=bye");
        await H.SettleAsync();

        // Then: web rolled out; worker not rolled out (same rollout revision, same pod)
        upgraded.Upgraded.ShouldBeTrue();
        upgraded.Release!.Revision.ShouldBe(2);
        upgraded.Result.Objects.Single(o => o.Kind == "Deployment" && o.Name == "web").Action.ShouldBe(ObjectAction.Updated);
        (await H.EnvAsync("web", "GREETING")).ShouldBe("bye");
        (await H.PodsAsync("web")).ShouldNotBe(webPods);
        var worker2 = (await H.DeploymentAsync("worker"))!;
        ((string?)worker2["metadata"]!["annotations"]!["deployment.kubernetes.io/revision"]).ShouldBe((string?)worker1["metadata"]!["annotations"]!["deployment.kubernetes.io/revision"]);
        (await H.PodsAsync("worker")).ShouldBe(workerPods);
        (await H.StatesAsync()).ShouldBe([(1, ReleaseState.Superseded), (2, ReleaseState.Deployed)]);

        // Then: status reports the revision that last applied each object (pods carry none)
        var status = await H.Provider.StatusAsync(H.Release, CancellationToken.None);
        var objects = status.Components.SelectMany(c => c.Objects).ToList();
        objects.Single(o => o.Kind == "Deployment" && o.Name == "web").Revision.ShouldBe(2);
        objects.Where(o => o.Kind == "Pod").ShouldAllBe(o => o.Revision == null);

        // When: rollback
        var back = await H.Rollback().RunAsync();

        // Then
        back.Revision.ShouldBe(3);
        back.Description.ShouldBe("Rollback to 1 complete");
        (await H.EnvAsync("web", "GREETING")).ShouldBe("hello");
        (await H.PodsAsync("worker")).ShouldBe(workerPods);
        (await H.StatesAsync()).ShouldBe([(1, ReleaseState.Superseded), (2, ReleaseState.Superseded), (3, ReleaseState.Deployed)]);
    }

    [ClusterFact]
    public async Task Should_report_an_untouched_object_as_unchanged_and_keep_its_resource_version()
    {
        // Given
        await H.RunAsync();
        var before = (string?)(await H.DeploymentAsync("worker"))!["metadata"]!["resourceVersion"];

        // When: only web changes
        var upgraded = await H.RunAsync("web.greeting=bye");

        // Then
        upgraded.Result.Objects.Single(o => o.Kind == "Deployment" && o.Name == "worker").Action.ShouldBe(ObjectAction.Unchanged);
        ((string?)(await H.DeploymentAsync("worker"))!["metadata"]!["resourceVersion"]).ShouldBe(before);
    }

    [ClusterFact]
    public async Task Should_diff_against_the_deployed_revision_with_secrets_masked()
    {
        await H.RunAsync();
        var diff = new DiffAction(H.Store, H.Key) { Release = H.Release };

        var same = await diff.RunAsync(await H.RenderAsync([]));
        same.HasChanges.ShouldBeFalse();
        same.AgainstRevision.ShouldBe(1);

        var changed = await diff.RunAsync(await H.RenderAsync(["worker.mode=two"]));
        changed.HasChanges.ShouldBeTrue();
        changed.Changes.ShouldBe([new ObjectChange("worker", "Deployment", "worker", ObjectChangeKind.Changed)]);
        changed.Lines.ShouldContain(l => l.StartsWith('+') && l.Contains("two", StringComparison.Ordinal));

        var otherSecret = "other-secret-" + Guid.NewGuid().ToString("N")[..8];
        var secret = await diff.RunAsync(await H.RenderAsync([$"token={otherSecret}"]));
        secret.HasChanges.ShouldBeTrue();
        secret.Changes.ShouldBe([new ObjectChange("web", "Deployment", "web", ObjectChangeKind.Changed)]);
        secret.Lines.ShouldContain(l => l.Contains(SecretMasker.Stars, StringComparison.Ordinal));
        secret.Lines.ShouldAllBe(l => !l.Contains(otherSecret, StringComparison.Ordinal) && !l.Contains(H.Canary, StringComparison.Ordinal));
    }

    [ClusterFact]
    public async Task Should_prune_the_deployment_of_a_component_the_upgrade_drops()
    {
        await H.RunAsync();
        (await H.DeploymentAsync("worker")).ShouldNotBeNull();
        var withoutWorker = KubeReleaseApp.Write(Path.Combine(H.Root, "app-v2"), withWorker: false);

        var upgraded = await H.Run().RunAsync(await H.RenderAsync([], withoutWorker));

        upgraded.Result.Objects.ShouldNotContain(o => o.Component == "worker" && o.Action != ObjectAction.Deleted);
        await WaitUntilAsync(async () => await H.DeploymentAsync("worker") is null);
        (await H.DeploymentAsync("web")).ShouldNotBeNull();

        await H.Rollback().RunAsync();
        (await H.DeploymentAsync("worker")).ShouldNotBeNull();
    }

    [ClusterFact]
    public async Task Should_roll_a_failed_atomic_upgrade_back_to_the_running_revision()
    {
        await H.RunAsync();

        var error = await H.FailsAsync<OperationFailedException>(async () =>
            await H.Run(atomic: true).RunAsync(await H.RenderAsync([$"web.image={KubeReleaseApp.MissingImage}"])));

        error.Message.ShouldContain("rolled back to revision 1", Case.Sensitive, error.Message);
        (await H.StatesAsync()).ShouldBe([(1, ReleaseState.Superseded), (2, ReleaseState.Failed), (3, ReleaseState.Deployed)]);
        var web = (await H.DeploymentAsync("web"))!;
        ((string?)web["spec"]!["template"]!["spec"]!["containers"]![0]!["image"]).ShouldBe(Cluster.Image);
        await H.SettleAsync();
        var status = await H.Provider.StatusAsync(H.Release, CancellationToken.None);
        status.Components.SelectMany(c => c.Objects).ShouldAllBe(o => o.Ready);
    }

    [ClusterFact]
    public async Task Should_refuse_a_run_while_another_holds_the_lock()
    {
        await H.RunAsync();
        using var other = KubernetesSecretReleaseStore.Open(Cluster.Settings(H.Ns.Name));
        var held = ReleaseLock.ForCurrentProcess(H.Release, "rollback", DateTimeOffset.UtcNow);
        (await other.TryLockAsync(held)).ShouldBeNull();

        var error = await H.FailsAsync<OperationFailedException>(() => H.RunAsync("web.greeting=bye"));

        error.Message.ShouldContain($"release '{H.Release}' is locked by pid {Environment.ProcessId} on {Environment.MachineName}");
        error.Message.ShouldContain("(rollback)");
        error.Message.ShouldContain("--force-unlock");
        (await H.StatesAsync()).ShouldBe([(1, ReleaseState.Deployed)]);
        (await H.EnvAsync("web", "GREETING")).ShouldBe("hello");

        // --force-unlock takes it anyway, saying whose lock it removed
        var forced = await new InstallOrUpgradeAction(H.Config) { Release = H.Release, Wait = true, Timeout = KubeReleaseHarness.Timeout, ForceUnlock = true }
            .RunAsync(await H.RenderAsync(["web.greeting=bye"]));
        forced.Release!.Revision.ShouldBe(2);
        H.Reporter.Lines.ShouldContain(l => l.StartsWith("warn: removed the lock", StringComparison.Ordinal) && l.Contains("(rollback)", StringComparison.Ordinal));
        (await H.EnvAsync("web", "GREETING")).ShouldBe("bye");
        (await H.Store.GetLockAsync(H.Release)).ShouldBeNull();
    }

    [ClusterFact]
    public async Task Should_finish_an_install_cancelled_after_its_first_component()
    {
        using var cancel = new CancellationTokenSource();
        H.Reporter.OnLine = line =>
        {
            if (line.Contains($"Deployment {H.Ns.Name}/web: created", StringComparison.Ordinal))
            {
                cancel.Cancel();
            }
        };
        var app = await H.RenderAsync([]);
        var error = await H.FailsAsync<Exception>(() => new InstallOrUpgradeAction(H.Config) { Release = H.Release, Timeout = KubeReleaseHarness.Timeout }.RunAsync(app, cancel.Token));
        H.Reporter.OnLine = null;
        error.ShouldBeAssignableTo<OperationCanceledException>();
        (await H.DeploymentAsync("worker")).ShouldBeNull();
        (await H.StatesAsync()).ShouldBe([(1, ReleaseState.Failed)]);
        (await H.Store.GetLockAsync(H.Release)).ShouldBeNull();

        var finished = await H.RunAsync();

        finished.Release!.Revision.ShouldBe(2);
        (await H.StatesAsync()).ShouldBe([(1, ReleaseState.Failed), (2, ReleaseState.Deployed)]);
        (await H.DeploymentAsync("worker")).ShouldNotBeNull();
        (await H.Provider.StatusAsync(H.Release, CancellationToken.None)).Components.Select(c => c.Component).ShouldBe(["web", "worker"], ignoreOrder: true);
    }

    [ClusterFact]
    public async Task Should_finish_a_pending_revision_that_reached_the_engine_under_a_dead_lock()
    {
        await H.RunAsync();
        var app2 = await H.RenderAsync(["web.greeting=bye"]);
        await H.WritePendingAsync(app2, 2);
        await H.Provider.RunAsync(app2, new RunOptions { Release = H.Release, Revision = 2, Wait = true, Timeout = KubeReleaseHarness.Timeout }, CancellationToken.None);
        await H.SettleAsync();
        var stale = await H.AbandonLockAsync();

        var result = await H.RunAsync("web.greeting=bye");

        H.Reporter.Lines.ShouldContain(l => l.StartsWith("warn: ", StringComparison.Ordinal) && l.Contains($"pid {stale.Pid}") && l.Contains("no longer running"));
        H.Reporter.Lines.ShouldContain(l => l.Contains("revision 2 reached the engine and everything is running: finishing it", StringComparison.Ordinal));
        (await H.Store.GetAsync(H.Release, 2))!.Description.ShouldContain("finished after an interruption");
        // Revision 2 runs exactly these values already: nothing new is recorded.
        result.UpToDate.ShouldBeTrue();
        result.Release!.Revision.ShouldBe(2);
        (await H.StatesAsync()).ShouldBe([(1, ReleaseState.Superseded), (2, ReleaseState.Deployed)]);
        (await H.EnvAsync("web", "GREETING")).ShouldBe("bye");
        (await H.Store.GetLockAsync(H.Release)).ShouldBeNull();
    }

    [ClusterFact]
    public async Task Should_roll_back_a_pending_revision_that_never_reached_the_engine()
    {
        await H.RunAsync();
        await H.WritePendingAsync(await H.RenderAsync(["web.greeting=bye"]), 2);
        await H.AbandonLockAsync();

        var back = await H.Rollback(1).RunAsync();

        var history = await H.Store.HistoryAsync(H.Release);
        history[1].State.ShouldBe(ReleaseState.Failed);
        history[1].Description.ShouldContain("interrupted, rolled back to 1");
        history[^1].Revision.ShouldBe(back.Revision);
        history[^1].State.ShouldBe(ReleaseState.Deployed);
        (await H.EnvAsync("web", "GREETING")).ShouldBe("hello");
    }

    [ClusterFact]
    public async Task Should_keep_the_hidden_value_out_of_every_secret_annotation_and_line()
    {
        // Given / When: install, upgrade, diff, rollback with a hidden token
        await H.RunAsync();
        await H.RunAsync("worker.mode=two");
        await new DiffAction(H.Store, H.Key) { Release = H.Release }.RunAsync(await H.RenderAsync(["web.greeting=x"]));
        await H.Rollback().RunAsync();

        // Then: the Deployment got it (the app needs it) ...
        (await H.EnvAsync("web", "TOKEN")).ShouldBe(H.Canary);

        // ... but no Secret in the namespace holds it in any data value
        var secrets = await H.Ns.ListAsync($"/api/v1/namespaces/{H.Ns.Name}/secrets");
        secrets.Count(s => (string?)s["type"] == KubernetesSecretReleaseStore.SecretType).ShouldBe(3);
        foreach (var secret in secrets)
        {
            foreach (var (key, value) in secret["data"] as JsonObject ?? [])
            {
                var decoded = Encoding.UTF8.GetString(Convert.FromBase64String((string)value!));
                decoded.ShouldNotContain(H.Canary, Case.Sensitive, $"Secret {secret["metadata"]!["name"]} data {key}");
            }

            secret["metadata"]!.ToJsonString().ShouldNotContain(H.Canary);
        }

        // ... nor any annotation or label of the release's objects (no last-applied copy), nor the lock
        var deployments = await H.Ns.ListAsync($"/apis/apps/v1/namespaces/{H.Ns.Name}/deployments");
        var services = await H.Ns.ListAsync($"/api/v1/namespaces/{H.Ns.Name}/services");
        var leases = await H.Ns.ListAsync($"/apis/coordination.k8s.io/v1/namespaces/{H.Ns.Name}/leases");
        deployments.Count.ShouldBe(2);
        foreach (var item in deployments.Concat(services).Concat(leases))
        {
            (item["metadata"]?["annotations"]?.ToJsonString() ?? "").ShouldNotContain(H.Canary);
            (item["metadata"]?["labels"]?.ToJsonString() ?? "").ShouldNotContain(H.Canary);
        }

        // ... nor any reported line or the readable part of the history
        H.Reporter.Lines.ShouldNotBeEmpty();
        H.Reporter.Lines.ShouldAllBe(l => !l.Contains(H.Canary, StringComparison.Ordinal));
        (await H.Store.HistoryAsync(H.Release)).ShouldAllBe(r => r.Values.Single(v => v.Name == "token").Value == null);
    }

    private static async Task WaitUntilAsync(Func<Task<bool>> condition)
    {
        for (var i = 0; i < 120; i++)
        {
            if (await condition())
            {
                return;
            }

            await Task.Delay(500);
        }

        (await condition()).ShouldBeTrue("timed out waiting");
    }
}
