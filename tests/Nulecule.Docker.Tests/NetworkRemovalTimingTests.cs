using Nulecule.Docker.Internal;

namespace Nulecule.Docker.Tests;

/// <summary>
/// When a network delete the engine refuses is tried again and when it is given up
/// (<see cref="NetworkRemoval"/>), on a clock that advances only when the rule waits. The engine's
/// lost endpoint count (moby/moby#42119) cannot be produced on demand on a real engine (it comes from
/// concurrent container exits, a few times in a hundred stops), so these drive the rule with scripted
/// answers; <see cref="NetworkRemovalTests"/> runs the real engine through the other two outcomes.
/// </summary>
public sealed class NetworkRemovalTimingTests
{
    private static readonly Exception Refusal = new InvalidOperationException("network n has active endpoints");

    [Fact]
    public async Task Should_stop_trying_once_the_network_is_gone()
    {
        var clock = new Clock();
        var deletes = 0;

        await NetworkRemoval.RunAsync(
            () => Task.FromResult(++deletes < 3 ? Refusal : null),
            () => Task.FromResult(0),
            () => new StaleEndpointException("n"),
            clock.Now,
            clock.Delay,
            CancellationToken.None);

        deletes.ShouldBe(3);
        clock.Waited.ShouldBe(TimeSpan.FromMilliseconds(250 + 500));
    }

    [Fact]
    public async Task Should_report_the_lost_count_when_nothing_is_attached_for_the_settling_time()
    {
        var clock = new Clock();

        var error = await Should.ThrowAsync<StaleEndpointException>(() => NetworkRemoval.RunAsync(
            () => Task.FromResult<Exception?>(Refusal),
            () => Task.FromResult(0),
            () => new StaleEndpointException("nulecule-web"),
            clock.Now,
            clock.Delay,
            CancellationToken.None));

        clock.Waited.ShouldBeGreaterThanOrEqualTo(NetworkRemoval.Settled);
        clock.Waited.ShouldBeLessThan(NetworkRemoval.Deadline);
        error.Message.ShouldContain("network nulecule-web was left on the engine");
        error.Message.ShouldContain("moby/moby#42119");
        error.Message.ShouldContain("docker network rm nulecule-web");
    }

    [Fact]
    public async Task Should_give_the_engines_refusal_when_a_container_stays_attached()
    {
        var clock = new Clock();

        var error = await Should.ThrowAsync<InvalidOperationException>(() => NetworkRemoval.RunAsync(
            () => Task.FromResult<Exception?>(Refusal),
            () => Task.FromResult(1),
            () => new StaleEndpointException("n"),
            clock.Now,
            clock.Delay,
            CancellationToken.None));

        error.ShouldBeSameAs(Refusal);
        clock.Waited.ShouldBeGreaterThanOrEqualTo(NetworkRemoval.Deadline);
    }

    [Fact]
    public async Task Should_start_the_settling_time_again_after_a_container_was_seen_attached()
    {
        var clock = new Clock();
        var answers = new Queue<int>([0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
        DateTimeOffset? lastAttached = null;

        await Should.ThrowAsync<StaleEndpointException>(() => NetworkRemoval.RunAsync(
            () => Task.FromResult<Exception?>(Refusal),
            () =>
            {
                var attached = answers.Dequeue();
                if (attached > 0)
                {
                    lastAttached = clock.Now();
                }

                return Task.FromResult(attached);
            },
            () => new StaleEndpointException("n"),
            clock.Now,
            clock.Delay,
            CancellationToken.None));

        lastAttached.ShouldNotBeNull();
        (clock.Now() - lastAttached.Value).ShouldBeGreaterThanOrEqualTo(NetworkRemoval.Settled);
    }

    [Fact]
    public async Task Should_not_take_an_unknown_attachment_for_none()
    {
        var clock = new Clock();

        await Should.ThrowAsync<InvalidOperationException>(() => NetworkRemoval.RunAsync(
            () => Task.FromResult<Exception?>(Refusal),
            () => Task.FromResult(-1),
            () => new StaleEndpointException("n"),
            clock.Now,
            clock.Delay,
            CancellationToken.None));
    }

    /// <summary>Time passes only when the rule waits.</summary>
    private sealed class Clock
    {
        private readonly DateTimeOffset _start = new(2026, 12, 1, 12, 0, 0, TimeSpan.Zero);

        public TimeSpan Waited { get; private set; }

        public DateTimeOffset Now() => _start + Waited;

        public Task Delay(TimeSpan pause, CancellationToken cancellationToken)
        {
            Waited += pause;
            return Task.CompletedTask;
        }
    }
}
