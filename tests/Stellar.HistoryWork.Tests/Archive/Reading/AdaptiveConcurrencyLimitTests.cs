using Microsoft.Extensions.Time.Testing;
using Signal = Stellar.HistoryWork.AdaptiveConcurrencyLimit.Signal;

namespace Stellar.HistoryWork.Tests.Archive.Reading;

public class AdaptiveConcurrencyLimitTests
{
    private readonly FakeTimeProvider _time = new();

    [Fact]
    public async Task Release_OverloadFromOneBurst_HalvesOnce()
    {
        var limit = Limit(16);
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
        var limit = Limit(16);
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
        var limit = Limit(16);
        (await limit.AcquireAsync()).Release(Signal.Overload);
        (await limit.AcquireAsync()).Release(Signal.Overload);
        limit.Limit.Should().Be(4);

        await SucceedAsync(limit, 20);
        limit.Limit.Should().Be(4, "no growth while the server drains");

        _time.Advance(AdaptiveConcurrencyLimit.HoldAfterDecrease);
        await SucceedAsync(limit, 4);
        limit.Limit.Should().Be(5, "a limit's worth of successes adds one");
        await SucceedAsync(limit, 5);
        limit.Limit.Should().Be(6);

        await SucceedAsync(limit, 1000);
        limit.Limit.Should().Be(16, "growth stops at the ceiling");
    }

    [Fact]
    public async Task Release_OverloadWithRetryAfter_HoldsForTheHintUpToTheMaximum()
    {
        var limit = new AdaptiveConcurrencyLimit(8, adaptive: true, _time, maxHold: TimeSpan.FromSeconds(30));
        (await limit.AcquireAsync()).Release(Signal.Overload, TimeSpan.FromDays(400));

        _time.Advance(TimeSpan.FromSeconds(29));
        await SucceedAsync(limit, 10);
        limit.Limit.Should().Be(4);

        _time.Advance(TimeSpan.FromSeconds(1));
        await SucceedAsync(limit, 4);
        limit.Limit.Should().Be(5, "the hold ends at the maximum, whatever the hint");
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
        var limit = Limit(4);
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

    private static async Task<List<AdaptiveConcurrencyLimit.Lease>> AcquireAsync(AdaptiveConcurrencyLimit limit, int count)
    {
        var leases = new List<AdaptiveConcurrencyLimit.Lease>();
        for (var i = 0; i < count; i++)
        {
            leases.Add(await limit.AcquireAsync());
        }

        return leases;
    }

    private static async Task SucceedAsync(AdaptiveConcurrencyLimit limit, int count)
    {
        for (var i = 0; i < count; i++)
        {
            (await limit.AcquireAsync()).Release(Signal.Success);
        }
    }
}
