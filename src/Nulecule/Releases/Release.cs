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

    /// <summary>The <see cref="ReleaseManifest"/>, encrypted by <see cref="ReleaseKey.Seal"/>.</summary>
    public required string SealedManifest { get; init; }

    public override string ToString() => $"{Name} revision {Revision} ({State})";
}

/// <summary>A resolved param as kept in the readable part of a record.</summary>
public sealed record ReleaseValue(string Scope, string Name, string? Value, bool Hidden, string Origin)
{
    /// <summary>The value as it may be printed: hidden values as stars.</summary>
    public string Display => Hidden ? SecretMasker.Stars : Value ?? "";
}
