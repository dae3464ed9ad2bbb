using System.Text;
using Microsoft.Data.Sqlite;
using Nulecule.Actions;
using Nulecule.Providers;
using Nulecule.Releases;
using Nulecule.Tests.Actions;
using Nulecule.Tests.TestSupport;

namespace Nulecule.Tests.Releases;

public class SqliteReleaseStoreTests
{
    private static Release Record(string name, int revision, ReleaseState state = ReleaseState.Deployed) =>
        Nulecule.Testing.Contracts.ReleaseStoreContract.Record(name, revision, state);

    [Fact]
    public async Task Should_round_trip_a_record()
    {
        using var dir = new TempDir();
        var original = Record("shop", 1);
        using (var store = new SqliteReleaseStore(Path.Combine(dir.Path, "r.db")))
        {
            await store.CreateAsync(original);
        }

        using var reopened = new SqliteReleaseStore(Path.Combine(dir.Path, "r.db"));
        var back = (await reopened.GetAsync("shop", 1))!;

        ReleaseJson.Serialize(back).ShouldBe(ReleaseJson.Serialize(original));
        back.State.ShouldBe(ReleaseState.Deployed);
        back.Created.ShouldBe(original.Created);
        back.Values.ShouldBe(original.Values);
        back.Objects.ShouldBe(original.Objects);
        back.SealedManifest.ShouldBe(original.SealedManifest);
        (await reopened.GetAsync("shop", 2)).ShouldBeNull();
    }

    [Fact]
    public async Task Should_write_nothing_when_reopened_to_read_a_database_that_has_its_schema()
    {
        // Given: a history with a record, closed
        using var dir = new TempDir();
        var path = Path.Combine(dir.Path, "r.db");
        using (var store = new SqliteReleaseStore(path))
        {
            await store.CreateAsync(Record("shop", 1));
        }

        var bytes = File.ReadAllBytes(path);
        var written = File.GetLastWriteTimeUtc(path);

        // When: opened again, read and closed (what a command that only looks does)
        using (var reopened = new SqliteReleaseStore(path))
        {
            (await reopened.LatestAsync("shop")).ShouldNotBeNull().Revision.ShouldBe(1);
            (await reopened.ListAsync()).Count.ShouldBe(1);
        }

        // Then: no schema write, no commit, no checkpoint: the file is as it was, nothing beside it
        File.ReadAllBytes(path).ShouldBe(bytes);
        File.GetLastWriteTimeUtc(path).ShouldBe(written);
        Directory.EnumerateFiles(dir.Path).Select(Path.GetFileName).ShouldBe(["r.db"]);
    }

    [Fact]
    public async Task Should_create_the_schema_in_an_empty_file_and_refuse_a_newer_one()
    {
        // Given: an empty file (a first open that never got to its schema), and a database of a later schema
        using var dir = new TempDir();
        var empty = Path.Combine(dir.Path, "empty.db");
        File.WriteAllBytes(empty, []);
        var newer = Path.Combine(dir.Path, "newer.db");
        using (var connection = new SqliteConnection($"Data Source={newer};Pooling=False"))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "PRAGMA user_version = 2;";
            command.ExecuteNonQuery();
        }

        // When
        using (var store = new SqliteReleaseStore(empty))
        {
            await store.CreateAsync(Record("shop", 1));
        }

        var refused = Should.Throw<OperationFailedException>(() => new SqliteReleaseStore(newer).Dispose());

