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
        // Given: SQLite's native library is missing (a broken install)
        static SqliteReleaseStore Missing(string path) =>
            throw new TypeInitializationException("SQLitePCL.raw", new DllNotFoundException("Unable to load shared library 'e_sqlite3'"));
        using var store = new LocalReleaseStore("/state/releases.db", path => ReleaseContext.OpenStore(path, Missing));

        // When: every call fails, with the message ReleaseContext.OpenStore gives
        var first = await Should.ThrowAsync<OperationFailedException>(() => store.LatestAsync("shop"));
        var second = await Should.ThrowAsync<OperationFailedException>(() => store.ListAsync());

        // Then
        first.Message.ShouldStartWith("the release history (/state/releases.db) cannot be opened: SQLite's native library (e_sqlite3) could not be loaded");
        second.Message.ShouldBe(first.Message);
        store.IsOpen.ShouldBeFalse();
    }
}
