using System.Globalization;
using Microsoft.Data.Sqlite;

namespace Nulecule.Releases;

/// <summary>
/// Release records in one SQLite file (`releases.db` in the state directory, WAL mode). Each
/// record is its JSON blob plus indexed name, revision, state; locks are rows of a `locks` table
/// inserted inside an immediate transaction, so two processes cannot both take one.
/// </summary>
public sealed class SqliteReleaseStore : IReleaseStore, IDisposable
{
    public const string FileName = "releases.db";
    private const int SchemaVersion = 1;

    private readonly SqliteConnection _connection;
    private readonly Lock _gate = new();

    /// <summary>Opens (creating if needed) <paramref name="databasePath"/>, else `releases.db` in <see cref="StateDirectory.Resolve"/>.</summary>
    public SqliteReleaseStore(string? databasePath = null)
    {
        var path = Path.GetFullPath(databasePath ?? Path.Combine(StateDirectory.Resolve(), FileName));
        StateDirectory.Ensure(Path.GetDirectoryName(path)!);
        Location = path;
        var builder = new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = false,

            // Seconds to retry while another process holds the write lock.
            DefaultTimeout = 10,
        };
        _connection = new SqliteConnection(builder.ToString());
        try
        {
            _connection.Open();
            Execute("PRAGMA journal_mode=WAL;");
            Execute("PRAGMA busy_timeout=10000;");
            CreateSchema();
        }
        catch (SqliteException ex)
        {
            _connection.Dispose();
            throw new OperationFailedException($"cannot open the release database {path}: {ex.Message}; check the file's permissions or set {StateDirectory.EnvironmentVariable}", ex);
        }
    }

    public string Location { get; }

    /// <summary>The directory of the database; the key file lives beside it.</summary>
    public string Directory => Path.GetDirectoryName(Location)!;

    public Task CreateAsync(Release release, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            using var command = Command(
                "INSERT INTO releases(name, revision, state, updated, body) VALUES ($name, $revision, $state, $updated, $body)",
                release);
            try
            {
                command.ExecuteNonQuery();
            }
            catch (SqliteException ex) when (ex.SqliteErrorCode == 19)
            {
                throw new OperationFailedException($"release '{release.Name}' already has a revision {release.Revision} in {Location}", ex);
            }
        }

        return Task.CompletedTask;
    }

    public Task UpdateAsync(Release release, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            using var command = Command(
                "UPDATE releases SET state = $state, updated = $updated, body = $body WHERE name = $name AND revision = $revision",
                release);
            if (command.ExecuteNonQuery() == 0)
            {
                throw new OperationFailedException($"release '{release.Name}' has no revision {release.Revision} to update in {Location}");
            }
        }

        return Task.CompletedTask;
    }

    public Task<Release?> GetAsync(string release, int revision, CancellationToken cancellationToken = default) =>
        Task.FromResult(Query("SELECT body FROM releases WHERE name = $name AND revision = $revision", ("$name", release), ("$revision", revision)).FirstOrDefault());

    public Task<Release?> LatestAsync(string release, CancellationToken cancellationToken = default) =>
        Task.FromResult(Query("SELECT body FROM releases WHERE name = $name ORDER BY revision DESC LIMIT 1", ("$name", release)).FirstOrDefault());

    public Task<IReadOnlyList<Release>> HistoryAsync(string release, CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyList<Release>>(Query("SELECT body FROM releases WHERE name = $name ORDER BY revision", ("$name", release)));

    public Task<IReadOnlyList<Release>> ListAsync(CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyList<Release>>(Query(
            "SELECT r.body FROM releases r JOIN (SELECT name, MAX(revision) AS revision FROM releases GROUP BY name) m ON r.name = m.name AND r.revision = m.revision ORDER BY r.name"));

    public Task DeleteAsync(string release, int? revision = null, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            using var command = _connection.CreateCommand();
            command.CommandText = revision is null
                ? "DELETE FROM releases WHERE name = $name"
                : "DELETE FROM releases WHERE name = $name AND revision = $revision";
            command.Parameters.AddWithValue("$name", release);
            if (revision is not null)
            {
                command.Parameters.AddWithValue("$revision", revision.Value);
            }

            command.ExecuteNonQuery();
        }

        return Task.CompletedTask;
    }

    public Task<ReleaseLock?> TryLockAsync(ReleaseLock wanted, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            // IMMEDIATE: take SQLite's write lock first, so check-then-insert is one step for every process.
            using var transaction = _connection.BeginTransaction(deferred: false);
            var holder = ReadLock(wanted.Release, transaction);
            if (holder is not null)
            {
                transaction.Rollback();
                return Task.FromResult<ReleaseLock?>(holder);
            }

            using var insert = _connection.CreateCommand();
            insert.Transaction = transaction;
            insert.CommandText = "INSERT INTO locks(name, pid, host, process_started, since, operation) VALUES ($name, $pid, $host, $started, $since, $operation)";
            insert.Parameters.AddWithValue("$name", wanted.Release);
            insert.Parameters.AddWithValue("$pid", wanted.Pid);
            insert.Parameters.AddWithValue("$host", wanted.Host);
            insert.Parameters.AddWithValue("$started", wanted.ProcessStarted.UtcTicks);
            insert.Parameters.AddWithValue("$since", wanted.Since.UtcTicks);
            insert.Parameters.AddWithValue("$operation", wanted.Operation);
            insert.ExecuteNonQuery();
            transaction.Commit();
            return Task.FromResult<ReleaseLock?>(null);
        }
    }

    public Task<bool> UnlockAsync(ReleaseLock held, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            using var command = _connection.CreateCommand();
            command.CommandText = "DELETE FROM locks WHERE name = $name AND pid = $pid AND host = $host AND process_started = $started AND since = $since";
            command.Parameters.AddWithValue("$name", held.Release);
            command.Parameters.AddWithValue("$pid", held.Pid);
            command.Parameters.AddWithValue("$host", held.Host);
            command.Parameters.AddWithValue("$started", held.ProcessStarted.UtcTicks);
            command.Parameters.AddWithValue("$since", held.Since.UtcTicks);
            return Task.FromResult(command.ExecuteNonQuery() > 0);
        }
    }

    public Task<ReleaseLock?> GetLockAsync(string release, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            return Task.FromResult(ReadLock(release, null));
        }
    }

    public void Dispose() => _connection.Dispose();

    private void CreateSchema()
    {
        // A database that has the schema already is only read: a write transaction here would
        // cost every command that opens the history a commit and a checkpoint (4-5 fsyncs), and
        // would change the file for a command that only looks in it.
        if (SchemaOf(null) == SchemaVersion)
        {
            return;
        }

        // Immediate: two processes creating the database at once create it once.
        using var transaction = _connection.BeginTransaction(deferred: false);
        if (SchemaOf(transaction) == SchemaVersion)
        {
            transaction.Commit();
            return;
        }

        using var create = _connection.CreateCommand();
        create.Transaction = transaction;
        create.CommandText = """
            CREATE TABLE IF NOT EXISTS releases(
                name TEXT NOT NULL,
                revision INTEGER NOT NULL,
                state TEXT NOT NULL,
                updated TEXT NOT NULL,
                body TEXT NOT NULL,
                PRIMARY KEY(name, revision));
            CREATE INDEX IF NOT EXISTS releases_state ON releases(state);
            CREATE TABLE IF NOT EXISTS locks(
                name TEXT PRIMARY KEY,
                pid INTEGER NOT NULL,
                host TEXT NOT NULL,
                process_started INTEGER NOT NULL,
                since INTEGER NOT NULL,
                operation TEXT NOT NULL);
            PRAGMA user_version = 1;
            """;
        create.ExecuteNonQuery();
        transaction.Commit();
    }

    /// <summary>The schema version the file records (0: none yet); an error when it is newer than this build's.</summary>
    private int SchemaOf(SqliteTransaction? transaction)
    {
        using var version = _connection.CreateCommand();
        version.Transaction = transaction;
        version.CommandText = "PRAGMA user_version;";
        var current = Convert.ToInt32(version.ExecuteScalar(), CultureInfo.InvariantCulture);
        if (current > SchemaVersion)
        {
            throw new OperationFailedException($"the release database {Location} has schema {current}, newer than this nulecule understands ({SchemaVersion}); upgrade nulecule");
        }

        return current;
    }

    private SqliteCommand Command(string sql, Release release)
    {
        var command = _connection.CreateCommand();
        command.CommandText = sql;
        command.Parameters.AddWithValue("$name", release.Name);
        command.Parameters.AddWithValue("$revision", release.Revision);
        command.Parameters.AddWithValue("$state", release.State.ToString().ToLowerInvariant());
        command.Parameters.AddWithValue("$updated", release.Updated.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture));
        command.Parameters.AddWithValue("$body", ReleaseJson.Serialize(release));
        return command;
    }

    private List<Release> Query(string sql, params (string Name, object Value)[] parameters)
    {
        lock (_gate)
        {
            using var command = _connection.CreateCommand();
            command.CommandText = sql;
            foreach (var (name, value) in parameters)
            {
                command.Parameters.AddWithValue(name, value);
            }

            var releases = new List<Release>();
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                releases.Add(ReleaseJson.DeserializeRelease(reader.GetString(0)));
            }

            return releases;
        }
    }

    private ReleaseLock? ReadLock(string release, SqliteTransaction? transaction)
    {
        using var command = _connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "SELECT pid, host, process_started, since, operation FROM locks WHERE name = $name";
        command.Parameters.AddWithValue("$name", release);
        using var reader = command.ExecuteReader();
        if (!reader.Read())
        {
            return null;
        }

        return new ReleaseLock(
            release,
            reader.GetInt32(0),
            reader.GetString(1),
            new DateTimeOffset(reader.GetInt64(2), TimeSpan.Zero),
            new DateTimeOffset(reader.GetInt64(3), TimeSpan.Zero),
            reader.GetString(4));
    }

    private void Execute(string sql)
    {
        using var command = _connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}
