using Nulecule.Providers;
using Nulecule.Releases;

namespace Nulecule.Testing.Contracts;

/// <summary>
/// What every release store must do, run against each of them (SQLite, memory, Kubernetes
/// Secrets): a new store inherits these tests by deriving and opening two handles on one store.
/// Compiled from tests/Shared/Contracts into the test projects that have a store.
/// </summary>
public abstract class ReleaseStoreContract : IAsyncLifetime
{
    private readonly List<IReleaseStore> _opened = [];

    /// <summary>Why the store cannot be reached here (the test is then skipped), or null.</summary>
    protected virtual string? SkipReason => null;

    /// <summary>A handle on the store under test; each call a new handle on the same store.</summary>
    protected abstract IReleaseStore Open();

    public virtual Task InitializeAsync() => Task.CompletedTask;

    public virtual Task DisposeAsync()
    {
        foreach (var store in _opened.OfType<IDisposable>())
        {
            store.Dispose();
        }

        return Task.CompletedTask;
    }

    private IReleaseStore Handle()
    {
        Skip.If(SkipReason is not null, SkipReason);
        var store = Open();
        _opened.Add(store);
        return store;
    }

    /// <summary>A full record (values, a hidden one, objects, a sealed manifest) as store tests use it.</summary>
    public static Release Record(string name, int revision, ReleaseState state = ReleaseState.Deployed) => new()
    {
        Name = name,
        Revision = revision,
        AppId = "shop",
        AppVersion = "1.0",
        Provider = "docker",
        Target = "unix:///var/run/docker.sock",
        State = state,
        Created = new DateTimeOffset(2025, 1, 2, 3, 4, 5, TimeSpan.Zero),
        Updated = new DateTimeOffset(2025, 1, 2, 3, 4, 6, TimeSpan.Zero),
        Description = "Install complete",
        Values = [new ReleaseValue("web", "image", "nginx", false, "default"), new ReleaseValue("web", "password", null, true, "answers.conf:3")],
        Objects = [new DeployedObject("web", "container", "shop-web-1", null, "abc123", ObjectAction.Created)],
        SealedManifest = "aesgcm1:x:AAAA",
    };

    private static string Unique(string stem) => $"{stem}-{Guid.NewGuid().ToString("N")[..6]}";

    [SkippableFact]
    public async Task Should_round_trip_a_record_through_another_handle()
    {
        var name = Unique("shop");
        var original = Record(name, 1);
        await Handle().CreateAsync(original);

        var back = (await Handle().GetAsync(name, 1))!;

        ReleaseJson.Serialize(back).ShouldBe(ReleaseJson.Serialize(original));
        (await Handle().GetAsync(name, 2)).ShouldBeNull();
    }

    [SkippableFact]
    public async Task Should_give_history_oldest_first_the_latest_and_one_line_per_release()
    {
        var store = Handle();
        var shop = Unique("shop");
        var blog = Unique("blog");
        foreach (var revision in new[] { 3, 1, 10, 2 })
        {
            await store.CreateAsync(Record(shop, revision));
        }

        await store.CreateAsync(Record(blog, 1));

        (await store.HistoryAsync(shop)).Select(r => r.Revision).ShouldBe([1, 2, 3, 10]);
        (await store.LatestAsync(shop))!.Revision.ShouldBe(10);
        var listed = (await store.ListAsync()).Where(r => r.Name == shop || r.Name == blog).Select(r => (r.Name, r.Revision)).ToList();
        listed.ShouldBe(new[] { (blog, 1), (shop, 10) }.OrderBy(r => r.Item1, StringComparer.Ordinal).ToList());
        await store.DeleteAsync(shop, 10);
        (await store.LatestAsync(shop))!.Revision.ShouldBe(3);
        await store.DeleteAsync(shop);
        (await store.HistoryAsync(shop)).ShouldBeEmpty();
        (await store.LatestAsync(shop)).ShouldBeNull();
    }

    [SkippableFact]
    public async Task Should_update_in_place_and_refuse_a_duplicate_or_a_missing_revision()
    {
        var store = Handle();
        var name = Unique("shop");
        await store.CreateAsync(Record(name, 1, ReleaseState.Pending));

        await store.UpdateAsync(Record(name, 1, ReleaseState.Failed) with { Description = "boom" });

        var updated = (await Handle().GetAsync(name, 1))!;
        (updated.State, updated.Description).ShouldBe((ReleaseState.Failed, "boom"));
        await Should.ThrowAsync<OperationFailedException>(() => store.CreateAsync(Record(name, 1)));
        await Should.ThrowAsync<OperationFailedException>(() => store.UpdateAsync(Record(name, 2)));
    }

    [SkippableFact]
    public async Task Should_let_one_handle_hold_a_lock_and_only_its_holder_release_it()
    {
        var a = Handle();
        var b = Handle();
        var name = Unique("shop");
        var lockA = new ReleaseLock(name, 100, "host-a", DateTimeOffset.UnixEpoch.AddDays(1), DateTimeOffset.UnixEpoch.AddDays(2), "run");
        var lockB = lockA with { Pid = 200, Host = "host-b" };

        (await a.TryLockAsync(lockA)).ShouldBeNull();
        (await b.TryLockAsync(lockB)).ShouldBe(lockA);
        (await b.UnlockAsync(lockB)).ShouldBeFalse();
        (await b.GetLockAsync(name)).ShouldBe(lockA);
        (await a.UnlockAsync(lockA)).ShouldBeTrue();
        (await b.TryLockAsync(lockB)).ShouldBeNull();
        (await a.ForceUnlockAsync(name)).ShouldBe(lockB);
        (await b.GetLockAsync(name)).ShouldBeNull();
    }

    [SkippableFact]
    public async Task Should_keep_the_locks_of_two_releases_apart()
    {
        var store = Handle();
        var one = new ReleaseLock(Unique("one"), 1, "h", DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch, "run");
        var two = one with { Release = Unique("two") };

        (await store.TryLockAsync(one)).ShouldBeNull();
        (await store.TryLockAsync(two)).ShouldBeNull();
        (await store.UnlockAsync(one)).ShouldBeTrue();
        (await store.GetLockAsync(two.Release)).ShouldBe(two);
    }
}
