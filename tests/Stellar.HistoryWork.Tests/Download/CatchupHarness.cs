using Stellar.HistoryWork.Scheduling;

namespace Stellar.HistoryWork.Tests.Download;

/// <summary>Runs the registered download work of one builder to completion, with fast retries.</summary>
internal sealed class CatchupHarness : IDisposable
{
    public CatchupHarness(IArchiveReader archive, CheckpointRange range, string workDirectory, HistoryWorkOptions? options = null)
    {
        Options = options ?? new HistoryWorkOptions();
        Options.WorkDirectory = workDirectory;
        Options.Checkpoints = range.Math;
        State = new SharedHistoryState();
        Builder = new HistoryWorkBuilder(archive, range, State, Options);
    }

    public HistoryWorkOptions Options { get; }

    public SharedHistoryState State { get; }

    public HistoryWorkBuilder Builder { get; }

    public HistoryWorkIds? Ids { get; private set; }

    public WorkScheduler? Scheduler { get; private set; }

    public async Task<WorkSchedulerResult> RunAsync(int maxConcurrency = 16, CancellationToken cancellationToken = default)
    {
        Scheduler = new WorkScheduler(new WorkSchedulerOptions
        {
            MaxConcurrency = maxConcurrency,
            RetryDelay = _ => TimeSpan.FromMilliseconds(1),
        });
        Ids = Builder.Register(Scheduler);
        return await Scheduler.RunToCompletionAsync(cancellationToken);
    }

    public void Dispose() => State.Dispose();
}
