using System.Collections.Concurrent;
using CsCheck;
using Nulecule.Providers;

namespace Nulecule.Tests.Providers;

/// <summary>
/// The scheduler with a fake step that records when each step starts and ends (a global
/// sequence number), and can be held open until the test lets it finish.
/// </summary>
public class ParallelSchedulerTests
{
    private sealed class Recorder
    {
        private int _clock;
        private int _running;

        public ConcurrentDictionary<int, (int Start, int End)> Times { get; } = new();

        public int MostAtOnce { get; private set; }

        public ConcurrentQueue<int> Cancelled { get; } = new();

        public Func<int, CancellationToken, Task> Step(Func<int, CancellationToken, Task>? body = null) => async (step, ct) =>
        {
            var start = Interlocked.Increment(ref _clock);
            var now = Interlocked.Increment(ref _running);
            lock (this)
            {
                MostAtOnce = Math.Max(MostAtOnce, now);
            }

            try
            {
                await Task.Yield();
                if (body is not null)
                {
                    await body(step, ct);
                }
                else
                {
                    await Task.Delay(5, CancellationToken.None);
                }
            }
            catch (OperationCanceledException)
            {
                Cancelled.Enqueue(step);
                throw;
            }
            finally
            {
                Interlocked.Decrement(ref _running);
                Times[step] = (start, Interlocked.Increment(ref _clock));
            }
        };
    }

    private static Func<int, IEnumerable<int>> Deps(Dictionary<int, int[]> graph) => step => graph.GetValueOrDefault(step, []);

    [Fact]
    public async Task A_step_starts_only_after_every_step_it_depends_on_has_ended()
    {
        // 0 and 1 are independent; 2 needs both; 3 needs 2; 4 needs 0; 5 needs nothing.
        var graph = new Dictionary<int, int[]> { [2] = [0, 1], [3] = [2], [4] = [0] };
        var recorder = new Recorder();
        await ParallelScheduler.RunAsync(6, Deps(graph), 3, recorder.Step(), CancellationToken.None);

        recorder.Times.Count.ShouldBe(6);
        foreach (var (step, before) in graph)
        {
            foreach (var dependency in before)
            {
                recorder.Times[step].Start.ShouldBeGreaterThan(recorder.Times[dependency].End, $"step {step} started before step {dependency} ended");
            }
        }
    }

    [Fact]
    public async Task Independent_steps_run_at_once_up_to_the_bound_and_never_more()
    {
        var recorder = new Recorder();
        var arrived = 0;
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var run = ParallelScheduler.RunAsync(10, _ => [], 4, recorder.Step(async (_, _) =>
        {
            if (Interlocked.Increment(ref arrived) == 4)
            {
                gate.SetResult();
            }

            await gate.Task.WaitAsync(TimeSpan.FromSeconds(10), CancellationToken.None);
        }), CancellationToken.None);
        await run;

        recorder.MostAtOnce.ShouldBe(4);
        recorder.Times.Count.ShouldBe(10);
    }

    [Fact]
    public async Task A_bound_of_one_runs_the_steps_one_after_another_in_list_order()
    {
        var recorder = new Recorder();
        await ParallelScheduler.RunAsync(5, _ => [], 1, recorder.Step(), CancellationToken.None);

        recorder.MostAtOnce.ShouldBe(1);
        var order = recorder.Times.OrderBy(t => t.Value.Start).Select(t => t.Key).ToList();
        order.ShouldBe([0, 1, 2, 3, 4]);
        for (var step = 1; step < 5; step++)
        {
            recorder.Times[step].Start.ShouldBeGreaterThan(recorder.Times[step - 1].End);
        }
    }

    [Fact]
    public async Task Of_the_steps_that_could_start_the_earliest_listed_starts_first()
    {
        // 3 becomes ready before 1 and 2 (it needs only 0); with a bound of 1 it still waits its turn.
        var recorder = new Recorder();
        await ParallelScheduler.RunAsync(4, Deps(new() { [1] = [0], [3] = [0] }), 1, recorder.Step(), CancellationToken.None);

        recorder.Times.OrderBy(t => t.Value.Start).Select(t => t.Key).ShouldBe([0, 1, 2, 3]);
    }

