using Stellar.HistoryWork.Verification;

namespace Stellar.HistoryWork.Download;

/// <summary>
/// Fetches the transaction sets of every checkpoint and checks each ledger's set — legacy or generalized,
/// and the empty set of ledgers without an entry — against the verified header's <c>txSetHash</c>.
/// </summary>
public sealed class DownloadTransactionsWork : CheckpointFilesWork<HistoryFileResult>
{
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
