using Stellar.HistoryWork.Verification;

namespace Stellar.HistoryWork.Download;

/// <summary>
/// Fetches the SCP history of every checkpoint and checks that its records parse and belong to the
/// checkpoint. A missing file is accepted unless <see cref="HistoryWorkOptions.RequireScpHistory"/> is set
/// (pubnet published no SCP history before checkpoint 1214079).
/// </summary>
public sealed class DownloadScpHistoryWork : CheckpointFilesWork<HistoryFileResult>
{
    internal DownloadScpHistoryWork(HistoryWorkContext context)
        : base(context, HistoryWorkStage.ScpHistory, HistoryFileKind.Scp)
    {
    }

    private protected override Task<HistoryFileResult> VerifyAsync(Stream compressed, string path, uint checkpoint, CancellationToken cancellationToken) =>
        DownloadVerification.VerifyScpAsync(compressed, path, checkpoint, Context.Checkpoints, Context.Options.MaxCheckpointFileSize, cancellationToken);
}
