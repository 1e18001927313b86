using Microsoft.Extensions.Time.Testing;
using Stellar.HistoryWork.Scheduling;

namespace Stellar.HistoryWork.Tests.Scheduling;

public class WorkSchedulerRetryTests
{
    private static readonly Func<int, TimeSpan> NoDelay = _ => TimeSpan.Zero;

    [Theory]
    [InlineData(WorkRetries.Never)]
    [InlineData(WorkRetries.Once)]
    [InlineData(WorkRetries.AFew)]
    [InlineData(WorkRetries.ALot)]
    public async Task RunToCompletionAsync_AlwaysRetry_MakesMaxRetriesPlusOneAttemptsThenFails(int maxRetries)
    {
        await using var scheduler = new WorkScheduler(new WorkSchedulerOptions { RetryDelay = NoDelay });
        var work = new DelegateWork("never works", () => WorkOutcome.Retry("still broken"));
        var id = scheduler.Add(work, maxRetries: maxRetries);

        var result = await scheduler.RunToCompletionAsync().Guard();

        work.Attempts.Should().Be(maxRetries + 1);
        result[id].Attempts.Should().Be(maxRetries + 1);
        result[id].State.Should().Be(WorkState.Failed);
        result[id].Reason.Should().Contain("still broken").And.Contain($"{maxRetries + 1} attempts");
    }

    [Fact]
    public async Task RunToCompletionAsync_NoMaxRetries_UsesDefaultMaxRetries()
    {
        await using var scheduler = new WorkScheduler(new WorkSchedulerOptions { RetryDelay = NoDelay, DefaultMaxRetries = 2 });
        var work = new DelegateWork("never works", () => WorkOutcome.Retry("no"));
        scheduler.Add(work);

        await scheduler.RunToCompletionAsync().Guard();

        work.Attempts.Should().Be(3);
    }

    [Fact]
    public void Options_Defaults_MatchTheReferenceNode()
    {
        var options = new WorkSchedulerOptions();

        options.MaxConcurrency.Should().Be(16);
        options.DefaultMaxRetries.Should().Be(5);
        options.TimeProvider.Should().BeSameAs(TimeProvider.System);
        options.RetryDelay(3).Should().BeGreaterThanOrEqualTo(TimeSpan.FromSeconds(5)).And.BeLessThanOrEqualTo(TimeSpan.FromSeconds(8));
    }

    [Fact]
    public async Task RunToCompletionAsync_RetryThenSuccess_SucceedsAndContextTellsItIsARetry()
    {
        await using var scheduler = new WorkScheduler(new WorkSchedulerOptions { RetryDelay = NoDelay });
        var calls = 0;
        var work = new DelegateWork("flaky", () => ++calls < 3 ? WorkOutcome.Retry($"failure {calls}") : WorkOutcome.Success);
        var id = scheduler.Add(work, maxRetries: 5);

        var result = await scheduler.RunToCompletionAsync().Guard();

        result[id].State.Should().Be(WorkState.Succeeded);
        result[id].Attempts.Should().Be(3);
        result[id].Reason.Should().BeNull();
        work.Contexts.Select(c => (c.Attempt, c.IsRetry, c.RetriesDone)).Should().Equal((1, false, 0), (2, true, 1), (3, true, 2));
        work.Contexts[0].PreviousOutcome.Should().BeNull();
        work.Contexts[2].PreviousOutcome!.Reason.Should().Be("failure 2");
        work.Contexts.Should().OnlyContain(c => c.Id == id && c.MaxRetries == 5 && c.Logger != null);
        work.Contexts.Should().OnlyContain(c => !c.IsLastAttempt);
    }

    [Fact]
    public async Task RunToCompletionAsync_WorkThrows_IsRetriedAndKeepsTheException()
    {
        await using var scheduler = new WorkScheduler(new WorkSchedulerOptions { RetryDelay = NoDelay });
        var boom = new IOException("connection reset");
        var work = new DelegateWork("throws", (_, _) => throw boom);
        var id = scheduler.Add(work, maxRetries: 2);

        var result = await scheduler.RunToCompletionAsync().Guard();

        work.Attempts.Should().Be(3);
        result[id].State.Should().Be(WorkState.Failed);
        result[id].Error.Should().BeSameAs(boom);
        result[id].Reason.Should().Contain("connection reset");
        work.Contexts[1].PreviousOutcome!.Error.Should().BeSameAs(boom);
    }

    [Fact]
    public async Task RunToCompletionAsync_WorkThrowsAsynchronously_IsRetried()
    {
        await using var scheduler = new WorkScheduler(new WorkSchedulerOptions { RetryDelay = NoDelay });
        var calls = 0;
        var work = new DelegateWork("throws later", async (_, _) =>
        {
            await Task.Yield();
            return ++calls == 1 ? throw new InvalidDataException("bad") : WorkOutcome.Success;
        });
        var id = scheduler.Add(work);

        var result = await scheduler.RunToCompletionAsync().Guard();

        result[id].State.Should().Be(WorkState.Succeeded);
        result[id].Attempts.Should().Be(2);
    }

