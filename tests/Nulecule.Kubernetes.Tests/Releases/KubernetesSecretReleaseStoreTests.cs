using System.Text;
using Nulecule.Kubernetes.Releases;
using Nulecule.Kubernetes.Tests.Support;
using Nulecule.Providers;
using Nulecule.Releases;

namespace Nulecule.Kubernetes.Tests.Releases;

/// <summary>The Secrets store against the real cluster, in a namespace of its own.</summary>
public sealed class KubernetesSecretReleaseStoreTests : IClassFixture<TestNamespace>, IDisposable
{
    private readonly TestNamespace _ns;
    private readonly List<KubernetesSecretReleaseStore> _stores = [];

    public KubernetesSecretReleaseStoreTests(TestNamespace ns)
    {
        _ns = ns;
    }

    public void Dispose()
    {
        foreach (var store in _stores)
        {
            store.Dispose();
        }
    }

    [ClusterFact]
    public async Task Should_round_trip_a_record_as_a_labelled_secret()
    {
        // Given
        var store = Store();
        var original = Record("round", 1, ReleaseState.Pending);

        // When
        await store.CreateAsync(original);
        var back = await Store().GetAsync("round", 1);

        // Then: the same record, from a Secret shaped like Helm's
        back.ShouldNotBeNull();
        ReleaseJson.Serialize(back).ShouldBe(ReleaseJson.Serialize(original));
        var secret = (await _ns.GetAsync($"/api/v1/namespaces/{_ns.Name}/secrets/nulecule.release.v1.round.v1"))!;
        ((string?)secret["type"]).ShouldBe("nulecule.io/release.v1");
        var labels = secret["metadata"]!["labels"]!;
        ((string?)labels["owner"]).ShouldBe("nulecule");
        ((string?)labels["name"]).ShouldBe("round");
        ((string?)labels["revision"]).ShouldBe("1");
        ((string?)labels["state"]).ShouldBe("pending");
        Encoding.UTF8.GetString(Convert.FromBase64String((string)secret["data"]!["release"]!)).ShouldBe(ReleaseJson.Serialize(original));
        (await store.GetAsync("round", 2)).ShouldBeNull();

        // When: updated
        await store.UpdateAsync(original with { State = ReleaseState.Deployed, Description = "Install complete" });

        // Then: the state label follows
        (await store.GetAsync("round", 1))!.State.ShouldBe(ReleaseState.Deployed);
        var updated = (await _ns.GetAsync($"/api/v1/namespaces/{_ns.Name}/secrets/nulecule.release.v1.round.v1"))!;
        ((string?)updated["metadata"]!["labels"]!["state"]).ShouldBe("deployed");
    }

    [ClusterFact]
    public async Task Should_refuse_a_duplicate_revision_and_an_update_of_a_missing_one()
    {
        var store = Store();
        await store.CreateAsync(Record("dup", 1));

        var duplicate = await Should.ThrowAsync<OperationFailedException>(() => store.CreateAsync(Record("dup", 1)));
        duplicate.Message.ShouldContain("already has a revision 1");
        duplicate.Message.ShouldContain(_ns.Name);
        var missing = await Should.ThrowAsync<OperationFailedException>(() => store.UpdateAsync(Record("dup", 7)));
        missing.Message.ShouldContain("no revision 7 to update");
    }

    [ClusterFact]
    public async Task Should_give_history_oldest_first_latest_list_and_delete()
    {
        // Given: revisions created out of order (10 sorts before 2 as text), and another release
        var store = Store();
        foreach (var revision in new[] { 3, 1, 10, 2 })
        {
            await store.CreateAsync(Record("hist", revision));
        }

        await store.CreateAsync(Record("other", 1));

        // Then
        (await store.HistoryAsync("hist")).Select(r => r.Revision).ShouldBe([1, 2, 3, 10]);
        (await store.LatestAsync("hist"))!.Revision.ShouldBe(10);
        (await store.ListAsync()).Where(r => r.Name is "hist" or "other").Select(r => (r.Name, r.Revision)).ShouldBe([("hist", 10), ("other", 1)]);
        (await store.HistoryAsync("nothing")).ShouldBeEmpty();
        (await store.LatestAsync("nothing")).ShouldBeNull();

        // When: one revision, then all
        await store.DeleteAsync("hist", 10);
        (await store.LatestAsync("hist"))!.Revision.ShouldBe(3);
        await store.DeleteAsync("hist");

        // Then
        (await store.HistoryAsync("hist")).ShouldBeEmpty();
        (await store.HistoryAsync("other")).Count.ShouldBe(1);
        (await _ns.ListAsync($"/api/v1/namespaces/{_ns.Name}/secrets?labelSelector=name%3Dhist")).ShouldBeEmpty();
        await store.DeleteAsync("hist", 1); // deleting what is gone is fine
    }

    [ClusterFact]
    public async Task Should_keep_release_names_that_object_names_cannot_hold_apart()
    {
        var store = Store();
        await store.CreateAsync(Record("My_App", 1));
        await store.CreateAsync(Record("my-app", 1));

        KubernetesSecretReleaseStore.SecretName("My_App", 1).ShouldStartWith("nulecule.release.v1.my-app-");
        KubernetesSecretReleaseStore.SecretName("my-app", 1).ShouldBe("nulecule.release.v1.my-app.v1");
        (await store.GetAsync("My_App", 1))!.Name.ShouldBe("My_App");
        (await store.HistoryAsync("My_App")).Single().Name.ShouldBe("My_App");
        (await store.HistoryAsync("my-app")).Single().Name.ShouldBe("my-app");
    }

