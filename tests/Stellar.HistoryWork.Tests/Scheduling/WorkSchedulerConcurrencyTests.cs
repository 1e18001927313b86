using Stellar.HistoryWork.Scheduling;

namespace Stellar.HistoryWork.Tests.Scheduling;

public class WorkSchedulerConcurrencyTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(16)]
    public async Task RunToCompletionAsync_ManyIndependentWorks_ReachesButNeverExceedsMaxConcurrency(int limit)
    {
        SchedulerTesting.ClearSynchronizationContext();
        var watcher = new StateWatcher();
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var current = 0;
        var max = 0;
        await using var scheduler = new WorkScheduler(new WorkSchedulerOptions { MaxConcurrency = limit, StateChanged = watcher.OnChanged });
        for (var i = 0; i < limit * 5; i++)
        {
            scheduler.Add(new DelegateWork($"w{i}", async (_, _) =>
            {
                var now = Interlocked.Increment(ref current);
                InterlockedMax(ref max, now);
                await release.Task;
                Interlocked.Decrement(ref current);
                return WorkOutcome.Success;
            }));
        }

        var run = scheduler.RunToCompletionAsync();
        await watcher.WhenCountAsync(e => e.State == WorkState.Running, limit);

        // Gives a surplus worker, if there were one, time to start another work. This pause can only make
        // the test pass wrongly on a loaded machine, never fail wrongly; it measures nothing.
        await Task.Delay(100);
        var runningBeforeRelease = watcher.Events.Count(e => e.State == WorkState.Running);
        release.SetResult();
        var result = await run.Guard();

        result.Succeeded.Should().BeTrue();
        runningBeforeRelease.Should().Be(limit, "no further work may start while the first ones hold every slot");
        max.Should().Be(limit);
    }

    [Fact]
    public async Task RunToCompletionAsync_WaitingRetry_DoesNotHoldASlot()
    {
        SchedulerTesting.ClearSynchronizationContext();
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider();
        var watcher = new StateWatcher();
        await using var scheduler = new WorkScheduler(new WorkSchedulerOptions
        {
            MaxConcurrency = 1,
            TimeProvider = time,
            StateChanged = watcher.OnChanged,
        });
        var calls = 0;
        var flaky = scheduler.Add(new DelegateWork("flaky", () => ++calls == 1 ? WorkOutcome.Retry("later") : WorkOutcome.Success));
        var other = scheduler.Add(DelegateWork.Succeeding("other"));

        var run = scheduler.RunToCompletionAsync();
        await watcher.WhenAsync(e => e.Id == other && e.State == WorkState.Succeeded);

        scheduler.GetState(flaky).Should().Be(WorkState.WaitingToRetry);
        time.Advance(WorkBackoff.UpperBound(0));
        (await run.Guard()).Succeeded.Should().BeTrue();
    }

    internal static void InterlockedMax(ref int target, int value)
    {
        var seen = Volatile.Read(ref target);
        while (value > seen)
        {
            var previous = Interlocked.CompareExchange(ref target, value, seen);
            if (previous == seen)
            {
                return;
            }

            seen = previous;
        }
    }
}
