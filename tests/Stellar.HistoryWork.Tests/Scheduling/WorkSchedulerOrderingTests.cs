using Stellar.HistoryWork.Scheduling;

namespace Stellar.HistoryWork.Tests.Scheduling;

public class WorkSchedulerOrderingTests
{
    [Fact]
    public async Task RunToCompletionAsync_Diamond_RunsEachWorkAfterAllItsDependencies()
    {
        var log = new OrderLog();
        await using var scheduler = new WorkScheduler();
        var a = scheduler.Add(log.Work("a"));
        var b = scheduler.Add(log.Work("b"), [a]);
        var c = scheduler.Add(log.Work("c"), [a]);
        var d = scheduler.Add(log.Work("d"), [b, c]);

        var result = await scheduler.RunToCompletionAsync().Guard();

        result.Succeeded.Should().BeTrue();
        log.IndexOfStart("b").Should().BeGreaterThan(log.IndexOfEnd("a"));
        log.IndexOfStart("c").Should().BeGreaterThan(log.IndexOfEnd("a"));
        log.IndexOfStart("d").Should().BeGreaterThan(log.IndexOfEnd("b")).And.BeGreaterThan(log.IndexOfEnd("c"));
        result[d].State.Should().Be(WorkState.Succeeded);
        result[d].Attempts.Should().Be(1);
    }

    [Fact]
    public async Task RunToCompletionAsync_LongChain_RunsInOrderWithoutDeepRecursion()
    {
        const int length = 20_000;
        var order = new List<int>(length);
        await using var scheduler = new WorkScheduler();
        WorkId? previous = null;
        for (var i = 0; i < length; i++)
        {
            var index = i;

            // Synchronous completions are the case that would recurse if a finished work started its dependent inline.
            var work = new DelegateWork($"link {i}", () =>
            {
                lock (order)
                {
                    order.Add(index);
                }

                return WorkOutcome.Success;
            });
            previous = scheduler.Add(work, previous is { } p ? [p] : null);
        }

        var result = await scheduler.RunToCompletionAsync().Guard();

        result.Succeeded.Should().BeTrue();
        order.Should().HaveCount(length).And.BeInAscendingOrder();
    }

    [Fact]
    public async Task RunToCompletionAsync_SlowWork_DoesNotHoldUpUnrelatedWorks()
    {
        SchedulerTesting.ClearSynchronizationContext();
        var watcher = new StateWatcher();
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var scheduler = new WorkScheduler(new WorkSchedulerOptions { MaxConcurrency = 2, StateChanged = watcher.OnChanged });
        var slow = scheduler.Add(new DelegateWork("slow", async (_, ct) =>
        {
            await release.Task.WaitAsync(ct);
            return WorkOutcome.Success;
        }));
        scheduler.Add(DelegateWork.Succeeding("after slow"), [slow]);
        const int others = 200;
        WorkId? link = null;
        for (var i = 0; i < others; i++)
        {
            link = scheduler.Add(DelegateWork.Succeeding($"other {i}"), i % 2 == 0 && link is { } l ? [l] : null);
        }

        var run = scheduler.RunToCompletionAsync();
        await watcher.WhenCountAsync(e => e.State == WorkState.Succeeded, others);

        scheduler.GetState(slow).Should().Be(WorkState.Running);
        run.IsCompleted.Should().BeFalse();
        release.SetResult();
        var result = await run.Guard();
        result.Succeeded.Should().BeTrue();
    }

    [Fact]
    public async Task RunToCompletionAsync_NoWorks_SucceedsAtOnce()
    {
        await using var scheduler = new WorkScheduler();

        var result = await scheduler.RunToCompletionAsync().Guard();

        result.Succeeded.Should().BeTrue();
        result.Works.Should().BeEmpty();
    }

    [Fact]
    public async Task RunToCompletionAsync_DuplicateDependency_CountsOnce()
    {
        await using var scheduler = new WorkScheduler();
        var a = scheduler.Add(DelegateWork.Succeeding("a"));
        var b = scheduler.Add(DelegateWork.Succeeding("b"), [a, a, a]);

        var result = await scheduler.RunToCompletionAsync().Guard();

        result[b].State.Should().Be(WorkState.Succeeded);
    }

    [Fact]
    public async Task RunToCompletionAsync_StateChanges_AreReportedInOrderToCallbackAndProgress()
    {
        var fromCallback = new List<WorkEvent>();
        var fromProgress = new List<WorkEvent>();
        var progress = new SynchronousProgress(fromProgress);
        await using var scheduler = new WorkScheduler(new WorkSchedulerOptions
        {
            RetryDelay = _ => TimeSpan.Zero,
            StateChanged = fromCallback.Add,
            Progress = progress,
        });
        var calls = 0;
        var id = scheduler.Add(new DelegateWork("flaky", () => ++calls == 1 ? WorkOutcome.Retry("first try fails") : WorkOutcome.Success));

        await scheduler.RunToCompletionAsync().Guard();

        fromCallback.Select(e => e.State).Should().Equal(
            WorkState.Running, WorkState.WaitingToRetry, WorkState.Pending, WorkState.Running, WorkState.Succeeded);
        fromCallback.Should().OnlyContain(e => e.Id == id && e.Name == "flaky");
        fromCallback[1].Reason.Should().Be("first try fails");
        fromCallback[1].RetryDelay.Should().Be(TimeSpan.Zero);
        fromCallback[4].Attempt.Should().Be(2);
        fromProgress.Should().Equal(fromCallback);
    }

    [Fact]
    public async Task RunToCompletionAsync_ObserverThrows_RunStillCompletes()
    {
        var loggers = new RecordingLoggerFactory();
        await using var scheduler = new WorkScheduler(new WorkSchedulerOptions
        {
            LoggerFactory = loggers,
            StateChanged = _ => throw new InvalidOperationException("observer bug"),
        });
        var a = scheduler.Add(DelegateWork.Succeeding("a"));
        scheduler.Add(DelegateWork.Succeeding("b"), [a]);

        var result = await scheduler.RunToCompletionAsync().Guard();

        result.Succeeded.Should().BeTrue();
        loggers.Entries.Should().Contain(e => e.EventId.Id == 3020 && e.Error!.Message == "observer bug");
    }

    private sealed class SynchronousProgress(List<WorkEvent> sink) : IProgress<WorkEvent>
    {
        public void Report(WorkEvent value) => sink.Add(value);
    }
}
