using Nulecule.Actions;
using Nulecule.Providers;
using Nulecule.Releases;

namespace Nulecule.Docker.Tests.Releases;

/// <summary>
/// install, upgrade, rollback, diff, prune, --atomic, locking and recovery of one release each,
/// through the release actions on the real Docker engine with a SQLite store.
/// </summary>
public sealed class DockerReleaseLifecycleTests : IDisposable
{
    private readonly DockerReleaseHarness _h = new();

    public void Dispose() => _h.Dispose();

    [DockerFact]
    public async Task Should_install_upgrade_only_the_changed_component_and_roll_back()
    {
        // When: install
        var installed = await _h.RunAsync();

        // Then
        installed.Upgraded.ShouldBeFalse();
        installed.Release!.Revision.ShouldBe(1);
        installed.Result.Objects.Where(o => o.Kind == "container").ShouldAllBe(o => o.Action == ObjectAction.Created);
        (await _h.EnvAsync("web", "GREETING")).ShouldBe("hello");
        var web1 = (await _h.InspectAsync("web"))!.ID;
        var worker1 = (await _h.InspectAsync("worker"))!.ID;

        // When: upgrade the web greeting only
        var upgraded = await _h.RunAsync("web.greeting=bye");

        // Then: web recreated, worker untouched
        upgraded.Upgraded.ShouldBeTrue();
        upgraded.Release!.Revision.ShouldBe(2);
        upgraded.Result.Objects.Single(o => o.Name == _h.Container("web")).Action.ShouldBe(ObjectAction.Updated);
        upgraded.Result.Objects.Single(o => o.Name == _h.Container("worker")).Action.ShouldBe(ObjectAction.Unchanged);
        (await _h.EnvAsync("web", "GREETING")).ShouldBe("bye");
        (await _h.InspectAsync("web"))!.ID.ShouldNotBe(web1);
        (await _h.InspectAsync("worker"))!.ID.ShouldBe(worker1);
        (await _h.StatesAsync()).ShouldBe([(1, ReleaseState.Superseded), (2, ReleaseState.Deployed)]);

        // Then: status reports which revision last wrote each object
        var status = await _h.Provider.StatusAsync(_h.Release, CancellationToken.None);
        status.Components.Single(c => c.Component == "web").Objects.Single().Revision.ShouldBe(2);
        status.Components.Single(c => c.Component == "worker").Objects.Single().Revision.ShouldBe(1);

        // When: rollback (no app directory needed)
        var back = await new RollbackAction(_h.Config) { Release = _h.Release, Wait = true, Timeout = TimeSpan.FromSeconds(60) }.RunAsync();

        // Then: the previous environment is back, as a new revision
        back.Revision.ShouldBe(3);
        back.Description.ShouldBe("Rollback to 1 complete");
        (await _h.EnvAsync("web", "GREETING")).ShouldBe("hello");
        (await _h.EnvAsync("web", "TOKEN")).ShouldBe(_h.Canary);
        (await _h.InspectAsync("worker"))!.ID.ShouldBe(worker1);
        (await _h.InspectAsync("web"))!.State!.Running.ShouldBe(true);
        (await _h.StatesAsync()).ShouldBe([(1, ReleaseState.Superseded), (2, ReleaseState.Superseded), (3, ReleaseState.Deployed)]);
        _h.ShouldNotLeakTheCanary();
    }

    [DockerFact]
    public async Task Should_diff_against_the_deployed_revision_with_secrets_masked()
    {
        // Given
        await _h.RunAsync();
        var diff = new DiffAction(_h.Store, _h.Key) { Release = _h.Release };

        // When / Then: same values, no change
        var same = await diff.RunAsync(await _h.RenderAsync([]));
        same.HasChanges.ShouldBeFalse();
        same.AgainstRevision.ShouldBe(1);

        // When / Then: a changed param changes exactly its component's container
        var changed = await diff.RunAsync(await _h.RenderAsync(["worker.mode=two"]));
        changed.HasChanges.ShouldBeTrue();
        changed.Changes.ShouldBe([new ObjectChange("worker", "container", "worker", ObjectChangeKind.Changed)]);
        changed.Lines.ShouldContain(l => l.StartsWith('+') && l.Contains("MODE=two", StringComparison.Ordinal));

        // When / Then: a changed secret shows as a change, masked on both sides
        var otherSecret = "other-secret-" + Guid.NewGuid().ToString("N")[..8];
        var secret = await diff.RunAsync(await _h.RenderAsync([$"token={otherSecret}"]));
        secret.HasChanges.ShouldBeTrue();
        secret.Changes.Select(c => c.Component).ShouldBe(["web"]);
        secret.Lines.ShouldContain(l => l.Contains("TOKEN=" + SecretMasker.Stars, StringComparison.Ordinal));
        secret.Lines.ShouldAllBe(l => !l.Contains(otherSecret, StringComparison.Ordinal) && !l.Contains(_h.Canary, StringComparison.Ordinal));
        _h.ShouldNotLeakTheCanary();
    }