    [Fact]
    public async Task A_failure_starts_nothing_new_lets_running_steps_end_and_is_rethrown()
    {
        // Bound 2: steps 0 and 1 start; 0 fails while 1 still runs; 2.. never start.
        var recorder = new Recorder();
        var oneStarted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var oneEnded = false;
        var run = ParallelScheduler.RunAsync(6, _ => [], 2, recorder.Step(async (step, ct) =>
        {
            if (step == 0)
            {
                await oneStarted.Task.WaitAsync(TimeSpan.FromSeconds(10), CancellationToken.None);
                throw new InvalidOperationException("step 0 broke");
            }

            oneStarted.TrySetResult();

            // Engine calls that must complete ignore the token: this one ends on its own time.
            await Task.Delay(100, CancellationToken.None);
            Volatile.Write(ref oneEnded, true);
        }), CancellationToken.None);

        var error = await Should.ThrowAsync<InvalidOperationException>(run);
        error.Message.ShouldBe("step 0 broke");
        Volatile.Read(ref oneEnded).ShouldBeTrue("the scheduler returned before the running step ended");
        recorder.Times.Keys.Order().ShouldBe([0, 1]);
    }

    [Fact]
    public async Task Running_steps_see_their_token_cancelled_after_another_step_failed_and_that_is_not_reported_as_the_failure()
    {
        var recorder = new Recorder();
        var waiting = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var run = ParallelScheduler.RunAsync(3, _ => [], 3, recorder.Step(async (step, ct) =>
        {
            if (step == 2)
            {
                await waiting.Task.WaitAsync(TimeSpan.FromSeconds(10), CancellationToken.None);
                throw new InvalidOperationException("step 2 broke");
            }

            // A wait for readiness: it honours the token.
            waiting.TrySetResult();
            await Task.Delay(TimeSpan.FromSeconds(30), ct);
        }), CancellationToken.None);

        var error = await Should.ThrowAsync<InvalidOperationException>(run.WaitAsync(TimeSpan.FromSeconds(10)));
        error.Message.ShouldBe("step 2 broke");
        recorder.Cancelled.Order().ShouldBe([0, 1]);
    }

    [Fact]
    public async Task A_failed_step_keeps_the_steps_that_depend_on_it_from_starting()
    {
        var recorder = new Recorder();
        var run = ParallelScheduler.RunAsync(3, Deps(new() { [1] = [0], [2] = [1] }), 4, recorder.Step((step, _) =>
            step == 0 ? Task.FromException(new IOException("no answer")) : Task.CompletedTask), CancellationToken.None);

        await Should.ThrowAsync<IOException>(run);
        recorder.Times.Keys.ShouldBe([0]);
    }

    [Fact]
    public async Task Cancelling_starts_nothing_new_waits_for_running_steps_and_throws_cancelled()
    {
        using var cts = new CancellationTokenSource();
        var recorder = new Recorder();
        var running = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var run = ParallelScheduler.RunAsync(8, _ => [], 2, recorder.Step(async (step, ct) =>
        {
            running.TrySetResult();
            await Task.Delay(TimeSpan.FromSeconds(30), ct);
        }), cts.Token);

        await running.Task.WaitAsync(TimeSpan.FromSeconds(10), CancellationToken.None);
        await cts.CancelAsync();
        await Should.ThrowAsync<OperationCanceledException>(run.WaitAsync(TimeSpan.FromSeconds(10)));
        recorder.Times.Keys.Order().ShouldBe([0, 1]);
        recorder.Cancelled.Order().ShouldBe([0, 1]);
    }

    [Fact]
    public async Task A_step_that_times_out_on_its_own_is_a_failure_not_an_interruption()
    {
        var run = ParallelScheduler.RunAsync(2, _ => [], 2, async (step, _) =>
        {
            await Task.Yield();
            if (step == 1)
            {
                throw new TaskCanceledException("the HTTP request timed out");
            }
        }, CancellationToken.None);

        // Awaited by hand: Shouldly reports a cancelled task with an exception of its own.
        Exception? error = null;
        try
        {
            await run;
        }
        catch (Exception e)
        {
            error = e;
        }

        error.ShouldBeOfType<TaskCanceledException>().Message.ShouldBe("the HTTP request timed out");
    }

