using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Nulecule.Kubernetes.Internal;
using Nulecule.Releases;

namespace Nulecule.Kubernetes.Releases;

/// <summary>
/// Release records as Secrets in the release namespace, Helm's storage driver style: one Secret
/// per revision, named `nulecule.release.v1.RELEASE.vREVISION`, type `nulecule.io/release.v1`,
/// labelled owner=nulecule, name, revision, state, its data `release` the record's JSON (whose
/// manifest part is sealed with the user's <see cref="ReleaseKey"/>; hidden values are never in
/// it). Locks are coordination.k8s.io/v1 Leases named `nulecule.lock.RELEASE`, created with
/// create-if-absent semantics (409 means held) and deleted with a resourceVersion precondition,
/// so only the holder seen removes it.
/// </summary>
/// <remarks>
/// The history travels with the cluster, so a team shares it; the sealing key does not (each
/// user's key seals the manifests they wrote), which is why rollback to another user's revision
/// names the key it needs. Needs RBAC get/list/create/update/delete on secrets and leases.
/// </remarks>
public sealed partial class KubernetesSecretReleaseStore : IReleaseStore, IDisposable
{
    public const string SecretType = "nulecule.io/release.v1";
    public const string DataKey = "release";
    public const string OwnerLabel = "owner";
    public const string NameLabel = "name";
    public const string RevisionLabel = "revision";
    public const string StateLabel = "state";
    public const string OwnerValue = "nulecule";
    public const string LockAnnotationPrefix = "nulecule.io/lock-";

    private readonly KubernetesConnection _connection;
    private readonly bool _ownsConnection;

    /// <summary>The Leases this store created (uid and resourceVersion), so unlocking deletes them without reading them again.</summary>
    private readonly ConcurrentDictionary<ReleaseLock, (string Uid, string ResourceVersion)> _taken = new();

    /// <summary>Keeps records in <paramref name="connection"/>'s namespace; the caller keeps owning the connection.</summary>
    public KubernetesSecretReleaseStore(KubernetesConnection connection)
        : this(connection, ownsConnection: false)
    {
    }

    private KubernetesSecretReleaseStore(KubernetesConnection connection, bool ownsConnection)
    {
        _connection = connection;
        _ownsConnection = ownsConnection;
    }

    /// <summary>Resolves its own connection from <paramref name="settings"/> (namespace included) and disposes it with the store.</summary>
    public static KubernetesSecretReleaseStore Open(KubernetesSettings settings) => new(KubernetesConnection.Resolve(settings), ownsConnection: true);

    public string Namespace => _connection.Namespace;

    public string Location => $"Secrets in namespace {_connection.Namespace} of {_connection.Server.TrimEnd('/')}";

    private KubeApi Api => _connection.Api;

    private string SecretsPath => $"/api/v1/namespaces/{Uri.EscapeDataString(Namespace)}/secrets";

    private string LeasesPath => $"/apis/coordination.k8s.io/v1/namespaces/{Uri.EscapeDataString(Namespace)}/leases";

    /// <summary>
    /// The Secret of one revision. Release names may hold upper case, '_' or '-.', which object
    /// names may not: such a name is lower-cased, its other characters become '-', and a short hash
    /// of the real name keeps `App` and `app` apart. The real name is always in the `name` label.
    /// </summary>
    public static string SecretName(string release, int revision) =>
        $"nulecule.release.v1.{ObjectPart(release)}.v{revision.ToString(CultureInfo.InvariantCulture)}";

    public static string LeaseName(string release) => $"nulecule.lock.{ObjectPart(release)}";

    public async Task CreateAsync(Release release, CancellationToken cancellationToken = default)
    {
        try
        {
            await Api.SendAsync(HttpMethod.Post, SecretsPath, ToSecret(release), null, cancellationToken).ConfigureAwait(false);
        }
        catch (KubeApiException e) when (e.StatusCode == HttpStatusCode.Conflict)
        {
            throw new OperationFailedException($"release '{release.Name}' already has a revision {release.Revision} in {Location}", e);
        }
        catch (KubeApiException e)
        {
            throw Failed($"cannot record release '{release.Name}' revision {release.Revision}", e);
        }
    }

