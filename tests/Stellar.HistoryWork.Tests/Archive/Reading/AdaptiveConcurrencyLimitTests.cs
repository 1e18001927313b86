using Microsoft.Extensions.Time.Testing;
using Signal = Stellar.HistoryWork.AdaptiveConcurrencyLimit.Signal;

namespace Stellar.HistoryWork.Tests.Archive.Reading;

public class AdaptiveConcurrencyLimitTests
{
    private readonly FakeTimeProvider _time = new();

    [Fact]
    public async Task Release_OverloadFromOneBurst_HalvesOnce()
    {
        var limit = await GrownAsync(16);
        var burst = await AcquireAsync(limit, 16);

        foreach (var lease in burst)
        {
            lease.Release(Signal.Overload);
        }

        limit.Limit.Should().Be(8, "requests admitted together fail together: one halving, not sixteen");
    }

    [Fact]
    public async Task Release_OverloadAfterADecrease_HalvesAgain()
    {
        var limit = await GrownAsync(16);
        (await limit.AcquireAsync()).Release(Signal.Overload);
        (await limit.AcquireAsync()).Release(Signal.Overload);
        (await limit.AcquireAsync()).Release(Signal.Overload);

        limit.Limit.Should().Be(2);
        for (var i = 0; i < 5; i++)
        {
            (await limit.AcquireAsync()).Release(Signal.Overload);
        }

        limit.Limit.Should().Be(1, "the limit never drops below one");
    }

    [Fact]
    public async Task Release_Successes_GrowByOnePerLimitAfterTheHold()
    {
        var limit = await GrownAsync(16);
        (await limit.AcquireAsync()).Release(Signal.Overload);
        (await limit.AcquireAsync()).Release(Signal.Overload);
        limit.Limit.Should().Be(4);

        await SucceedAsync(limit, 20);
        limit.Limit.Should().Be(4, "no growth while the server drains");

        _time.Advance(AdaptiveConcurrencyLimit.HoldAfterDecrease);
        await SucceedAsync(limit, 4);
        limit.Limit.Should().Be(5, "a limit's worth of successes adds one");
        await SucceedAsync(limit, 1000);
        limit.Limit.Should().Be(5, "no second step before the overload the first could cause has had time to show");

        await GrowStepsAsync(limit, 1);
        limit.Limit.Should().Be(6);
        await GrowStepsAsync(limit, 3);
        limit.Limit.Should().Be(7, "below the limit that overloaded (8) while the plateau lasts");

        _time.Advance(AdaptiveConcurrencyLimit.PlateauDuration);
        await GrowStepsAsync(limit, 20);
        limit.Limit.Should().Be(16, "growth stops at the ceiling");
    }

    [Fact]
    public async Task Release_OverloadWithRetryAfter_HoldsForTheHintUpToTheMaximum()
    {
        var limit = await GrownAsync(8);
        (await limit.AcquireAsync()).Release(Signal.Overload, TimeSpan.FromDays(400));

        _time.Advance(TimeSpan.FromSeconds(29));
        await SucceedAsync(limit, 10);
        limit.Limit.Should().Be(4);

        _time.Advance(TimeSpan.FromSeconds(1));
        await SucceedAsync(limit, 4);
        limit.Limit.Should().Be(5, "the hold ends at the maximum, whatever the hint");
    }

    [Fact]
    public async Task Release_SuccessAnsweredAfterADroppedConnect_HalvesLikeAnOverload()
    {
        // Issue 9 defect 5: a small server's full listen queue drops connection attempts; TCP resends them
        // a second later, so the request succeeds, late. Found by timing the answer against the fastest.
        var limit = await GrownAsync(16);
        await AnswerAsync(limit, TimeSpan.FromMilliseconds(4));
        await AnswerAsync(limit, TimeSpan.FromMilliseconds(6));
        limit.Limit.Should().Be(16);

        await AnswerAsync(limit, TimeSpan.FromMilliseconds(1005));

        limit.Limit.Should().Be(8, "an answer a second later than the fastest came from a queue");
    }

    [Fact]
    public async Task Release_Successes_StayBelowTheLimitThatOverloadedUntilThePlateauEnds()
    {
        var limit = await GrownAsync(8);
        (await limit.AcquireAsync()).Release(Signal.Overload);
        _time.Advance(AdaptiveConcurrencyLimit.HoldAfterDecrease);

        await GrowStepsAsync(limit, 5);
        limit.Limit.Should().Be(7, "one less than the limit that overloaded, while the plateau lasts");

        _time.Advance(AdaptiveConcurrencyLimit.PlateauDuration);
        await GrowStepsAsync(limit, 1);
        limit.Limit.Should().Be(8, "then it probes the old limit again");
    }

