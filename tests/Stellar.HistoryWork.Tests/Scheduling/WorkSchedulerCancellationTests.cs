using Microsoft.Extensions.Time.Testing;
using Stellar.HistoryWork.Scheduling;

namespace Stellar.HistoryWork.Tests.Scheduling;

public class WorkSchedulerCancellationTests
{
    [Fact]
    public async Task RunToCompletionAsync_TokenCancelledWhileWorksRun_CancelsThemAndStartsNothingNew()
    {
        SchedulerTesting.ClearSynchronizationContext();
        var watcher = new StateWatcher();
        using var cts = new CancellationTokenSource();
        var started = 0;
        var sawCancellation = 0;
        await using var scheduler = new WorkScheduler(new WorkSchedulerOptions { MaxConcurrency = 3, StateChanged = watcher.OnChanged });
        var ids = new List<WorkId>();
        for (var i = 0; i < 10; i++)
        {
            ids.Add(scheduler.Add(new DelegateWork($"w{i}", async (_, ct) =>
            {
                Interlocked.Increment(ref started);
                try
                {
                    await Task.Delay(Timeout.InfiniteTimeSpan, ct);
                }
                catch (OperationCanceledException)
                {
                    Interlocked.Increment(ref sawCancellation);
                    throw;
                }

                return WorkOutcome.Success;
            })));
        }

        var dependent = scheduler.Add(DelegateWork.Succeeding("dependent"), [ids[0]]);

        var run = scheduler.RunToCompletionAsync(cts.Token);
        await watcher.WhenCountAsync(e => e.State == WorkState.Running, 3);
        await cts.CancelAsync();
        var result = await run.Guard();

        result.WasCancelled.Should().BeTrue();
        result.Succeeded.Should().BeFalse();
        started.Should().Be(3);
        sawCancellation.Should().Be(3);
        result.Works.Should().OnlyContain(w => w.State == WorkState.Cancelled);
        result.Works.Count(w => w.Attempts == 1).Should().Be(3);
        result[dependent].Attempts.Should().Be(0);
    }

    [Fact]
    public async Task CancelAll_WhileARetryWaits_EndsTheWaitWithoutAdvancingTime()
    {
        SchedulerTesting.ClearSynchronizationContext();
        var time = new FakeTimeProvider();
        var watcher = new StateWatcher();
        await using var scheduler = new WorkScheduler(new WorkSchedulerOptions { TimeProvider = time, StateChanged = watcher.OnChanged });
        var error = new IOException("archive down");
        var work = new DelegateWork("retrying", (_, _) => throw error);
        var id = scheduler.Add(work, maxRetries: WorkRetries.ALot);

        var run = scheduler.RunToCompletionAsync();
        await watcher.WhenAsync(e => e.State == WorkState.WaitingToRetry);
        scheduler.CancelAll();
        var result = await run.Guard();

        result[id].State.Should().Be(WorkState.Cancelled);
        result[id].Attempts.Should().Be(1);
        result[id].Error.Should().BeSameAs(error);
        result.WasCancelled.Should().BeTrue();
        time.Advance(TimeSpan.FromHours(1));
        work.Attempts.Should().Be(1, "a cancelled retry must never fire later");
    }

    [Fact]
    public async Task CancelAll_BeforeRun_RunsNothing()
    {
        await using var scheduler = new WorkScheduler();
        var work = DelegateWork.Succeeding("never");
        var id = scheduler.Add(work);
        scheduler.CancelAll();

        var result = await scheduler.RunToCompletionAsync().Guard();

        work.Attempts.Should().Be(0);
        result[id].State.Should().Be(WorkState.Cancelled);
        result.WasCancelled.Should().BeTrue();
    }

    [Fact]
    public async Task RunToCompletionAsync_TokenAlreadyCancelled_CancelsEveryWork()
    {
        await using var scheduler = new WorkScheduler();
        var a = scheduler.Add(DelegateWork.Succeeding("a"));
        scheduler.Add(DelegateWork.Succeeding("b"), [a]);

        var result = await scheduler.RunToCompletionAsync(new CancellationToken(canceled: true)).Guard();

        result.Works.Should().OnlyContain(w => w.State == WorkState.Cancelled && w.Attempts == 0);
    }

    [Fact]
    public async Task CancelAll_FromAWork_StopsTheRest()
    {
        SchedulerTesting.ClearSynchronizationContext();
        WorkScheduler? self = null;
        await using var scheduler = new WorkScheduler(new WorkSchedulerOptions { MaxConcurrency = 1 });
        self = scheduler;
        var first = scheduler.Add(new DelegateWork("cancels", () =>
        {
            self.CancelAll();
            return WorkOutcome.Success;
        }));
        var second = scheduler.Add(DelegateWork.Succeeding("second"), [first]);
        var third = scheduler.Add(DelegateWork.Succeeding("third"));

        var result = await scheduler.RunToCompletionAsync().Guard();

        result[first].State.Should().Be(WorkState.Succeeded, "it finished its attempt");
        result[second].State.Should().Be(WorkState.Cancelled);
        result[third].State.Should().Be(WorkState.Cancelled);
    }

    [Fact]
    public async Task DisposeAsync_WhileRunning_CancelsAndWaits()
    {
        SchedulerTesting.ClearSynchronizationContext();
        var watcher = new StateWatcher();
        var scheduler = new WorkScheduler(new WorkSchedulerOptions { StateChanged = watcher.OnChanged });
        var id = scheduler.Add(new DelegateWork("waits", async (_, ct) =>
        {
            await Task.Delay(Timeout.InfiniteTimeSpan, ct);
            return WorkOutcome.Success;
        }));
        var run = scheduler.RunToCompletionAsync();
        await watcher.WhenAsync(e => e.State == WorkState.Running);

        await scheduler.DisposeAsync();

        run.IsCompleted.Should().BeTrue();
        (await run)[id].State.Should().Be(WorkState.Cancelled);
        var act = () => scheduler.GetState(id);
        act.Should().NotThrow("state stays readable after disposal");
    }
}