    public async Task UpdateAsync(Release release, CancellationToken cancellationToken = default)
    {
        var name = SecretName(release.Name, release.Revision);
        try
        {
            // No resourceVersion: whoever updates holds the release lock, so last write wins is right.
            await Api.SendAsync(HttpMethod.Put, $"{SecretsPath}/{name}", ToSecret(release), null, cancellationToken).ConfigureAwait(false);
        }
        catch (KubeApiException e) when (e.StatusCode == HttpStatusCode.NotFound)
        {
            throw new OperationFailedException($"release '{release.Name}' has no revision {release.Revision} to update in {Location}", e);
        }
        catch (KubeApiException e)
        {
            throw Failed($"cannot update release '{release.Name}' revision {release.Revision}", e);
        }
    }

    public async Task<Release?> GetAsync(string release, int revision, CancellationToken cancellationToken = default)
    {
        JsonNode? secret;
        try
        {
            secret = await Api.GetAsync($"{SecretsPath}/{SecretName(release, revision)}", cancellationToken).ConfigureAwait(false);
        }
        catch (KubeApiException e)
        {
            throw Failed($"cannot read release '{release}' revision {revision}", e);
        }

        return secret is JsonObject found && (string?)found["metadata"]?["labels"]?[NameLabel] == release ? FromSecret(found) : null;
    }

    public async Task<Release?> LatestAsync(string release, CancellationToken cancellationToken = default) =>
        (await HistoryAsync(release, cancellationToken).ConfigureAwait(false)).LastOrDefault();

    public async Task<IReadOnlyList<Release>> HistoryAsync(string release, CancellationToken cancellationToken = default)
    {
        var secrets = await ListSecretsAsync($"{OwnerLabel}={OwnerValue},{NameLabel}={release}", $"the history of release '{release}'", cancellationToken).ConfigureAwait(false);
        return secrets.Select(FromSecret).OrderBy(r => r.Revision).ToList();
    }

