using Nulecule.Releases;
using Nulecule.Testing.Contracts;

namespace Nulecule.Cli.Tests;

/// <summary>The store contract on the local history as the CLI opens it (on first use): every handle a new one on one database file.</summary>
public sealed class LocalReleaseStoreContractTests : ReleaseStoreContract
{
    private readonly string _dir = Directory.CreateTempSubdirectory("nulecule-local-store-").FullName;

    protected override IReleaseStore Open() => new LocalReleaseStore(Path.Combine(_dir, SqliteReleaseStore.FileName), path => ReleaseContext.OpenStore(path));

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        Directory.Delete(_dir, recursive: true);
    }
}

/// <summary>The local history is opened by the first call that needs it, once, and not at all by a command that never asks it.</summary>
public sealed class LocalReleaseStoreTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("nulecule-local-store-").FullName;

    private string Database => Path.Combine(_dir, SqliteReleaseStore.FileName);

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void Should_not_open_or_create_the_database_when_nothing_asks_it()
    {
        // Given
        var opened = 0;

        // When
        using (var store = new LocalReleaseStore(Database, path => { opened++; return new SqliteReleaseStore(path); }))
        {
            // Then: its place is known without opening it
            store.Location.ShouldBe(Path.GetFullPath(Database));
            store.IsOpen.ShouldBeFalse();
        }

        opened.ShouldBe(0);
        File.Exists(Database).ShouldBeFalse();
    }

    [Fact]
    public async Task Should_open_it_once_at_the_first_call_and_keep_what_it_records()
    {
        // Given
        var opened = 0;
        using var store = new LocalReleaseStore(Database, path => { opened++; return new SqliteReleaseStore(path); });

        // When: calls side by side, then a record and a lock
        await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() => store.LatestAsync("shop"))));
        await store.CreateAsync(ReleaseStoreContract.Record("shop", 1));
        var wanted = new ReleaseLock("shop", Environment.ProcessId, "host", DateTimeOffset.UtcNow, DateTimeOffset.UtcNow, "run");
        (await store.TryLockAsync(wanted)).ShouldBeNull();

        // Then: one database, opened once, holding both (read through a connection of its own)
        opened.ShouldBe(1);
        store.IsOpen.ShouldBeTrue();
        using var other = new SqliteReleaseStore(Database);
        store.Location.ShouldBe(other.Location);
        (await other.LatestAsync("shop")).ShouldNotBeNull().Revision.ShouldBe(1);
        (await other.GetLockAsync("shop")).ShouldNotBeNull().Operation.ShouldBe("run");
    }

    [Fact]
    public async Task Should_report_an_unloadable_sqlite_at_the_first_call_as_opening_did()
    {
        // Given: SQLite's native library is missing (a broken install), and a history file to read
        static SqliteReleaseStore Missing(string path) =>
            throw new TypeInitializationException("SQLitePCL.raw", new DllNotFoundException("Unable to load shared library 'e_sqlite3'"));
        File.WriteAllBytes(Database, []);
        using var store = new LocalReleaseStore(Database, path => ReleaseContext.OpenStore(path, Missing));

        // When: every call fails, with the message ReleaseContext.OpenStore gives
        var first = await Should.ThrowAsync<OperationFailedException>(() => store.LatestAsync("shop"));
        var second = await Should.ThrowAsync<OperationFailedException>(() => store.ListAsync());
        var locking = await Should.ThrowAsync<OperationFailedException>(() => store.TryLockAsync(new ReleaseLock("shop", 1, "host", DateTimeOffset.UtcNow, DateTimeOffset.UtcNow, "run")));

        // Then
        first.Message.ShouldStartWith($"the release history ({Path.GetFullPath(Database)}) cannot be opened: SQLite's native library (e_sqlite3) could not be loaded");
        second.Message.ShouldBe(first.Message);
        locking.Message.ShouldBe(first.Message);
        store.IsOpen.ShouldBeFalse();
    }

    [Fact]
    public async Task Should_find_nothing_without_a_database_file_and_create_none_until_something_is_recorded()
    {
        // Given: no history file
        var opened = 0;
        using var store = new LocalReleaseStore(Database, path => { opened++; return new SqliteReleaseStore(path); });

        // When: every read (what `status`, `history` and `list` of a Kubernetes release ask first)
        var latest = await store.LatestAsync("shop");
        var revision = await store.GetAsync("shop", 1);
        var history = await store.HistoryAsync("shop");
        var list = await store.ListAsync();
        var holder = await store.GetLockAsync("shop");

        // Then: nothing found, nothing opened, no file
        (latest, revision, holder).ShouldBe((null, null, null));
        history.ShouldBeEmpty();
        list.ShouldBeEmpty();
        opened.ShouldBe(0);
        File.Exists(Database).ShouldBeFalse();

        // When: a record is written, then read back
        await store.CreateAsync(ReleaseStoreContract.Record("shop", 1));

        // Then: the database is created as before, and read from then on
        opened.ShouldBe(1);
        File.Exists(Database).ShouldBeTrue();
        (await store.LatestAsync("shop")).ShouldNotBeNull().Revision.ShouldBe(1);
    }

    [Fact]
    public async Task Should_read_a_database_another_process_created_after_the_first_look()
    {
        // Given: a look while there was no file
        using var store = new LocalReleaseStore(Database, path => new SqliteReleaseStore(path));
        (await store.LatestAsync("shop")).ShouldBeNull();

        // When: another command records the release
        using (var other = new SqliteReleaseStore(Database))
        {
            await other.CreateAsync(ReleaseStoreContract.Record("shop", 1));
        }

        // Then: the next look finds it
        (await store.LatestAsync("shop")).ShouldNotBeNull().Revision.ShouldBe(1);
        (await store.ListAsync()).Select(r => r.Name).ShouldBe(["shop"]);
    }
}
