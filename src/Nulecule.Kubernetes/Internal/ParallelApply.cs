using System.Runtime.ExceptionServices;

namespace Nulecule.Kubernetes.Internal;

/// <summary>
/// Applies planned objects side by side, at most <see cref="Applier.Concurrency"/> at once, in
/// three steps: Namespaces and CustomResourceDefinitions first, one by one in their order (what
/// follows may live in them or be of their kinds); then what workloads refer to (accounts, roles,
/// configuration, storage, quotas); then everything else. Objects of one step do not depend on
/// each other at apply time: the server accepts them in any order.
///
/// A failure stops new applies; those already sent are finished and recorded, so the caller's
/// clean-up knows everything this run changed. For the same reason an interruption (Ctrl-C)
/// stops new applies but lets the ones in flight get their answer.
/// </summary>
internal static class ParallelApply
{
    // Kinds other objects name (a pod's service account, config, claims) or that limit them.
    private static readonly HashSet<string> Referenced = new(StringComparer.Ordinal)
    {
        "ServiceAccount", "Secret", "ConfigMap", "PersistentVolume", "PersistentVolumeClaim", "StorageClass",
        "ResourceQuota", "LimitRange", "PriorityClass", "NetworkPolicy", "PodSecurityPolicy", "PodDisruptionBudget",
        "Role", "ClusterRole", "RoleBinding", "ClusterRoleBinding",
    };

    /// <summary>0: defines where or what others are; 1: referred to; 2: the rest.</summary>
    public static int Step(PlannedObject item) => Step(item.Kind);

    /// <inheritdoc cref="Step(PlannedObject)"/>
    public static int Step(string kind) => kind switch
    {
        "Namespace" or "CustomResourceDefinition" => 0,
        _ when Referenced.Contains(kind) => 1,
        _ => 2,
    };

    /// <summary>
    /// Applies <paramref name="items"/>; what was applied is added to <paramref name="into"/> in the
    /// items' order, also when one failed. <paramref name="failing"/>
    /// learns the component of the object that failed first.
    /// </summary>
    public static async Task RunAsync(Applier applier, IReadOnlyList<PlannedObject> items, List<AppliedObject> into, Action<string> failing,
        CancellationToken cancellationToken)
    {
        var results = new AppliedObject?[items.Count];
        ExceptionDispatchInfo? error = null;
        try
        {
            foreach (var step in items.Select((item, index) => (item, index)).GroupBy(x => Step(x.item)).OrderBy(g => g.Key))
            {
                if (step.Key == 0)
                {
                    foreach (var (item, index) in step)
                    {
                        results[index] = await Capture(item, cancellationToken);
                        if (error is not null)
                        {
                            return;
                        }
                    }

                    continue;
                }

                using var gate = new SemaphoreSlim(Applier.Concurrency);
                await Task.WhenAll(step.Select(async x =>
                {
                    await gate.WaitAsync(CancellationToken.None);
                    try
                    {
                        if (Volatile.Read(ref error) is null && !cancellationToken.IsCancellationRequested)
                        {
                            // Sent without the caller's token: an answer that comes is recorded.
                            results[x.index] = await Capture(x.item, CancellationToken.None);
                        }
                    }
                    finally
                    {
                        gate.Release();
                    }
                }));

                if (error is not null)
                {
                    return;
                }

                cancellationToken.ThrowIfCancellationRequested();
            }
        }
        finally
        {
            foreach (var result in results)
            {
                if (result is not null)
                {
                    into.Add(result);
                }
            }

            error?.Throw();
        }

        async Task<AppliedObject?> Capture(PlannedObject item, CancellationToken ct)
        {
            try
            {
                return await applier.ApplyAsync(item, dryRun: false, plan: [], ct);
            }
            catch (Exception e)
            {
                if (Interlocked.CompareExchange(ref error, ExceptionDispatchInfo.Capture(e), null) is null)
                {
                    failing(item.Component);
                }

                return null;
            }
        }
    }
}