    [ClusterFact]
    public async Task Should_hold_a_lock_refuse_a_second_and_release_only_its_own()
    {
        // Given: two handles on the same namespace, like two processes
        var first = Store();
        var second = Store();
        var mine = Lock("locked", pid: 1111, "run");
        var theirs = Lock("locked", pid: 2222, "rollback");

        // When
        (await first.TryLockAsync(mine)).ShouldBeNull();
        var holder = await second.TryLockAsync(theirs);

        // Then: refused, told who holds it, exactly
        holder.ShouldBe(mine);
        (await second.GetLockAsync("locked")).ShouldBe(mine);
        var lease = (await _ns.GetAsync($"/apis/coordination.k8s.io/v1/namespaces/{_ns.Name}/leases/nulecule.lock.locked"))!;
        ((string?)lease["spec"]!["holderIdentity"]).ShouldBe($"1111@{mine.Host}");
        ((string?)lease["metadata"]!["annotations"]!["nulecule.io/lock-operation"]).ShouldBe("run");

        // When: the other one tries to unlock with its own identity
        (await second.UnlockAsync(theirs)).ShouldBeFalse();
        (await first.GetLockAsync("locked")).ShouldBe(mine);

        // When: the holder unlocks
        (await first.UnlockAsync(mine)).ShouldBeTrue();
        (await first.GetLockAsync("locked")).ShouldBeNull();
        (await first.UnlockAsync(mine)).ShouldBeFalse();

        // Then: the other can take it now
        (await second.TryLockAsync(theirs)).ShouldBeNull();
        (await second.UnlockAsync(theirs)).ShouldBeTrue();
    }

    [ClusterFact]
    public async Task Should_force_unlock_whoever_holds_the_lock()
    {
        var store = Store();
        var stale = Lock("forced", pid: 3333, "run");
        (await store.TryLockAsync(stale)).ShouldBeNull();

        var removed = await Store().ForceUnlockAsync("forced");

        removed.ShouldBe(stale);
        (await store.GetLockAsync("forced")).ShouldBeNull();
        (await store.TryLockAsync(Lock("forced", pid: 4444, "run"))).ShouldBeNull();
        (await Store().ForceUnlockAsync("nobody")).ShouldBeNull();
    }

    [ClusterFact]
    public async Task Should_not_delete_a_lock_taken_again_after_it_was_read()
    {
        // Given: a lock read by one handle, then force-removed and taken by someone else
        var store = Store();
        var old = Lock("race", pid: 5555, "run");
        (await store.TryLockAsync(old)).ShouldBeNull();
        var lease = (await _ns.GetAsync($"/apis/coordination.k8s.io/v1/namespaces/{_ns.Name}/leases/nulecule.lock.race"))!;
        await _ns.Api.SendAsync(HttpMethod.Delete, $"/apis/coordination.k8s.io/v1/namespaces/{_ns.Name}/leases/nulecule.lock.race", null, null, CancellationToken.None);
        var newer = Lock("race", pid: 6666, "run");
        (await store.TryLockAsync(newer)).ShouldBeNull();

        // When: the old holder unlocks
        var unlocked = await store.UnlockAsync(old);

        // Then: the new lock stays (it is another object: the uid precondition would refuse it too)
        unlocked.ShouldBeFalse();
        (await store.GetLockAsync("race")).ShouldBe(newer);
        var current = (await _ns.GetAsync($"/apis/coordination.k8s.io/v1/namespaces/{_ns.Name}/leases/nulecule.lock.race"))!;
        ((string?)current["metadata"]!["uid"]).ShouldNotBe((string?)lease["metadata"]!["uid"]);
    }

    [ClusterFact]
    public async Task Should_say_which_namespace_is_missing()
    {
        using var store = KubernetesSecretReleaseStore.Open(Cluster.Settings("nulecule-t-absent-" + Guid.NewGuid().ToString("N")[..6]));

        var error = await Should.ThrowAsync<OperationFailedException>(() => store.CreateAsync(Record("x", 1)));

        error.Message.ShouldContain("does namespace");
        error.Message.ShouldContain("nulecule-t-absent-");
    }

    private KubernetesSecretReleaseStore Store()
    {
        var store = KubernetesSecretReleaseStore.Open(Cluster.Settings(_ns.Name));
        _stores.Add(store);
        return store;
    }

    private static ReleaseLock Lock(string release, int pid, string operation) =>
        new ReleaseLock(release, pid, Environment.MachineName, new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero).AddTicks(pid), DateTimeOffset.UtcNow, operation);

    private static Release Record(string name, int revision, ReleaseState state = ReleaseState.Deployed) => new()
    {
        Name = name,
        Revision = revision,
        AppId = "shop",
        AppVersion = "1.0",
        Provider = "kubernetes",
        Target = "https://127.0.0.1:6443/ns",
        State = state,
        Created = new DateTimeOffset(2025, 1, 2, 3, 4, 5, TimeSpan.Zero),
        Updated = new DateTimeOffset(2025, 1, 2, 3, 4, 6, TimeSpan.Zero),
        Description = "Install complete",
        Values = [new ReleaseValue("web", "image", "nginx", false, "default"), new ReleaseValue("web", "password", null, true, "answers.conf:3")],
        Objects = [new DeployedObject("web", "Deployment", "web", "ns", "abc123", ObjectAction.Created)],
        SealedManifest = "aesgcm1:x:AAAA",
    };
}
