using Docker.DotNet.Models;
using Nulecule.Docker.Planning;
using Nulecule.Providers;
using static Nulecule.Docker.Internal.DockerObjects;

namespace Nulecule.Docker.Internal;

/// <summary>Containers that hold names a release needs but belong to another release, or to none.</summary>
internal static class Ownership
{
    /// <summary>
    /// Containers that hold a name this release needs but are not this release's: refused before
    /// anything changes (naming their owner), or with `--take-ownership` returned, to be replaced
    /// like the release's own (and put back if the run fails).
    /// </summary>
    /// <param name="all">Every container on the engine.</param>
    internal static List<ContainerListResponse> ForeignContainers(IEnumerable<ContainerListResponse> all, ReleasePlan plan, List<ContainerListResponse> own, RunOptions options)
    {
        var ours = own.Select(NameOf).ToHashSet(StringComparer.Ordinal);
        var wanted = plan.Containers.ToDictionary(c => c.ContainerName, StringComparer.Ordinal);
        var foreign = all.Where(c => wanted.ContainsKey(NameOf(c)) && !ours.Contains(NameOf(c))).ToList();
        if (foreign.Count == 0 || options.TakeOwnership)
        {
            foreach (var c in foreign)
            {
                options.Reporter.Warn($"--take-ownership: {NameOf(c)} ({Owner(c)}) will be replaced by release {options.Release}'s");
            }

            return foreign;
        }

        var lines = foreign.Select(c => $"component {wanted[NameOf(c)].Component}: a container named {NameOf(c)} already exists and belongs to {Owner(c)} ({wanted[NameOf(c)].Arguments.Location})");
        throw new OperationFailedException(
            string.Join(Environment.NewLine, lines) + Environment.NewLine
            + "nothing was changed; choose another release name, stop the other release, or pass --take-ownership to replace these containers");

        static string Owner(ContainerListResponse c) =>
            Label(c, Labels.Release) is { } owner ? $"release '{owner}'" : "no release (nulecule did not create it)";
    }
}
