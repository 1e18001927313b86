using Stellar.HistoryWork.Scheduling;

namespace Stellar.HistoryWork;

/// <summary>
/// A catchup registered on the caller's scheduler (<see cref="HistoryCatchup.RegisterAsync"/>): run the scheduler,
/// then take the result. Dispose it when done.
/// </summary>
public sealed class HistoryCatchupRegistration : IDisposable
{
    internal HistoryCatchupRegistration(CatchupRange range, CatchupTrustSource trustSource, HistoryWorkIds ids, SharedHistoryState state)
    {
        Range = range;
        TrustSource = trustSource;
        Ids = ids;
        State = state;
    }

    /// <summary>What is applied and replayed.</summary>
    public CatchupRange Range { get; }

    /// <summary>Where the anchoring hash came from.</summary>
    public CatchupTrustSource TrustSource { get; }

    /// <summary>The registered works (to add dependents, or to read their states).</summary>
    public HistoryWorkIds Ids { get; }

    /// <summary>The shared state the works fill: progress while running, data afterwards.</summary>
    public SharedHistoryState State { get; }

    /// <summary>Everything verified, once <paramref name="run"/> (the scheduler's result) succeeded.</summary>
    /// <exception cref="HistoryCatchupException">A work of the run failed or was cancelled.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled (the run too, then).</exception>
    public async Task<HistoryCatchupResult> GetResultAsync(WorkSchedulerResult run, CancellationToken cancellationToken = default)
    {
        ThrowIfFailed(run, cancellationToken);
        var data = await State.BuildCheckpointDataAsync(cancellationToken).ConfigureAwait(false);
        return new HistoryCatchupResult(Range, TrustSource, data, run);
    }

    /// <summary>Releases the shared state.</summary>
    public void Dispose() => State.Dispose();

    /// <summary>Throws unless every work of the catchup succeeded; a run the caller cancelled is a cancellation, not a failure.</summary>
    internal void ThrowIfFailed(WorkSchedulerResult run, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(run);
        cancellationToken.ThrowIfCancellationRequested();
        if (!Ids.All.All(id => run[id].State == WorkState.Succeeded))
        {
            throw new HistoryCatchupException(Range, run);
        }
    }
}