    [Fact]
    public async Task Release_SuccessWithinTheSlack_IsASuccess()
    {
        var limit = await GrownAsync(16);
        (await limit.AcquireAsync()).Release(Signal.Overload);
        _time.Advance(AdaptiveConcurrencyLimit.HoldAfterDecrease);
        await AnswerAsync(limit, TimeSpan.FromMilliseconds(200));
        for (var i = 0; i < 7; i++)
        {
            // Twice the fastest (200 ms) plus the slack, minus a little: ordinary jitter of a distant server.
            await AnswerAsync(limit, (2 * TimeSpan.FromMilliseconds(200)) + AdaptiveConcurrencyLimit.QueuedAnswerSlack - TimeSpan.FromMilliseconds(10));
        }

        limit.Limit.Should().Be(9, "eight answers within the slack are eight successes");
    }

    [Fact]
    public async Task Release_SlowAnswerNotAdaptive_KeepsTheCeiling()
    {
        var limit = new AdaptiveConcurrencyLimit(8, adaptive: false, _time, TimeSpan.FromSeconds(30));
        await AnswerAsync(limit, TimeSpan.FromMilliseconds(1));
        await AnswerAsync(limit, TimeSpan.FromSeconds(5));

        limit.Limit.Should().Be(8);
    }

    [Fact]
    public async Task AcquireAsync_Adaptive_StartsLowAndDoublesUntilTheFirstOverload()
    {
        // TCP's slow start: a burst at a high --concurrency never floods a small server at the start.
        var limit = Limit(32);
        limit.Limit.Should().Be(AdaptiveConcurrencyLimit.StartLimit).And.Be(2);

        await SucceedAsync(limit, 2);
        limit.Limit.Should().Be(4, "a limit's worth of successes doubles the limit while starting");
        await SucceedAsync(limit, 100);
        limit.Limit.Should().Be(4, "one step per interval, however fast successes come");
        await GrowStepsAsync(limit, 1);
        limit.Limit.Should().Be(8);

        (await limit.AcquireAsync()).Release(Signal.Overload);
        limit.Limit.Should().Be(4);
        await SucceedAsync(limit, 100);
        limit.Limit.Should().Be(4, "after the first overload, one step per growth interval");
        await GrowStepsAsync(limit, 1);
        limit.Limit.Should().Be(5, "after the first overload it grows by one per step");
    }

    [Fact]
    public async Task Release_DoublingAnsweredTwiceAsLate_GoesBackAndEndsTheStart()
    {
        // A server that works one request at a time answers twice the requests twice as late: it queues them,
        // and its listen queue overflows (a dropped connection attempt costs a second) a doubling or two later.
        var limit = Limit(32);
        await AnswerBurstsAsync(limit, 4, TimeSpan.FromMilliseconds(10));
        limit.Limit.Should().Be(4);

        _time.Advance(AdaptiveConcurrencyLimit.StartInterval + TimeSpan.FromMilliseconds(20));
        await AnswerBurstsAsync(limit, 4, TimeSpan.FromMilliseconds(21));

        limit.Limit.Should().Be(2, "the answers at 4 came 2.1 times as late as at 2: back to 2");
        await GrowStepsAsync(limit, 5);
        limit.Limit.Should().Be(3, "the start is over (one more per step), and below the queueing limit while the plateau lasts");
    }

    [Fact]
    public async Task Release_DoublingAnsweredAsFast_ReachesTheCeilingWithinASecondOrSo()
    {
        // A distant fast archive (a CDN): every answer 20 ms, whatever the requests in flight.
        var limit = Limit(32);
        var start = _time.GetUtcNow();
        for (var round = 0; round < 200 && limit.Limit < 32; round++)
        {
            await AnswerBurstsAsync(limit, limit.Limit, TimeSpan.FromMilliseconds(20));
        }

        limit.Limit.Should().Be(32);
        (_time.GetUtcNow() - start).Should().BeLessThan(2 * AdaptiveConcurrencyLimit.GrowthInterval, "four doublings, each judged on its own answers, not paced like the additive steps");
    }

    [Fact]
    public async Task Release_DoublingAnsweredWithinTheTolerance_KeepsDoubling()
    {
        var limit = Limit(32);
        await AnswerBurstsAsync(limit, 4, TimeSpan.FromMilliseconds(20));
        _time.Advance(AdaptiveConcurrencyLimit.StartInterval + TimeSpan.FromMilliseconds(40));
        await AnswerBurstsAsync(limit, 4, TimeSpan.FromMilliseconds(29));

        limit.Limit.Should().Be(8, "29 ms after 20 ms is jitter, under the tolerance of 1.5");
    }