    [Fact]
    public async Task A_dependency_on_a_later_step_is_refused()
    {
        await Should.ThrowAsync<ArgumentException>(ParallelScheduler.RunAsync(2, step => step == 0 ? [1] : [], 2, (_, _) => Task.CompletedTask, CancellationToken.None));
        await Should.ThrowAsync<ArgumentOutOfRangeException>(ParallelScheduler.RunAsync(2, _ => [], 0, (_, _) => Task.CompletedTask, CancellationToken.None));
    }

    [Fact]
    public async Task No_steps_is_done_at_once()
    {
        await ParallelScheduler.RunAsync(0, _ => [], 4, (_, _) => throw new InvalidOperationException(), CancellationToken.None);
    }

    [Fact]
    public async Task Keeping_on_a_failed_step_stops_only_the_steps_that_depend_on_it()
    {
        // 0 fails; 1 needs 0 and 3 needs 1 (both blocked); 2 and 4 are independent of 0 and run.
        var recorder = new Recorder();
        var graph = new Dictionary<int, int[]> { [1] = [0], [3] = [1, 2], [4] = [2] };
        var failures = await ParallelScheduler.RunEachAsync(5, Deps(graph), 2, recorder.Step(async (step, _) =>
        {
            await Task.Yield();
            if (step == 0)
            {
                throw new InvalidOperationException("held");
            }
        }), CancellationToken.None);

        failures.Keys.ShouldBe([0]);
        failures[0].Message.ShouldBe("held");
        recorder.Times.Keys.Order().ShouldBe([0, 2, 4]);
        recorder.Cancelled.ShouldBeEmpty();
        ParallelScheduler.Blocked(5, Deps(graph), 0).ShouldBe([1, 3]);
        ParallelScheduler.Blocked(5, Deps(graph), 2).ShouldBe([3, 4]);
    }

    /// <summary>A random graph of up to 12 steps (each may depend on earlier ones), the steps that fail, and a bound.</summary>
    private static readonly Gen<(int[][] Graph, bool[] Fails, int Bound)> Graphs =
        Gen.Int[1, 12].SelectMany(count => Gen.Select(
            Gen.Int[0, 99].Array[count * count].Select(coins => Enumerable.Range(0, count)
                .Select(step => Enumerable.Range(0, step).Where(before => coins[(step * count) + before] < 25).ToArray()).ToArray()),
            Gen.Int[0, 99].Array[count].Select(coins => coins.Select(c => c < 15).ToArray()),
            Gen.Int[1, 4]));

    [Fact]
    public void Keeping_on_runs_a_step_after_its_dependencies_and_exactly_when_none_of_them_failed()
    {
        Graphs.Sample(sample =>
        {
            var (graph, fails, bound) = sample;
            var count = graph.Length;
            IEnumerable<int> Before(int step) => graph[step];
            var recorder = new Recorder();

            // When
            var failures = ParallelScheduler.RunEachAsync(count, Before, bound, recorder.Step(async (step, _) =>
            {
                await Task.Yield();
                if (fails[step])
                {
                    throw new InvalidOperationException($"step {step}");
                }
            }), CancellationToken.None).GetAwaiter().GetResult();

            // Then: a step ran only after every step it depends on ended, and it ran exactly when
            // no step it depends on, directly or not, failed (reachability computed here by hand)
            var blocked = new bool[count];
            for (var step = 0; step < count; step++)
            {
                blocked[step] = graph[step].Any(before => blocked[before] || fails[before]);
            }

            for (var step = 0; step < count; step++)
            {
                recorder.Times.ContainsKey(step).ShouldBe(!blocked[step], $"step {step}");
                foreach (var before in graph[step].Where(_ => recorder.Times.ContainsKey(step)))
                {
                    recorder.Times[step].Start.ShouldBeGreaterThan(recorder.Times[before].End);
                }
            }

            failures.Keys.Order().ShouldBe(Enumerable.Range(0, count).Where(step => fails[step] && !blocked[step]));
            recorder.MostAtOnce.ShouldBeLessThanOrEqualTo(bound);
            for (var failed = 0; failed < count; failed++)
            {
                var reached = new bool[count];
                for (var step = failed + 1; step < count; step++)
                {
                    reached[step] = graph[step].Any(before => before == failed || reached[before]);
                }

                ParallelScheduler.Blocked(count, Before, failed).ShouldBe(Enumerable.Range(0, count).Where(step => reached[step]));
            }
        }, iter: 300);
    }
}