    public async Task<IReadOnlyList<Release>> ListAsync(CancellationToken cancellationToken = default)
    {
        // Only the labels are needed to find each release's latest revision; parse just those records.
        var secrets = await ListSecretsAsync($"{OwnerLabel}={OwnerValue},{NameLabel}", "the releases", cancellationToken).ConfigureAwait(false);
        return secrets
            .GroupBy(s => (string?)s["metadata"]?["labels"]?[NameLabel] ?? "", StringComparer.Ordinal)
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => FromSecret(g.MaxBy(RevisionOf)!))
            .ToList();
    }

    public async Task DeleteAsync(string release, int? revision = null, CancellationToken cancellationToken = default)
    {
        var names = revision is { } one
            ? [SecretName(release, one)]
            : (await ListSecretsAsync($"{OwnerLabel}={OwnerValue},{NameLabel}={release}", $"the history of release '{release}'", cancellationToken).ConfigureAwait(false))
                .Select(s => (string?)s["metadata"]?["name"] ?? "").Where(n => n.Length > 0).ToList();
        foreach (var name in names)
        {
            try
            {
                await Api.SendAsync(HttpMethod.Delete, $"{SecretsPath}/{name}", null, null, cancellationToken).ConfigureAwait(false);
            }
            catch (KubeApiException e) when (e.StatusCode == HttpStatusCode.NotFound)
            {
                // Already gone: deleting is idempotent.
            }
            catch (KubeApiException e)
            {
                throw Failed($"cannot delete Secret {name} of release '{release}'", e);
            }
        }
    }

    public async Task<ReleaseLock?> TryLockAsync(ReleaseLock wanted, CancellationToken cancellationToken = default)
    {
        // A holder may unlock between our 409 and our read; then try again, a few times.
        for (var attempt = 0; attempt < 5; attempt++)
        {
            try
            {
                var created = await Api.SendAsync(HttpMethod.Post, LeasesPath, ToLease(wanted), null, cancellationToken).ConfigureAwait(false);
                if ((string?)created?["metadata"]?["uid"] is { } uid && (string?)created["metadata"]?["resourceVersion"] is { } version)
                {
                    _taken[wanted] = (uid, version);
                }

                return null;
            }
            catch (KubeApiException e) when (e.StatusCode == HttpStatusCode.Conflict)
            {
                var holder = await GetLockAsync(wanted.Release, cancellationToken).ConfigureAwait(false);
                if (holder is not null)
                {
                    return holder;
                }
            }
            catch (KubeApiException e)
            {
                throw Failed($"cannot lock release '{wanted.Release}'", e);
            }
        }

        throw new OperationFailedException($"cannot lock release '{wanted.Release}' in {Location}: its Lease {LeaseName(wanted.Release)} keeps appearing and disappearing; try again");
    }

    public async Task<bool> UnlockAsync(ReleaseLock held, CancellationToken cancellationToken = default)
    {
        // A Lease this store created is deleted as it was created: nothing changes a Lease after
        // that, so its uid and resourceVersion are those a read would give, unless someone took the lock since.
        if (_taken.TryRemove(held, out var created))
        {
            return await DeleteLeaseAsync(held, created.Uid, created.ResourceVersion, cancellationToken).ConfigureAwait(false);
        }

        var lease = await ReadLeaseAsync(held.Release, cancellationToken).ConfigureAwait(false);
        if (lease is null || !FromLease(held.Release, lease).SameOwner(held))
        {
            return false;
        }

        return await DeleteLeaseAsync(held, (string?)lease["metadata"]?["uid"], (string?)lease["metadata"]?["resourceVersion"], cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Deletes the Lease only if it is still the object seen (uid and resourceVersion preconditions), not a lock someone took since.</summary>
    private async Task<bool> DeleteLeaseAsync(ReleaseLock held, string? uid, string? resourceVersion, CancellationToken cancellationToken)
    {
        var delete = new JsonObject
        {
            ["apiVersion"] = "v1",
            ["kind"] = "DeleteOptions",
            ["preconditions"] = new JsonObject { ["uid"] = uid, ["resourceVersion"] = resourceVersion },
        };
        try
        {
            await Api.SendAsync(HttpMethod.Delete, $"{LeasesPath}/{LeaseName(held.Release)}", delete, null, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (KubeApiException e) when (e.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.Conflict)
        {
            return false;
        }
        catch (KubeApiException e)
        {
            throw Failed($"cannot unlock release '{held.Release}'", e);
        }
    }

    public async Task<ReleaseLock?> GetLockAsync(string release, CancellationToken cancellationToken = default)
    {
        var lease = await ReadLeaseAsync(release, cancellationToken).ConfigureAwait(false);
        return lease is null ? null : FromLease(release, lease);
    }

    public void Dispose()
    {
        if (_ownsConnection)
        {
            _connection.Dispose();
        }
    }

    private async Task<JsonObject?> ReadLeaseAsync(string release, CancellationToken cancellationToken)
    {
        try
        {
            return await Api.GetAsync($"{LeasesPath}/{LeaseName(release)}", cancellationToken).ConfigureAwait(false) as JsonObject;
        }
        catch (KubeApiException e)
        {
            throw Failed($"cannot read the lock of release '{release}'", e);
        }
    }

    private async Task<List<JsonObject>> ListSecretsAsync(string selector, string what, CancellationToken cancellationToken)
    {
        try
        {
            var list = await Api.GetAsync($"{SecretsPath}?{Selectors.Query(selector)}", cancellationToken).ConfigureAwait(false);
            return (list?["items"] as JsonArray ?? [])
                .OfType<JsonObject>()
                .Where(s => (string?)s["type"] == SecretType)
                .ToList();
        }
        catch (KubeApiException e)
        {
            throw Failed($"cannot read {what}", e);
        }
    }

    private JsonObject ToSecret(Release release)
    {
        var metadata = new JsonObject
        {
            ["name"] = SecretName(release.Name, release.Revision),
            ["namespace"] = Namespace,
            ["labels"] = new JsonObject
            {
                [OwnerLabel] = OwnerValue,
                [NameLabel] = release.Name,
                [RevisionLabel] = release.Revision.ToString(CultureInfo.InvariantCulture),
                [StateLabel] = release.State.ToString().ToLowerInvariant(),
            },
        };
        return new JsonObject
        {
            ["apiVersion"] = "v1",
            ["kind"] = "Secret",
            ["metadata"] = metadata,
            ["type"] = SecretType,
            ["data"] = new JsonObject { [DataKey] = Convert.ToBase64String(Encoding.UTF8.GetBytes(ReleaseJson.Serialize(release))) },
        };
    }

    private Release FromSecret(JsonObject secret)
    {
        var name = (string?)secret["metadata"]?["name"] ?? "?";
        var data = (string?)secret["data"]?[DataKey]
            ?? throw new OperationFailedException($"Secret {name} in {Location} has no '{DataKey}' data; it is not a nulecule release record (delete it or fix its labels)");
        try
        {
            return ReleaseJson.DeserializeRelease(Encoding.UTF8.GetString(Convert.FromBase64String(data)));
        }
        catch (Exception e) when (e is FormatException or System.Text.Json.JsonException)
        {
            throw new OperationFailedException($"Secret {name} in {Location} does not hold a readable release record: {e.Message}", e);
        }
    }

    private static int RevisionOf(JsonObject secret) =>
        int.TryParse((string?)secret["metadata"]?["labels"]?[RevisionLabel], NumberStyles.None, CultureInfo.InvariantCulture, out var revision) ? revision : 0;

    private JsonObject ToLease(ReleaseLock owner) => new()
    {
        ["apiVersion"] = "coordination.k8s.io/v1",
        ["kind"] = "Lease",
        ["metadata"] = new JsonObject
        {
            ["name"] = LeaseName(owner.Release),
            ["namespace"] = Namespace,
            ["labels"] = new JsonObject { [OwnerLabel] = OwnerValue, [NameLabel] = owner.Release },
            ["annotations"] = new JsonObject
            {
                [LockAnnotationPrefix + "pid"] = owner.Pid.ToString(CultureInfo.InvariantCulture),
                [LockAnnotationPrefix + "host"] = owner.Host,
                [LockAnnotationPrefix + "process-started"] = owner.ProcessStarted.UtcTicks.ToString(CultureInfo.InvariantCulture),
                [LockAnnotationPrefix + "since"] = owner.Since.UtcTicks.ToString(CultureInfo.InvariantCulture),
                [LockAnnotationPrefix + "operation"] = owner.Operation,
            },
        },
        ["spec"] = new JsonObject
        {
            ["holderIdentity"] = $"{owner.Pid.ToString(CultureInfo.InvariantCulture)}@{owner.Host}",
            ["acquireTime"] = owner.Since.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture),
        },
    };

    /// <summary>A Lease made by hand or by another tool still counts as held; what it lacks reads as unknown.</summary>
    private static ReleaseLock FromLease(string release, JsonObject lease)
    {
        string? Annotation(string key) => (string?)lease["metadata"]?["annotations"]?[LockAnnotationPrefix + key];
        static long Ticks(string? text) => long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var ticks) ? ticks : 0;
        var pid = int.TryParse(Annotation("pid"), NumberStyles.None, CultureInfo.InvariantCulture, out var p) ? p : 0;
        var host = Annotation("host") ?? (string?)lease["spec"]?["holderIdentity"] ?? "an unknown host";
        return new ReleaseLock(
            release,
            pid,
            host,
            new DateTimeOffset(Ticks(Annotation("process-started")), TimeSpan.Zero),
            new DateTimeOffset(Ticks(Annotation("since")), TimeSpan.Zero),
            Annotation("operation") ?? "unknown operation");
    }

    private OperationFailedException Failed(string what, KubeApiException e)
    {
        var hint = e.StatusCode switch
        {
            HttpStatusCode.Forbidden => "; nulecule keeps its release history in Secrets and its locks in Leases: the user needs get, list, create, update and delete on both in this namespace",
            HttpStatusCode.NotFound => $"; does namespace '{Namespace}' exist? create it, or choose another with --namespace",
            _ => "",
        };
        return new OperationFailedException($"{what} in {Location}: {e.Message}{hint}", e);
    }

    private static string ObjectPart(string release)
    {
        if (DnsSubdomain().IsMatch(release))
        {
            return release;
        }

        var safe = new string(release.Select(c => char.IsAsciiLetterOrDigit(c) ? char.ToLowerInvariant(c) : '-').ToArray()).Trim('-');
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(release)))[..8];
        return safe.Length == 0 ? hash : $"{safe}-{hash}";
    }

    [GeneratedRegex("^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$", RegexOptions.CultureInvariant)]
    private static partial Regex DnsSubdomain();
}
