using Stellar.HistoryWork.Scheduling;

namespace Stellar.HistoryWork.Tests.Scheduling;

public class WorkSchedulerBlockingTests
{
    [Fact]
    public async Task RunToCompletionAsync_FailedWork_BlocksDependentsTransitivelyButNotOthers()
    {
        await using var scheduler = new WorkScheduler(new WorkSchedulerOptions { RetryDelay = _ => TimeSpan.Zero });
        var root = scheduler.Add(DelegateWork.Succeeding("root"));
        var bad = scheduler.Add(new DelegateWork("bad", () => WorkOutcome.Failed("broken")), [root]);
        var child = scheduler.Add(DelegateWork.Succeeding("child"), [bad]);
        var sibling = scheduler.Add(DelegateWork.Succeeding("sibling"), [root]);
        var grandchild = scheduler.Add(DelegateWork.Succeeding("grandchild"), [child, sibling]);
        var unrelated = scheduler.Add(DelegateWork.Succeeding("unrelated"));
        var afterUnrelated = scheduler.Add(DelegateWork.Succeeding("after unrelated"), [unrelated, sibling]);

        var result = await scheduler.RunToCompletionAsync().Guard();

        result.Succeeded.Should().BeFalse();
        result[bad].State.Should().Be(WorkState.Failed);
        result[child].State.Should().Be(WorkState.Blocked);
        result[grandchild].State.Should().Be(WorkState.Blocked);
        result[child].Attempts.Should().Be(0);
        result[grandchild].BlockedBy.Should().Be(bad);
        result[grandchild].Reason.Should().Contain("bad");
        result[sibling].State.Should().Be(WorkState.Succeeded);
        result[afterUnrelated].State.Should().Be(WorkState.Succeeded);
        result.CountOf(WorkState.Blocked).Should().Be(2);
    }

    [Fact]
    public async Task RunToCompletionAsync_WorkReturnsCancelled_BlocksDependents()
    {
        await using var scheduler = new WorkScheduler();
        var stop = scheduler.Add(new DelegateWork("stops", () => WorkOutcome.Cancelled));
        var next = scheduler.Add(DelegateWork.Succeeding("next"), [stop]);

        var result = await scheduler.RunToCompletionAsync().Guard();

        result[stop].State.Should().Be(WorkState.Cancelled);
        result[next].State.Should().Be(WorkState.Blocked);
        result.WasCancelled.Should().BeFalse("only the work stopped, not the run");
    }

    [Fact]
    public async Task RunToCompletionAsync_RetriesExhausted_BlocksDependents()
    {
        await using var scheduler = new WorkScheduler(new WorkSchedulerOptions { RetryDelay = _ => TimeSpan.Zero });
        var flaky = scheduler.Add(new DelegateWork("flaky", () => WorkOutcome.Retry("no")), maxRetries: 1);
        var dependents = Enumerable.Range(0, 50).Select(i => scheduler.Add(DelegateWork.Succeeding($"d{i}"), [flaky])).ToList();

        var result = await scheduler.RunToCompletionAsync().Guard();

        dependents.Should().OnlyContain(d => result[d].State == WorkState.Blocked);
    }
}