    [DockerFact]
    public async Task Should_tell_the_truth_about_a_container_deleted_behind_its_back()
    {
        // Given: revision 1 runs, then somebody removes the worker container
        await _h.RunAsync();
        var worker = (await _h.InspectAsync("worker"))!;
        await _h.Client.Containers.RemoveContainerAsync(worker.ID, new() { Force = true });

        // When
        var health = await new StatusAction(_h.Provider, _h.Store) { Release = _h.Release }.RunAsync();
        var diff = await new DiffAction(_h.Store, _h.Key) { Release = _h.Release, Engine = _h.Provider }.RunAsync(await _h.RenderAsync([]));
        var dryRun = await new InstallOrUpgradeAction(_h.Config) { Release = _h.Release, DryRun = true }.RunAsync(await _h.RenderAsync([]));

        // Then: status lists it as missing and the release as degraded
        health.Running!.Revision.ShouldBe(1);
        health.Degraded.ShouldBeTrue();
        var row = health.Components.Single(c => c.Component == "worker").Objects.Single();
        (row.Name, row.State, row.Ready).ShouldBe((_h.Container("worker"), StatusAction.Missing, false));
        health.Components.Single(c => c.Component == "web").Objects.Single().Ready.ShouldBeTrue();

        // Then: diff reports the drift (the manifest alone has no change)
        diff.HasChanges.ShouldBeTrue();
        diff.Changes.ShouldBe([new ObjectChange("worker", "container", _h.Container("worker"), ObjectChangeKind.Drifted)]);

        // Then: the dry run plans the converge, not a fresh install
        dryRun.Result.PlannedOperations.ShouldContain($"unchanged {_h.Container("web")}");
        dryRun.Result.PlannedOperations.ShouldContain($"create {_h.Container("worker")} (it is not on the engine):");
        dryRun.Result.PlannedOperations.ShouldNotContain(l => l.StartsWith("POST /networks/create", StringComparison.Ordinal));
        (await _h.InspectAsync("worker")).ShouldBeNull();

        // When: a run converges it
        await _h.RunAsync();
        (await new StatusAction(_h.Provider, _h.Store) { Release = _h.Release }.RunAsync()).Degraded.ShouldBeFalse();
    }

    [DockerFact]
    public async Task Should_say_which_values_a_second_run_changes_and_record_nothing_when_none_does()
    {
        // Given
        await _h.RunAsync("web.greeting=bye");

        // When: the same run again, then one with the greeting left to its default
        var same = await _h.RunAsync("web.greeting=bye");
        var changed = await _h.RunAsync();

        // Then
        same.UpToDate.ShouldBeTrue();
        changed.UpToDate.ShouldBeFalse();
        changed.Release!.Revision.ShouldBe(2);
        _h.Reporter.Lines.ShouldContain(l => l.Contains("value web.greeting: 'bye' (revision 1) -> 'hello' (default)", StringComparison.Ordinal));
        (await _h.StatesAsync()).ShouldBe([(1, ReleaseState.Superseded), (2, ReleaseState.Deployed)]);
        _h.ShouldNotLeakTheCanary();
    }

