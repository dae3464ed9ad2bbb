using Nulecule.Templating;
using Nulecule.Providers;

namespace Nulecule.Releases;

/// <summary>
/// One revision of one release: what was deployed, where, with which values, and what the engine
/// holds because of it. Serializes to one JSON blob (<see cref="ReleaseJson"/>); stores index
/// <see cref="Name"/>, <see cref="Revision"/>, <see cref="State"/> beside it.
/// </summary>
/// <remarks>
/// Nothing here is secret: hidden param values appear only as <see cref="ReleaseValue.Hidden"/>
/// entries without a value. The rendered manifest, which contains substituted secrets, and the
/// hidden values themselves live in <see cref="SealedManifest"/>, encrypted with the per-user
/// <see cref="ReleaseKey"/> (AES-256-GCM, the release name and revision as associated data so a
/// blob cannot be moved to another record unnoticed).
/// </remarks>
public sealed record Release
{
    public required string Name { get; init; }
    public required int Revision { get; init; }
    public required string AppId { get; init; }
    public string? AppVersion { get; init; }

    /// <summary>`docker`, `kubernetes`, `openshift`, `marathon`.</summary>
    public required string Provider { get; init; }

    /// <summary>Where it runs, as the CLI describes it: a Docker endpoint, or cluster + namespace.</summary>
    public required string Target { get; init; }
    public required ReleaseState State { get; init; }
    public required DateTimeOffset Created { get; init; }
    public required DateTimeOffset Updated { get; init; }

    /// <summary>`Install complete`, `Upgrade failed: ...`, `Rollback to 2`: already masked.</summary>
    public string Description { get; init; } = "";

    /// <summary>The resolved params, readable for `history`; hidden ones carry no value.</summary>
    public IReadOnlyList<ReleaseValue> Values { get; init; } = [];

    /// <summary>The engine objects this revision created or kept, with their config hashes.</summary>
    public IReadOnlyList<DeployedObject> Objects { get; init; } = [];

    /// <summary>Compose services that `scale` holds at another count than their artifact's (docker); null when none.</summary>
    public IReadOnlyList<ScaledReplicas>? Scaled { get; init; }

    /// <summary>The <see cref="ReleaseManifest"/>, encrypted by <see cref="ReleaseKey.Seal"/>.</summary>
    public required string SealedManifest { get; init; }

    public override string ToString() => $"{Name} revision {Revision} ({State})";

    /// <summary>
    /// The record a command writes before it touches the engine: values without hidden ones, the
    /// manifest sealed with <paramref name="key"/>, the description masked.
    /// </summary>
    public static Release Pending(RenderedApp app, string release, int revision, string target, DateTimeOffset now, string description, ReleaseKey key)
    {
        var manifest = ReleaseManifest.From(app);
        return new Release
        {
            Name = release,
            Revision = revision,
            AppId = manifest.AppId,
            AppVersion = manifest.AppVersion,
            Provider = app.Provider,
            Target = target,
            State = ReleaseState.Pending,
            Created = now,
            Updated = now,
            Description = app.Values.Masker.Mask(description),
            Values = app.Values.Params
                .Select(p => new ReleaseValue(p.Scope, p.Name, p.Hidden ? null : p.Value?.Text, p.Hidden, p.OriginText))
                .ToList(),
            SealedManifest = key.Seal(manifest, release, revision),
        };
    }
}

/// <summary>A resolved param as kept in the readable part of a record.</summary>
public sealed record ReleaseValue(string Scope, string Name, string? Value, bool Hidden, string Origin)
{
    /// <summary>The value as it may be printed: hidden values as stars.</summary>
    public string Display => Hidden ? SecretMasker.Stars : Value ?? "";
}
