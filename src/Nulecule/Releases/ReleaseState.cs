namespace Nulecule.Releases;

/// <summary>Where a revision of a release stands, as `nulecule history` prints it.</summary>
public enum ReleaseState
{
    /// <summary>Recorded before the engine is touched; still pending after a crash means "interrupted".</summary>
    Pending,

    /// <summary>The revision running now (at most one per release).</summary>
    Deployed,

    Failed,

    /// <summary>Was deployed, then replaced by a later revision.</summary>
    Superseded,

    /// <summary>The release was stopped; its history is kept.</summary>
    Uninstalled,
}
