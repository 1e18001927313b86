using Stellar.HistoryWork.Verification;

namespace Stellar.HistoryWork.Download;

/// <summary>
/// Fetches the SCP history of every checkpoint and checks that its records parse and belong to the
/// checkpoint. A missing file is accepted unless <see cref="HistoryWorkOptions.RequireScpHistory"/> is set
/// (pubnet published no SCP history before checkpoint 1214079).
/// </summary>
public sealed class DownloadScpHistoryWork : CheckpointFilesWork<HistoryFileResult>
{
    /// <summary>
    /// Fetches and verifies the SCP history of <paramref name="range"/> against the headers in <paramref name="state"/>: run it
    /// after the <see cref="DownloadLedgerHeadersWork"/> of the same state.
    /// </summary>
    /// <param name="archive">One archive, or an <c>ArchivePool</c> for failover.</param>
    /// <param name="range">The checkpoints, the same for every work on <paramref name="state"/>.</param>
    /// <param name="state">Shared with the other works of the download (and its store over the options' work directory).</param>
    /// <param name="options">Work directory, passphrase, trust, concurrency, limits, logging, metrics; defaults when null.</param>
    /// <exception cref="ArgumentException">Another work on <paramref name="state"/> uses another work directory, or the range and options disagree on the checkpoint frequency.</exception>
    public DownloadScpHistoryWork(IArchiveReader archive, CheckpointRange range, SharedHistoryState state, HistoryWorkOptions? options = null)
        : this(HistoryWorkContext.ByHand(archive, range, state, options, HistoryWorkStage.ScpHistory))
    {
    }

    internal DownloadScpHistoryWork(HistoryWorkContext context)
        : base(context, HistoryWorkStage.ScpHistory, HistoryFileKind.Scp)
    {
    }

    private protected override Task<HistoryFileResult> VerifyAsync(Stream compressed, string path, uint checkpoint, CancellationToken cancellationToken) =>
        DownloadVerification.VerifyScpAsync(compressed, path, checkpoint, Context.Checkpoints, Context.Options.MaxCheckpointFileSize, cancellationToken);
}