        // Then
        using var reopened = new SqliteReleaseStore(empty);
        (await reopened.LatestAsync("shop")).ShouldNotBeNull();
        refused.Message.ShouldContain("has schema 2, newer than this nulecule understands (1)");
    }

    [Fact]
    public async Task Should_give_history_oldest_first_latest_and_list_by_name()
    {
        using var dir = new TempDir();
        using var store = new SqliteReleaseStore(Path.Combine(dir.Path, "r.db"));
        foreach (var revision in new[] { 3, 1, 10, 2 })
        {
            await store.CreateAsync(Record("shop", revision));
        }

        await store.CreateAsync(Record("blog", 1));

        (await store.HistoryAsync("shop")).Select(r => r.Revision).ShouldBe([1, 2, 3, 10]);
        (await store.LatestAsync("shop"))!.Revision.ShouldBe(10);
        (await store.ListAsync()).Select(r => (r.Name, r.Revision)).ShouldBe([("blog", 1), ("shop", 10)]);
        await store.DeleteAsync("shop", 10);
        (await store.LatestAsync("shop"))!.Revision.ShouldBe(3);
        await store.DeleteAsync("shop");
        (await store.HistoryAsync("shop")).ShouldBeEmpty();
    }

    [Fact]
    public async Task Should_update_in_place_and_refuse_duplicates_and_missing_revisions()
    {
        using var dir = new TempDir();
        using var store = new SqliteReleaseStore(Path.Combine(dir.Path, "r.db"));
        await store.CreateAsync(Record("shop", 1, ReleaseState.Pending));

        await store.UpdateAsync(Record("shop", 1, ReleaseState.Failed) with { Description = "boom" });

        (await store.GetAsync("shop", 1))!.State.ShouldBe(ReleaseState.Failed);
        (await Should.ThrowAsync<OperationFailedException>(() => store.CreateAsync(Record("shop", 1)))).Message.ShouldContain("already has a revision 1");
        (await Should.ThrowAsync<OperationFailedException>(() => store.UpdateAsync(Record("shop", 2)))).Message.ShouldContain("no revision 2");
    }

    [Fact]
    public async Task Should_let_only_one_of_two_connections_hold_a_release_lock()
    {
        using var dir = new TempDir();
        var path = Path.Combine(dir.Path, "r.db");
        using var a = new SqliteReleaseStore(path);
        using var b = new SqliteReleaseStore(path);
        var lockA = new ReleaseLock("shop", 100, "host-a", DateTimeOffset.UnixEpoch.AddDays(1), DateTimeOffset.UnixEpoch.AddDays(2), "run");
        var lockB = lockA with { Pid = 200, Host = "host-b" };

        (await a.TryLockAsync(lockA)).ShouldBeNull();
        (await b.TryLockAsync(lockB)).ShouldBe(lockA);
        (await b.TryLockAsync(lockB with { Release = "other" })).ShouldBeNull();

        // An unlock by someone who does not hold it changes nothing.
        (await b.UnlockAsync(lockB)).ShouldBeFalse();
        (await b.GetLockAsync("shop")).ShouldBe(lockA);

        (await a.UnlockAsync(lockA)).ShouldBeTrue();
        (await b.TryLockAsync(lockB)).ShouldBeNull();
        (await a.ForceUnlockAsync("shop")).ShouldBe(lockB);
        (await b.GetLockAsync("shop")).ShouldBeNull();
    }

    [Fact]
    public async Task Should_give_a_lock_to_exactly_one_of_many_racing_stores()
    {
        using var dir = new TempDir();
        var path = Path.Combine(dir.Path, "r.db");
        using var init = new SqliteReleaseStore(path);
        var stores = Enumerable.Range(0, 6).Select(_ => new SqliteReleaseStore(path)).ToList();
        try
        {
            var results = await Task.WhenAll(stores.Select((s, i) => Task.Run(() => s.TryLockAsync(new ReleaseLock("shop", 1000 + i, "h", DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch, "run")))));

            results.Count(r => r is null).ShouldBe(1);
        }
        finally
        {
            stores.ForEach(s => s.Dispose());
        }
    }

    [Fact]
    public void Should_use_wal_and_resolve_the_default_path_from_the_environment()
    {
        using var dir = new TempDir();
        using (new SqliteReleaseStore(Path.Combine(dir.Path, "r.db")))
        {
            using var probe = new SqliteConnection($"Data Source={Path.Combine(dir.Path, "r.db")};Pooling=False");
            probe.Open();
            using var command = probe.CreateCommand();
            command.CommandText = "PRAGMA journal_mode;";
            command.ExecuteScalar().ShouldBe("wal");
        }

        StateDirectory.Resolve(n => n switch { "NULECULE_STATE_DIR" => "/tmp/nstate", "XDG_STATE_HOME" => "/x", "HOME" => "/h", _ => null }).ShouldBe("/tmp/nstate");
        StateDirectory.Resolve(n => n switch { "XDG_STATE_HOME" => "/x", "HOME" => "/h", _ => null }).ShouldBe("/x/nulecule");
        StateDirectory.Resolve(n => n switch { "HOME" => "/h", _ => null }).ShouldBe("/h/.local/state/nulecule");
    }

    [Fact]
    public async Task Should_leave_no_hidden_value_in_any_file_of_the_state_directory()
    {
        // Given: a real state directory with the SQLite store and the key file
        const string Canary = "canary-7f3a9c41e2b8d05f";
        using var dir = new TempDir();
        var state = Path.Combine(dir.Path, "state");
        var key = ReleaseKey.LoadOrCreate(state);
        using (var store = new SqliteReleaseStore(Path.Combine(state, SqliteReleaseStore.FileName)))
        {
            var h = new ReleaseHarness(store, key);

            // When: install, a failing upgrade whose error quotes the secret, a rollback, a diff
            await h.RunAsync(ReleaseTestApps.Make(image: "a:1", password: Canary));
            h.Provider.FailWhen = (app, _) => ReleaseTestApps.ImageOf(app) == "a:2" ? $"container exited: password {Canary} rejected" : null;
            await Should.ThrowAsync<OperationFailedException>(() => h.RunAsync(ReleaseTestApps.Make(image: "a:2", password: Canary), atomic: true));
            await h.RunAsync(ReleaseTestApps.Make(image: "a:3", password: Canary));
            await new RollbackAction(h.Config) { Release = ReleaseHarness.Name }.RunAsync();
            await new DiffAction(store, key) { Release = ReleaseHarness.Name }.RunAsync(ReleaseTestApps.Make(password: Canary + "-next"));

            // The canary really went to the engine and back out of the store (so this test can fail).
            h.Provider.Runs.ShouldAllBe(r => r.App.Components[0].Artifacts[0].Text.Contains(Canary));
            key.Open((await store.LatestAsync(ReleaseHarness.Name))!).HiddenValues.ShouldContain(Canary);

            // Then, while the database is open (WAL and SHM present) ...
            AssertNoCanary(state, Canary, expectWal: true);
        }

        // ... and after it is closed.
        AssertNoCanary(state, Canary, expectWal: false);
    }

    private static void AssertNoCanary(string state, string canary, bool expectWal)
    {
        var files = Directory.GetFiles(state);
        files.Select(Path.GetFileName).ShouldContain(SqliteReleaseStore.FileName);
        files.Select(Path.GetFileName).ShouldContain(ReleaseKey.FileName);
        if (expectWal)
        {
            files.Select(Path.GetFileName).ShouldContain(SqliteReleaseStore.FileName + "-wal");
        }

        var needles = new[] { Encoding.UTF8.GetBytes(canary), Encoding.Unicode.GetBytes(canary), Encoding.UTF8.GetBytes(Convert.ToBase64String(Encoding.UTF8.GetBytes(canary))) };
        foreach (var file in files)
        {
            using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            using var memory = new MemoryStream();
            stream.CopyTo(memory);
            var bytes = memory.ToArray();
            bytes.Length.ShouldBeGreaterThan(0, file);
            foreach (var needle in needles)
            {
                bytes.AsSpan().IndexOf(needle).ShouldBe(-1, $"{file} contains the hidden value");
            }
        }
    }
}
