using Stellar.HistoryWork.Verification;

namespace Stellar.HistoryWork.Download;

/// <summary>
/// Fetches the transaction results of every checkpoint and checks each ledger's result set (and the empty
/// set of ledgers without an entry, genesis included) against the verified header's <c>txSetResultHash</c>.
/// </summary>
public sealed class DownloadTxResultsWork : CheckpointFilesWork<HistoryFileResult>
{
    internal DownloadTxResultsWork(HistoryWorkContext context)
        : base(context, HistoryWorkStage.Results, HistoryFileKind.Results)
    {
    }

    private protected override async Task<HistoryFileResult> VerifyAsync(Stream compressed, string path, uint checkpoint, CancellationToken cancellationToken)
    {
        var headers = await Context.State.GetHeadersAsync(checkpoint, cancellationToken).ConfigureAwait(false);
        return await DownloadVerification.VerifyResultsAsync(compressed, path, headers, Context.Options.MaxCheckpointFileSize, cancellationToken).ConfigureAwait(false);
    }
}