    [Fact]
    public async Task Release_NotAdaptive_KeepsTheCeiling()
    {
        var limit = new AdaptiveConcurrencyLimit(8, adaptive: false, _time, TimeSpan.FromSeconds(30));
        (await limit.AcquireAsync()).Release(Signal.Overload);

        limit.Limit.Should().Be(8);
    }

    [Fact]
    public async Task AcquireAsync_AtTheLimit_WaitsForARelease()
    {
        var limit = Limit(2);
        var held = await AcquireAsync(limit, 2);

        var waiting = limit.AcquireAsync().AsTask();
        waiting.IsCompleted.Should().BeFalse();

        held[0].Release(Signal.Success);
        held[0].Release(Signal.Success);
        var lease = await waiting.WaitAsync(TimeSpan.FromSeconds(10));
        limit.InFlight.Should().Be(2, "a second release of the same lease frees nothing");
        lease.Release(Signal.Neutral);
        held[1].Release(Signal.Neutral);
        limit.InFlight.Should().Be(0);
    }

    [Fact]
    public async Task AcquireAsync_AfterADecrease_AdmitsOnlyTheNewLimit()
    {
        var limit = await GrownAsync(4);
        var held = await AcquireAsync(limit, 4);
        held[0].Release(Signal.Overload);

        var waiting = limit.AcquireAsync().AsTask();
        held[1].Release(Signal.Neutral);
        waiting.IsCompleted.Should().BeFalse("two are still in flight and the limit is now two");
        held[2].Release(Signal.Neutral);
        (await waiting.WaitAsync(TimeSpan.FromSeconds(10))).Release(Signal.Neutral);
        held[3].Release(Signal.Neutral);
    }

    [Fact]
    public async Task AcquireAsync_CancelledWhileWaiting_ThrowsAndFreesNothing()
    {
        var limit = Limit(1);
        var held = await limit.AcquireAsync();
        using var cancel = new CancellationTokenSource();

        var waiting = limit.AcquireAsync(cancel.Token).AsTask();
        await cancel.CancelAsync();

        await FluentActions.Awaiting(() => waiting).Should().ThrowAsync<OperationCanceledException>();
        held.Release(Signal.Success);
        limit.InFlight.Should().Be(0);
        (await limit.AcquireAsync()).Release(Signal.Success);
    }

    private AdaptiveConcurrencyLimit Limit(int ceiling) => new(ceiling, adaptive: true, _time, TimeSpan.FromSeconds(30));

    /// <summary>An adaptive limit grown out of its slow start to its ceiling.</summary>
    private async Task<AdaptiveConcurrencyLimit> GrownAsync(int ceiling)
    {
        var limit = Limit(ceiling);
        await GrowStepsAsync(limit, 8);
        limit.Limit.Should().Be(ceiling);
        return limit;
    }

    /// <summary><paramref name="steps"/> times: a growth interval passes and a limit's worth of requests succeeds.</summary>
    private async Task GrowStepsAsync(AdaptiveConcurrencyLimit limit, int steps)
    {
        for (var i = 0; i < steps; i++)
        {
            _time.Advance(AdaptiveConcurrencyLimit.GrowthInterval);
            await SucceedAsync(limit, limit.Limit);
        }
    }

    private static async Task<List<AdaptiveConcurrencyLimit.Lease>> AcquireAsync(AdaptiveConcurrencyLimit limit, int count)
    {
        var leases = new List<AdaptiveConcurrencyLimit.Lease>();
        for (var i = 0; i < count; i++)
        {
            leases.Add(await limit.AcquireAsync());
        }

        return leases;
    }

    private async Task AnswerAsync(AdaptiveConcurrencyLimit limit, TimeSpan after)
    {
        var lease = await limit.AcquireAsync();
        _time.Advance(after);
        lease.Answered();
        lease.Release(Signal.Success);
    }

    /// <summary>
    /// At least <paramref name="answers"/> requests, in bursts of the limit at the time: all admitted together, all
    /// answered <paramref name="after"/> later, as requests in flight at once are.
    /// </summary>
    private async Task AnswerBurstsAsync(AdaptiveConcurrencyLimit limit, int answers, TimeSpan after)
    {
        for (var answered = 0; answered < answers;)
        {
            var burst = await AcquireAsync(limit, limit.Limit - limit.InFlight);
            _time.Advance(after);
            foreach (var lease in burst)
            {
                lease.Answered();
                lease.Release(Signal.Success);
            }

            answered += burst.Count;
        }
    }

    private static async Task SucceedAsync(AdaptiveConcurrencyLimit limit, int count)
    {
        for (var i = 0; i < count; i++)
        {
            (await limit.AcquireAsync()).Release(Signal.Success);
        }
    }
}