    [Fact]
    public async Task RunToCompletionAsync_FailedOutcome_IsNotRetried()
    {
        await using var scheduler = new WorkScheduler(new WorkSchedulerOptions { RetryDelay = NoDelay });
        var cause = new InvalidDataException("hash mismatch");
        var work = new DelegateWork("fails", () => WorkOutcome.Failed("bucket hash mismatch", cause));
        var id = scheduler.Add(work, maxRetries: WorkRetries.ALot);

        var result = await scheduler.RunToCompletionAsync().Guard();

        work.Attempts.Should().Be(1);
        result[id].State.Should().Be(WorkState.Failed);
        result[id].Reason.Should().Be("bucket hash mismatch");
        result[id].Error.Should().BeSameAs(cause);
        result.Succeeded.Should().BeFalse();
    }

    [Fact]
    public async Task RunToCompletionAsync_FatalWorkException_IsNotRetried()
    {
        await using var scheduler = new WorkScheduler(new WorkSchedulerOptions { RetryDelay = NoDelay });
        var fatal = new FatalWorkException("the only archive serves a corrupt file");
        var work = new DelegateWork("fatal", (_, _) => throw fatal);
        var id = scheduler.Add(work, maxRetries: WorkRetries.ALot);

        var result = await scheduler.RunToCompletionAsync().Guard();

        work.Attempts.Should().Be(1);
        result[id].State.Should().Be(WorkState.Failed);
        result[id].Error.Should().BeSameAs(fatal);
    }

    [Fact]
    public async Task RunToCompletionAsync_OperationCanceledNotFromTheRun_IsRetried()
    {
        await using var scheduler = new WorkScheduler(new WorkSchedulerOptions { RetryDelay = NoDelay });

        // e.g. an HTTP timeout: cancelled, but not because the scheduler was asked to stop.
        var work = new DelegateWork("timeout", (_, _) => throw new TaskCanceledException("request timed out"));
        var id = scheduler.Add(work, maxRetries: 1);

        var result = await scheduler.RunToCompletionAsync().Guard();

        work.Attempts.Should().Be(2);
        result[id].State.Should().Be(WorkState.Failed);
        result.WasCancelled.Should().BeFalse();
    }

    [Fact]
    public async Task RunToCompletionAsync_DefaultBackoff_WaitsWithinTheReferenceBoundsOnTheTimeProvider()
    {
        SchedulerTesting.ClearSynchronizationContext();
        var time = new FakeTimeProvider();
        var watcher = new StateWatcher();
        const int maxRetries = 4;
        await using var scheduler = new WorkScheduler(new WorkSchedulerOptions { TimeProvider = time, StateChanged = watcher.OnChanged });
        var work = new DelegateWork("always retry", () => WorkOutcome.Retry("unavailable"));
        var id = scheduler.Add(work, maxRetries: maxRetries);

        var run = scheduler.RunToCompletionAsync();
        for (var retry = 0; retry < maxRetries; retry++)
        {
            var waiting = await watcher.WhenAsync(e => e.State == WorkState.WaitingToRetry && e.Attempt == retry + 1);
            var delay = waiting.RetryDelay!.Value;
            delay.Should().BeGreaterThanOrEqualTo(WorkBackoff.LowerBound(retry)).And.BeLessThanOrEqualTo(WorkBackoff.UpperBound(retry));

            time.Advance(delay - TimeSpan.FromTicks(1));
            scheduler.GetState(id).Should().Be(WorkState.WaitingToRetry, "retry {0} must wait its full delay", retry + 1);
            work.Attempts.Should().Be(retry + 1);

            time.Advance(TimeSpan.FromTicks(1));
            scheduler.GetState(id).Should().NotBe(WorkState.WaitingToRetry);
        }

        var result = await run.Guard();
        result[id].Attempts.Should().Be(maxRetries + 1);
        result[id].State.Should().Be(WorkState.Failed);
    }

    [Fact]
    public async Task RunToCompletionAsync_CustomRetryDelay_GetsRetriesDoneSoFar()
    {
        SchedulerTesting.ClearSynchronizationContext();
        var asked = new List<int>();
        await using var scheduler = new WorkScheduler(new WorkSchedulerOptions
        {
            RetryDelay = n =>
            {
                lock (asked)
                {
                    asked.Add(n);
                }

                return TimeSpan.Zero;
            },
        });
        scheduler.Add(new DelegateWork("always retry", () => WorkOutcome.Retry("no")), maxRetries: 3);

        await scheduler.RunToCompletionAsync().Guard();

        asked.Should().Equal(0, 1, 2);
    }

    [Fact]
    public async Task RunToCompletionAsync_FinalAttempt_IsMarkedLast()
    {
        await using var scheduler = new WorkScheduler(new WorkSchedulerOptions { RetryDelay = NoDelay });
        var work = new DelegateWork("always retry", () => WorkOutcome.Retry("no"));
        scheduler.Add(work, maxRetries: 2);

        await scheduler.RunToCompletionAsync().Guard();

        work.Contexts.Select(c => c.IsLastAttempt).Should().Equal(false, false, true);
    }

    [Fact]
    public async Task RunToCompletionAsync_RetryDelayThrows_FailsTheWorkNotTheRun()
    {
        await using var scheduler = new WorkScheduler(new WorkSchedulerOptions { RetryDelay = _ => throw new InvalidOperationException("bad delay") });
        var id = scheduler.Add(new DelegateWork("retry", () => WorkOutcome.Retry("no")));
        var other = scheduler.Add(DelegateWork.Succeeding("other"));

        var result = await scheduler.RunToCompletionAsync().Guard();

        result[id].State.Should().Be(WorkState.Failed);
        result[id].Reason.Should().Contain("RetryDelay");
        result[other].State.Should().Be(WorkState.Succeeded);
    }
}
