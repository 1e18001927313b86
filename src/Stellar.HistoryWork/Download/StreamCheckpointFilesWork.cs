using Stellar.HistoryWork.Scheduling;
using Stellar.HistoryWork.Verification;

namespace Stellar.HistoryWork.Download;

/// <summary>
/// The transactions, results and SCP files of a catchup delivered checkpoint by checkpoint
/// (<see cref="HistoryCatchup.CatchupByCheckpointAsync"/>): each checkpoint's three files download and verify
/// together — as <see cref="DownloadTransactionsWork"/>, <see cref="DownloadTxResultsWork"/> and
/// <see cref="DownloadScpHistoryWork"/> verify them — in ledger order, never more than the look-ahead past the
/// checkpoint the consumer is on, so a node applies one checkpoint while the next ones download. It runs once the
/// header chain of the whole range verified (every file is checked against those headers) and the buckets are in.
/// </summary>
internal sealed class StreamCheckpointFilesWork : HistoryDownloadWork
{
    private readonly CheckpointLookAhead _lookAhead;
    private readonly DownloadTransactionsWork _transactions;
    private readonly DownloadTxResultsWork _results;
    private readonly DownloadScpHistoryWork _scp;

    public StreamCheckpointFilesWork(HistoryWorkContext context, CheckpointLookAhead lookAhead)
        : base(context, HistoryWorkStage.Transactions)
    {
        _lookAhead = lookAhead;
        _transactions = new DownloadTransactionsWork(context);
        _results = new DownloadTxResultsWork(context);
        _scp = new DownloadScpHistoryWork(context);
    }

    public override string Name => $"download-checkpoint-files-{Context.Range.First}-{Context.Range.Last}";

    private protected override async Task ExecuteAsync(WorkContext context, CancellationToken cancellationToken)
    {
        var range = Context.Range;
        var first = _lookAhead.ReadyCount;
        foreach (var stage in new[] { HistoryWorkStage.Transactions, HistoryWorkStage.Results, HistoryWorkStage.ScpHistory })
        {
            await Context.State.StartStageAsync(stage, range.Count, cancellationToken).ConfigureAwait(false);
            await Context.State.AdvanceStageAsync(stage, first, 0, cancellationToken).ConfigureAwait(false);
        }

        var failures = new List<Exception>();
        var failedAt = int.MaxValue;
        bool After(int index)
        {
            lock (failures)
            {
                return index > failedAt;
            }
        }

        // After a failure no later checkpoint starts (those waiting for the consumer give up), while the earlier ones
        // still finish and are handed over: the consumer gets everything before the first bad checkpoint.
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = Context.Options.MaxConcurrentDownloads, CancellationToken = cancellationToken };
        await Parallel.ForEachAsync(Enumerable.Range(first, range.Count - first), parallel, async (index, ct) =>
        {
            if (_lookAhead.IsVerified(index) || After(index))
            {
                return;
            }

            try
            {
                // A checkpoint at or before a failed one was admitted already, so this returns without looking at the token.
                await _lookAhead.AdmitAsync(index, stop.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                return;
            }

            if (After(index))
            {
                return;
            }

            var errors = await FetchCheckpointAsync(index, ct).ConfigureAwait(false);
            if (errors.Count > 0)
            {
                lock (failures)
                {
                    failures.AddRange(errors);
                    failedAt = Math.Min(failedAt, index);
                }

                await stop.CancelAsync().ConfigureAwait(false);
            }
        }).ConfigureAwait(false);

        DownloadVerification.ThrowIfAny(failures, "checkpoint");

        // Without a failure every checkpoint was handed over, unless the run was cancelled while some waited.
        cancellationToken.ThrowIfCancellationRequested();
    }

    private protected override async Task OnSucceededAsync()
    {
        await base.OnSucceededAsync().ConfigureAwait(false);
        await Context.State.CompleteStageAsync(HistoryWorkStage.Results, CancellationToken.None).ConfigureAwait(false);
        await Context.State.CompleteStageAsync(HistoryWorkStage.ScpHistory, CancellationToken.None).ConfigureAwait(false);
    }

    private protected override async Task OnGivenUpAsync(string reason)
    {
        await base.OnGivenUpAsync(reason).ConfigureAwait(false);
        await Context.State.FailStageAsync(HistoryWorkStage.Results, reason, CancellationToken.None).ConfigureAwait(false);
        await Context.State.FailStageAsync(HistoryWorkStage.ScpHistory, reason, CancellationToken.None).ConfigureAwait(false);
    }

    /// <summary>Fetches and verifies the three files of one checkpoint at once; returns what failed (nothing when it was handed on).</summary>
    private async Task<IReadOnlyList<Exception>> FetchCheckpointAsync(int index, CancellationToken cancellationToken)
    {
        var checkpoint = Context.Range[index];
        var transactions = _transactions.FetchCheckpointAsync(checkpoint, cancellationToken);
        var results = _results.FetchCheckpointAsync(checkpoint, cancellationToken);
        var scp = _scp.FetchCheckpointAsync(checkpoint, cancellationToken);
        var all = Task.WhenAll(transactions, results, scp);
        try
        {
            await all.ConfigureAwait(false);
        }
        catch (Exception) when (all.IsFaulted)
        {
            var errors = all.Exception!.InnerExceptions.Where(e => e is not OperationCanceledException).ToList();
            if (errors.Count > 0 || !cancellationToken.IsCancellationRequested)
            {
                return errors.Count > 0 ? errors : all.Exception.InnerExceptions;
            }

            throw;
        }

        try
        {
            _lookAhead.Verified(index, withScp: await scp.ConfigureAwait(false));
            return [];
        }
        catch (HistoryVerificationException e)
        {
            return [e];
        }
    }
}
