using Stellar.HistoryWork.Verification;

namespace Stellar.HistoryWork.Download;

/// <summary>
/// Fetches the transaction sets of every checkpoint and checks each ledger's set — legacy or generalized,
/// and the empty set of ledgers without an entry — against the verified header's <c>txSetHash</c>.
/// </summary>
public sealed class DownloadTransactionsWork : CheckpointFilesWork<HistoryFileResult>
{
    /// <summary>
    /// Fetches and verifies the transaction sets of <paramref name="range"/> against the headers in <paramref name="state"/>: run it
    /// after the <see cref="DownloadLedgerHeadersWork"/> of the same state.
    /// </summary>
    /// <param name="archive">One archive, or an <c>ArchivePool</c> for failover.</param>
    /// <param name="range">The checkpoints, the same for every work on <paramref name="state"/>.</param>
    /// <param name="state">Shared with the other works of the download (and its store over the options' work directory).</param>
    /// <param name="options">Work directory, passphrase, trust, concurrency, limits, logging, metrics; defaults when null.</param>
    /// <exception cref="ArgumentException">Another work on <paramref name="state"/> uses another work directory, or the range and options disagree on the checkpoint frequency.</exception>
    public DownloadTransactionsWork(IArchiveReader archive, CheckpointRange range, SharedHistoryState state, HistoryWorkOptions? options = null)
        : this(HistoryWorkContext.ByHand(archive, range, state, options, HistoryWorkStage.Transactions))
    {
    }

    internal DownloadTransactionsWork(HistoryWorkContext context)
        : base(context, HistoryWorkStage.Transactions, HistoryFileKind.Transactions)
    {
    }

    private protected override async Task<HistoryFileResult> VerifyAsync(Stream compressed, string path, uint checkpoint, CancellationToken cancellationToken)
    {
        var headers = await Context.State.GetHeadersAsync(checkpoint, cancellationToken).ConfigureAwait(false);
        uint? previousVersion = null;
        if (Context.Checkpoints.TryGetPrevious(checkpoint, out var previous)
            && await Context.State.FindHeadersAsync(previous, cancellationToken).ConfigureAwait(false) is { } older)
        {
            previousVersion = older.Last.Header.LedgerVersion;
        }

        return await DownloadVerification.VerifyTransactionsAsync(compressed, path, headers, previousVersion, Context.Options.MaxCheckpointFileSize, cancellationToken).ConfigureAwait(false);
    }
}
