namespace Stellar.HistoryWork.Download;

/// <summary>
/// A work item that fetches from an archive for one stage: it keeps the shared progress current, marks its
/// stage failed when it gives up, and, when a <see cref="HistoryWorkBuilder"/> registered it, reports to the
/// catchup's clock (<c>ledger.catchup.duration</c>).
/// </summary>
public abstract class HistoryDownloadWork : HistoryWorkItem
{
    private protected HistoryDownloadWork(HistoryWorkContext context, HistoryWorkStage stage)
        : base(context.Logger, context.Telemetry)
    {
        Context = context;
        Stage = stage;
    }

    /// <summary>The stage this work reports progress for.</summary>
    public HistoryWorkStage Stage { get; }

    private protected HistoryWorkContext Context { get; }

    /// <summary>The catchup this work belongs to, when a builder registered it.</summary>
    internal CatchupTimer? Catchup { get; init; }

    private protected override string SourceName => Context.Archive.Name;

    private protected override async Task OnSucceededAsync()
    {
        await Context.State.CompleteStageAsync(Stage, CancellationToken.None).ConfigureAwait(false);
        Catchup?.WorkSucceeded();
    }

    private protected override async Task OnGivenUpAsync(string reason)
    {
        await Context.State.FailStageAsync(Stage, reason, CancellationToken.None).ConfigureAwait(false);
        Catchup?.GaveUp();
    }
}
