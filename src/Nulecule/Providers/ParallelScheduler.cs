using System.Runtime.ExceptionServices;

namespace Nulecule.Providers;

/// <summary>
/// Runs steps that depend on earlier steps, as many at once as a bound allows: a step starts once
/// every step it depends on has finished and fewer than the bound are running. Of the steps that
/// could start, the one listed first starts first, so a bound of 1 runs them in list order.
/// </summary>
/// <remarks>
/// On the first failure no further step starts; the steps already running get the cancellation
/// of the token passed to them (their engine calls that must not be abandoned ignore it) and are
/// awaited, then that first failure is rethrown. When the caller's token is cancelled, the same:
/// nothing new starts, the running steps are awaited, and <see cref="OperationCanceledException"/>
/// is thrown. Nothing of a step runs after <see cref="RunAsync"/> returned or threw.
/// </remarks>
public static class ParallelScheduler
{
    /// <summary>How many engine steps run at once unless `--parallel` says otherwise: a small multiple of the cores.</summary>
    public static int DefaultBound { get; } = Math.Clamp(4 * Environment.ProcessorCount, 4, 32);

    /// <summary>
    /// Runs <paramref name="work"/> for the steps 0 .. <paramref name="count"/>-1.
    /// <paramref name="dependencies"/> of a step must be earlier steps (the list is in an order
    /// the dependencies allow, as a release's graph order is).
    /// </summary>
    public static async Task RunAsync(
        int count,
        Func<int, IEnumerable<int>> dependencies,
        int bound,
        Func<int, CancellationToken, Task> work,
        CancellationToken cancellationToken)
    {
        var failures = await RunCoreAsync(count, dependencies, bound, work, keepGoing: false, cancellationToken);
        failures.Values.FirstOrDefault()?.Throw();
        cancellationToken.ThrowIfCancellationRequested();
    }

    /// <summary>
    /// Runs the steps as <see cref="RunAsync"/> does, except that a failure stops only the steps
    /// that depend on the failed one (directly or through others): every other step still runs,
    /// and the steps running beside it are not cancelled. Returns each failed step's exception;
    /// a step that is neither failed nor in the answer finished, unless it depends on a failed
    /// one (see <see cref="Blocked"/>). Cancelling the caller's token starts nothing new, awaits
    /// the running steps and throws <see cref="OperationCanceledException"/>.
    /// </summary>
    public static async Task<IReadOnlyDictionary<int, Exception>> RunEachAsync(
        int count,
        Func<int, IEnumerable<int>> dependencies,
        int bound,
        Func<int, CancellationToken, Task> work,
        CancellationToken cancellationToken)
    {
        var failures = await RunCoreAsync(count, dependencies, bound, work, keepGoing: true, cancellationToken);
        cancellationToken.ThrowIfCancellationRequested();
        return failures.ToDictionary(f => f.Key, f => f.Value.SourceException);
    }

    /// <summary>
    /// The steps that depend on <paramref name="step"/>, directly or through other steps (in
    /// ascending order): those a failure of it keeps from running under <see cref="RunEachAsync"/>.
    /// </summary>
    public static IReadOnlyList<int> Blocked(int count, Func<int, IEnumerable<int>> dependencies, int step)
    {
        var blocked = new bool[count];
        blocked[step] = true;
        var found = new List<int>();
        for (var later = step + 1; later < count; later++)
        {
            if (dependencies(later).Any(before => before >= 0 && before < later && blocked[before]))
            {
                blocked[later] = true;
                found.Add(later);
            }
        }

        return found;
    }

    private static async Task<SortedDictionary<int, ExceptionDispatchInfo>> RunCoreAsync(
        int count,
        Func<int, IEnumerable<int>> dependencies,
        int bound,
        Func<int, CancellationToken, Task> work,
        bool keepGoing,
        CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(bound, 1);
        var waitingFor = new int[count];
        var dependents = new List<int>[count];
        for (var step = 0; step < count; step++)
        {
            dependents[step] = [];
        }

        for (var step = 0; step < count; step++)
        {
            foreach (var before in dependencies(step).Distinct())
            {
                if (before < 0 || before >= step)
                {
                    throw new ArgumentException($"step {step} depends on step {before}: a step may only depend on earlier steps", nameof(dependencies));
                }

                waitingFor[step]++;
                dependents[before].Add(step);
            }
        }

        var ready = new SortedSet<int>(Enumerable.Range(0, count).Where(step => waitingFor[step] == 0));
        var running = new Dictionary<Task, int>();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var failures = new SortedDictionary<int, ExceptionDispatchInfo>();
        while (true)
        {
            while ((keepGoing || failures.Count == 0) && !cancellationToken.IsCancellationRequested && running.Count < bound && ready.Count > 0)
            {
                var next = ready.Min;
                ready.Remove(next);
                running.Add(Task.Run(() => work(next, stop.Token), CancellationToken.None), next);
            }

            if (running.Count == 0)
            {
                break;
            }

            var done = await Task.WhenAny(running.Keys);
            var finished = running[done];
            running.Remove(done);
            if (done.Status == TaskStatus.RanToCompletion)
            {
                foreach (var dependent in dependents[finished])
                {
                    if (--waitingFor[dependent] == 0)
                    {
                        ready.Add(dependent);
                    }
                }

                continue;
            }

            // Awaited for the step's own exception (a cancelled task's too, with its message).
            Exception error;
            try
            {
                await done;
                continue;
            }
            catch (Exception e)
            {
                error = e;
            }

            // A step cancelled because another failed, or because the caller cancelled, is no failure of its own.
            if ((keepGoing || failures.Count == 0) && !(error is OperationCanceledException && stop.IsCancellationRequested))
            {
                failures[finished] = ExceptionDispatchInfo.Capture(error);
            }

            if (!keepGoing)
            {
                await stop.CancelAsync();
            }
        }

        return failures;
    }
}