    [DockerFact]
    public async Task Should_roll_back_to_the_env_file_and_shell_values_a_revision_ran_with_though_both_changed_since()
    {
        // Given: a container whose environment comes from an env file beside its artifact and from the shell (bare -e)
        var shell = new Dictionary<string, string> { ["FROM_SHELL"] = "shell-1" };
        using var h = new DockerReleaseHarness(WriteEnvApp, name => shell.GetValueOrDefault(name));
        var envFile = Path.Combine(h.AppDir, "artifacts", "docker", "env.list");
        File.WriteAllText(envFile, "FROM_FILE=file-1\n");
        (await h.RunAsync()).Release!.State.ShouldBe(ReleaseState.Deployed);

        // When: only the env file and the shell change, a second run sees the change
        File.WriteAllText(envFile, "FROM_FILE=file-2\n");
        shell["FROM_SHELL"] = "shell-2";
        var second = await h.RunAsync();
        second.UpToDate.ShouldBeFalse();
        second.Release!.Revision.ShouldBe(2);
        (await h.EnvAsync("web", "FROM_FILE")).ShouldBe("file-2");

        // When: the env file is gone and the shell forgot the variable, rollback to revision 1
        File.Delete(envFile);
        shell.Clear();
        var back = await new RollbackAction(h.Config) { Release = h.Release, Revision = 1, Wait = true, Timeout = TimeSpan.FromSeconds(60) }.RunAsync();

        // Then: revision 1's container runs again, with the values it was recorded with
        back.State.ShouldBe(ReleaseState.Deployed);
        (await h.EnvAsync("web", "FROM_FILE")).ShouldBe("file-1");
        (await h.EnvAsync("web", "FROM_SHELL")).ShouldBe("shell-1");
        h.ShouldNotLeakTheCanary();
    }

    private static string WriteEnvApp(string directory)
    {
        Directory.CreateDirectory(Path.Combine(directory, "artifacts", "docker"));
        File.WriteAllText(Path.Combine(directory, "Nulecule"), ReleaseTestSupport.ReleaseAppNulecule("docker", TestImages.Busybox, ["file://artifacts/docker/web"], null));
        File.WriteAllText(
            Path.Combine(directory, "artifacts", "docker", "web"),
            """docker run -d --name web --env-file env.list -e FROM_SHELL -e TOKEN=$token $image sh -c 'trap "exit 0" TERM; while sleep 1; do :; done'""" + "\n");
        return directory;
    }

    [DockerFact]
    public async Task Should_prune_the_container_of_a_component_the_upgrade_drops()
    {
        // Given
        await _h.RunAsync();
        (await _h.InspectAsync("worker")).ShouldNotBeNull();
        var withoutWorker = DockerReleaseApp.Write(Path.Combine(_h.Root, "app-v2"), withWorker: false);

        // When
        var upgraded = await new InstallOrUpgradeAction(_h.Config) { Release = _h.Release, Wait = true, Timeout = TimeSpan.FromSeconds(60) }
            .RunAsync(await _h.RenderAsync([], withoutWorker));

        // Then
        upgraded.Result.Objects.ShouldContain(o => o.Name == _h.Container("worker") && o.Action == ObjectAction.Deleted);
        (await _h.InspectAsync("worker")).ShouldBeNull();
        (await _h.InspectAsync("web"))!.State!.Running.ShouldBe(true);
        upgraded.Release!.Objects.ShouldNotContain(o => o.Component == "worker" && o.Action != ObjectAction.Deleted);

        // And a rollback brings it back
        await new RollbackAction(_h.Config) { Release = _h.Release, Wait = true, Timeout = TimeSpan.FromSeconds(60) }.RunAsync();
        (await _h.InspectAsync("worker"))!.State!.Running.ShouldBe(true);
    }

    [DockerFact]
    public async Task Should_roll_a_failed_atomic_upgrade_back_to_the_running_revision()
    {
        // Given
        await _h.RunAsync();

        // When: upgrade to an image that cannot be pulled
        var error = await _h.FailsAsync<OperationFailedException>(async () =>
            await new InstallOrUpgradeAction(_h.Config) { Release = _h.Release, Atomic = true, Wait = true, Timeout = TimeSpan.FromSeconds(60) }
                .RunAsync(await _h.RenderAsync([$"web.image={DockerReleaseApp.MissingImage}"])));

        // Then: told, recorded, and running the previous revision again
        error.Message.ShouldContain("rolled back to revision 1");
        (await _h.StatesAsync()).ShouldBe([(1, ReleaseState.Superseded), (2, ReleaseState.Failed), (3, ReleaseState.Deployed)]);
        (await _h.Store.GetAsync(_h.Release, 3))!.Description.ShouldBe("Rollback to 1 (--atomic) complete");
        var web = (await _h.InspectAsync("web"))!;
        web.State!.Running.ShouldBe(true);
        web.Config!.Image.ShouldBe(TestImages.Busybox);
        (await _h.InspectAsync("worker"))!.State!.Running.ShouldBe(true);
        _h.ShouldNotLeakTheCanary();
    }

