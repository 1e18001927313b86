using Microsoft.Extensions.Time.Testing;
using Stellar.HistoryWork.Scheduling;

namespace Stellar.HistoryWork.Tests.Scheduling;

public class WorkRetryPipelineTests
{
    [Fact]
    public async Task Create_TransientFailures_RetriesWithTheReferenceDelaysOnTheTimeProvider()
    {
        SchedulerTesting.ClearSynchronizationContext();
        var time = new FakeTimeProvider();
        var delays = new List<TimeSpan>();
        var pipeline = WorkRetryPipeline.Create(WorkRetries.AFew, time, onRetry: args =>
        {
            delays.Add(args.RetryDelay);
            return ValueTask.CompletedTask;
        });
        var calls = 0;

        var task = pipeline.ExecuteAsync(_ => ++calls < 3 ? throw new IOException("reset") : ValueTask.FromResult(42)).AsTask();
        time.Advance(WorkBackoff.UpperBound(0));
        time.Advance(WorkBackoff.UpperBound(1));
        var value = await task.WaitAsync(TimeSpan.FromSeconds(30));

        value.Should().Be(42);
        calls.Should().Be(3);
        delays.Should().Equal(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2));
    }

    [Fact]
    public async Task Create_FatalWorkException_IsNotRetried()
    {
        var pipeline = WorkRetryPipeline.Create(WorkRetries.ALot, new FakeTimeProvider());
        var calls = 0;

        var act = () => pipeline.ExecuteAsync(_ =>
        {
            calls++;
            throw new FatalWorkException("corrupt");
        }).AsTask();

        await act.Should().ThrowAsync<FatalWorkException>();
        calls.Should().Be(1);
    }

    [Fact]
    public async Task Create_RetriesExhausted_ThrowsTheLastException()
    {
        var pipeline = WorkRetryPipeline.Create(WorkRetries.Once, new FakeTimeProvider(), _ => TimeSpan.Zero);
        var calls = 0;

        var act = () => pipeline.ExecuteAsync(_ => throw new IOException($"failure {++calls}")).AsTask();

        await act.Should().ThrowAsync<IOException>().WithMessage("failure 2");
    }

    [Fact]
    public async Task Create_Never_RunsOnce()
    {
        var pipeline = WorkRetryPipeline.Create(WorkRetries.Never);
        var calls = 0;

        var act = () => pipeline.ExecuteAsync(_ => throw new IOException($"failure {++calls}")).AsTask();

        await act.Should().ThrowAsync<IOException>();
        calls.Should().Be(1);
    }
}
