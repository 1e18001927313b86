using Stellar.HistoryWork.Scheduling;

namespace Stellar.HistoryWork.Tests.Scheduling;

public class WorkSchedulerMisuseTests
{
    [Fact]
    public async Task Add_DependencyFromAnotherScheduler_ThrowsArgumentException()
    {
        await using var first = new WorkScheduler();
        await using var second = new WorkScheduler();
        var foreign = first.Add(DelegateWork.Succeeding("a"));
        second.Add(DelegateWork.Succeeding("own"));

        var act = () => second.Add(DelegateWork.Succeeding("b"), [foreign]);

        act.Should().Throw<ArgumentException>().WithParameterName("dependencies").WithMessage("*another WorkScheduler*");
    }

    [Fact]
    public async Task Add_DefaultWorkId_ThrowsArgumentException()
    {
        await using var scheduler = new WorkScheduler();
        scheduler.Add(DelegateWork.Succeeding("a"));

        var act = () => scheduler.Add(DelegateWork.Succeeding("b"), [default]);

        act.Should().Throw<ArgumentException>().WithMessage("*default WorkId*");
    }

    [Fact]
    public async Task Add_BadDependency_LeavesTheGraphUntouched()
    {
        await using var scheduler = new WorkScheduler();
        await using var other = new WorkScheduler();
        var a = scheduler.Add(DelegateWork.Succeeding("a"));
        var foreign = other.Add(DelegateWork.Succeeding("x"));

        var act = () => scheduler.Add(DelegateWork.Succeeding("b"), [a, foreign]);
        act.Should().Throw<ArgumentException>();
        var result = await scheduler.RunToCompletionAsync().Guard();

        result.Works.Should().ContainSingle().Which.State.Should().Be(WorkState.Succeeded);
    }

    [Fact]
    public async Task Add_WhileRunning_ThrowsInvalidOperationException()
    {
        SchedulerTesting.ClearSynchronizationContext();
        var release = new TaskCompletionSource<WorkOutcome>(TaskCreationOptions.RunContinuationsAsynchronously);
        var watcher = new StateWatcher();
        await using var scheduler = new WorkScheduler(new WorkSchedulerOptions { StateChanged = watcher.OnChanged });
        scheduler.Add(new DelegateWork("waits", (_, _) => new ValueTask<WorkOutcome>(release.Task)));
        var run = scheduler.RunToCompletionAsync();
        await watcher.WhenAsync(e => e.State == WorkState.Running);

        var act = () => scheduler.Add(DelegateWork.Succeeding("late"));

        act.Should().Throw<InvalidOperationException>().WithMessage("*once*");
        release.SetResult(WorkOutcome.Success);
        await run.Guard();
    }

    [Fact]
    public async Task RunToCompletionAsync_Twice_ThrowsInvalidOperationException()
    {
        await using var scheduler = new WorkScheduler();
        scheduler.Add(DelegateWork.Succeeding("a"));
        await scheduler.RunToCompletionAsync().Guard();

        var act = () => scheduler.RunToCompletionAsync();

        await act.Should().ThrowAsync<InvalidOperationException>().WithMessage("*already*");
    }

    [Fact]
    public async Task Add_AfterRun_ThrowsInvalidOperationException()
    {
        await using var scheduler = new WorkScheduler();
        await scheduler.RunToCompletionAsync().Guard();

        var act = () => scheduler.Add(DelegateWork.Succeeding("late"));

        act.Should().Throw<InvalidOperationException>();
    }

    [Fact]
    public async Task GetState_UnknownId_ThrowsArgumentException()
    {
        await using var scheduler = new WorkScheduler();
        await using var other = new WorkScheduler();
        var foreign = other.Add(DelegateWork.Succeeding("x"));

        var act = () => scheduler.GetState(foreign);

        act.Should().Throw<ArgumentException>().WithParameterName("id");
    }

    [Fact]
    public async Task Add_NegativeMaxRetriesOrNullWork_Throws()
    {
        await using var scheduler = new WorkScheduler();

        ((Action)(() => scheduler.Add(DelegateWork.Succeeding("a"), maxRetries: -1))).Should().Throw<ArgumentOutOfRangeException>().WithParameterName("maxRetries");
        ((Action)(() => scheduler.Add(null!))).Should().Throw<ArgumentNullException>();
    }

    [Theory]
    [InlineData(0, 5)]
    [InlineData(4, -1)]
    public void Constructor_InvalidOptions_ThrowsArgumentOutOfRangeException(int maxConcurrency, int defaultMaxRetries)
    {
        var act = () => new WorkScheduler(new WorkSchedulerOptions { MaxConcurrency = maxConcurrency, DefaultMaxRetries = defaultMaxRetries });

        act.Should().Throw<ArgumentOutOfRangeException>().WithMessage("*WorkSchedulerOptions.*");
    }

    [Fact]
    public async Task Methods_AfterDispose_ThrowObjectDisposedException()
    {
        var scheduler = new WorkScheduler();
        await scheduler.DisposeAsync();

        ((Action)(() => scheduler.Add(DelegateWork.Succeeding("a")))).Should().Throw<ObjectDisposedException>();
        await ((Func<Task>)(() => scheduler.RunToCompletionAsync())).Should().ThrowAsync<ObjectDisposedException>();
    }

    [Fact]
    public void WorkOutcome_EmptyReason_Throws()
    {
        ((Action)(() => WorkOutcome.Retry(""))).Should().Throw<ArgumentException>();
        ((Action)(() => WorkOutcome.Failed(null!))).Should().Throw<ArgumentNullException>();
    }

    [Fact]
    public async Task WorkSchedulerResult_IndexerWithForeignId_ThrowsArgumentException()
    {
        await using var scheduler = new WorkScheduler();
        await using var other = new WorkScheduler();
        scheduler.Add(DelegateWork.Succeeding("a"));
        var foreign = other.Add(DelegateWork.Succeeding("x"));
        var result = await scheduler.RunToCompletionAsync().Guard();

        var act = () => result[foreign];

        act.Should().Throw<ArgumentException>();
    }
}