    [DockerFact]
    public async Task Should_refuse_a_run_while_another_holds_the_lock()
    {
        // Given: another handle on the same database holds the lock for a live process (this one)
        await _h.RunAsync();
        using var other = new SqliteReleaseStore(_h.Store.Location);
        var held = ReleaseLock.ForCurrentProcess(_h.Release, "rollback", DateTimeOffset.UtcNow);
        (await other.TryLockAsync(held)).ShouldBeNull();

        // When
        var error = await _h.FailsAsync<OperationFailedException>(() => _h.RunAsync("web.greeting=bye"));

        // Then: a clear message, nothing recorded, nothing changed
        error.Message.ShouldContain($"release '{_h.Release}' is locked by pid {Environment.ProcessId} on {Environment.MachineName}");
        error.Message.ShouldContain("(rollback)");
        error.Message.ShouldContain("--force-unlock");
        (await _h.StatesAsync()).ShouldBe([(1, ReleaseState.Deployed)]);
        (await _h.EnvAsync("web", "GREETING")).ShouldBe("hello");

        // When: the holder lets go
        (await other.UnlockAsync(held)).ShouldBeTrue();
        await _h.RunAsync("web.greeting=bye");
        (await _h.EnvAsync("web", "GREETING")).ShouldBe("bye");
    }

    [DockerFact]
    public async Task Should_remove_what_an_install_cancelled_after_its_first_component_created()
    {
        // Given: a run cancelled (as Ctrl-C does) when it starts creating the second component
        using var cancel = new CancellationTokenSource();
        _h.Reporter.OnLine = line =>
        {
            if (line.Contains($"creating {_h.Container("worker")}", StringComparison.Ordinal))
            {
                cancel.Cancel();
            }
        };
        var app = await _h.RenderAsync([]);
        var error = await _h.FailsAsync<OperationCanceledException>(() =>
            new InstallOrUpgradeAction(_h.Config) { Release = _h.Release, Wait = true, Timeout = TimeSpan.FromSeconds(60) }.RunAsync(app, cancel.Token));
        _h.Reporter.OnLine = null;

        // Then: nothing of the release is left on the engine, the revision is failed, the lock gone
        error.Message.ShouldContain("interrupted; nothing of it was left on the engine");
        (await _h.ContainerNamesAsync()).ShouldBeEmpty();
        (await _h.Client.Networks.ListNetworksAsync()).ShouldNotContain(n => n.Name == $"nulecule-{_h.Release}");
        (await _h.StatesAsync()).ShouldBe([(1, ReleaseState.Failed)]);
        (await _h.Store.GetLockAsync(_h.Release)).ShouldBeNull();

        // When: run again
        var finished = await _h.RunAsync();

        // Then: a clean install
        finished.Release!.Revision.ShouldBe(2);
        finished.Result.Objects.Where(o => o.Kind == "container").ShouldAllBe(o => o.Action == ObjectAction.Created);
        (await _h.StatesAsync()).ShouldBe([(1, ReleaseState.Failed), (2, ReleaseState.Deployed)]);
        (await _h.InspectAsync("worker"))!.State!.Running.ShouldBe(true);
    }

    [DockerFact]
    public async Task Should_put_the_previous_containers_back_when_an_upgrade_is_cancelled_half_way()
    {
        // Given
        await _h.RunAsync();
        var web1 = (await _h.InspectAsync("web"))!.ID;
        using var cancel = new CancellationTokenSource();
        _h.Reporter.OnLine = line =>
        {
            // Its replacement is created ahead (in parallel with web's); it starts once web is replaced and ready.
            if (line.Contains($"starting {_h.Container("worker")}", StringComparison.Ordinal))
            {
                cancel.Cancel();
            }
        };

        // When: both components change; cancelled when web has been replaced and worker is being started
        var app = await _h.RenderAsync(["web.greeting=bye", "worker.mode=two"]);
        var error = await _h.FailsAsync<OperationCanceledException>(() =>
            new InstallOrUpgradeAction(_h.Config) { Release = _h.Release, Wait = true, Timeout = TimeSpan.FromSeconds(60) }.RunAsync(app, cancel.Token));
        _h.Reporter.OnLine = null;

        // Then: revision 1's containers run again, the very same ones
        error.Message.ShouldContain("the previous containers run again");
        (await _h.InspectAsync("web"))!.ID.ShouldBe(web1);
        (await _h.EnvAsync("web", "GREETING")).ShouldBe("hello");
        (await _h.EnvAsync("worker", "MODE")).ShouldBe("one");
        (await _h.InspectAsync("worker"))!.State!.Running.ShouldBe(true);
        (await _h.ContainerNamesAsync()).ShouldBe([_h.Container("web"), _h.Container("worker")]);
        (await _h.StatesAsync()).ShouldBe([(1, ReleaseState.Deployed), (2, ReleaseState.Failed)]);
    }

    [DockerFact]
    public async Task Should_finish_a_pending_revision_that_reached_the_engine_under_a_dead_lock()
    {
        // Given: revision 1 deployed; revision 2 recorded pending and applied, then the process died
        await _h.RunAsync();
        var app2 = await _h.RenderAsync(["web.greeting=bye"]);
        await _h.WritePendingAsync(app2, 2);
        await _h.Provider.RunAsync(app2, new RunOptions { Release = _h.Release, Revision = 2, Wait = true, Timeout = TimeSpan.FromSeconds(60) }, CancellationToken.None);
        var stale = await _h.AbandonLockAsync();

        // When: the next run
        var result = await _h.RunAsync("web.greeting=bye");

        // Then: the dead lock was taken over, revision 2 finished forward
        _h.Reporter.Lines.ShouldContain(l => l.StartsWith("warn: ", StringComparison.Ordinal) && l.Contains($"pid {stale.Pid}") && l.Contains("no longer running"));
        _h.Reporter.Lines.ShouldContain(l => l.Contains("revision 2 reached the engine and everything is running: finishing it", StringComparison.Ordinal));
        (await _h.Store.GetAsync(_h.Release, 2))!.Description.ShouldContain("finished after an interruption");
        // ... and, revision 2 already running exactly these values, recorded nothing new
        result.UpToDate.ShouldBeTrue();
        result.Release!.Revision.ShouldBe(2);
        _h.Reporter.Lines.ShouldContain(l => l.Contains("is up to date at revision 2: nothing to change, no revision recorded", StringComparison.Ordinal));
        (await _h.StatesAsync()).ShouldBe([(1, ReleaseState.Superseded), (2, ReleaseState.Deployed)]);
        (await _h.EnvAsync("web", "GREETING")).ShouldBe("bye");
        (await _h.Store.GetLockAsync(_h.Release)).ShouldBeNull();
        _h.ShouldNotLeakTheCanary();
    }

    [DockerFact]
    public async Task Should_roll_back_a_pending_revision_that_never_reached_the_engine()
    {
        // Given: revision 1 deployed; revision 2 recorded pending, then the process died before the engine
        await _h.RunAsync();
        await _h.WritePendingAsync(await _h.RenderAsync(["web.greeting=bye"]), 2);
        await _h.AbandonLockAsync();

        // When: a rollback command comes next
        var back = await new RollbackAction(_h.Config) { Release = _h.Release, Revision = 1, Wait = true, Timeout = TimeSpan.FromSeconds(60) }.RunAsync();

        // Then: the interrupted revision is failed, the release runs revision 1's manifest
        var history = await _h.Store.HistoryAsync(_h.Release);
        history[1].State.ShouldBe(ReleaseState.Failed);
        history[1].Description.ShouldContain("interrupted, rolled back to 1");
        history.Last().Revision.ShouldBe(back.Revision);
        history.Last().State.ShouldBe(ReleaseState.Deployed);
        (await _h.EnvAsync("web", "GREETING")).ShouldBe("hello");
    }

    [DockerFact]
    public async Task Should_keep_the_hidden_value_out_of_the_state_directory_and_the_output()
    {
        // Given / When: every verb once
        await _h.RunAsync();
        await _h.RunAsync("worker.mode=two");
        await new DiffAction(_h.Store, _h.Key) { Release = _h.Release }.RunAsync(await _h.RenderAsync(["web.greeting=x"]));
        await new RollbackAction(_h.Config) { Release = _h.Release, Wait = true, Timeout = TimeSpan.FromSeconds(60) }.RunAsync();
        var history = await new HistoryAction(_h.Store) { Release = _h.Release }.RunAsync();
        await new UninstallAction(_h.Config) { Release = _h.Release, Timeout = TimeSpan.FromSeconds(5) }.RunAsync();

        // Then: the container did get it (the engine needs it) ...
        history.ShouldAllBe(r => r.Values.Single(v => v.Name == "token").Hidden && r.Values.Single(v => v.Name == "token").Value == null);

        // ... but no stored byte, reported line or error does
        _h.ShouldNotLeakTheCanary();
        (await _h.StatesAsync()).Last().State.ShouldBe(ReleaseState.Uninstalled);
        (await _h.InspectAsync("web")).ShouldBeNull();

        // And the sealed manifest still holds it for a later rollback
        _h.Key.Open(history.Last()).HiddenValues.ShouldContain(_h.Canary);
    }
}
