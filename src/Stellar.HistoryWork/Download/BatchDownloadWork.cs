using Microsoft.Extensions.Logging;

namespace Stellar.HistoryWork.Download;

/// <summary>
/// Downloads one kind of checkpoint file (ledger, transactions, results or SCP) for a range of checkpoints
/// into a <see cref="VerifiedFileStore"/>, up to <see cref="HistoryWorkOptions.MaxConcurrentDownloads"/> at
/// once, checking only that each is well-formed: strict gzip (a cut-off or damaged file fails) and
/// record-marked XDR of the type its kind holds, to the end. Nothing is checked against headers; this is the
/// reference node's building block for fetching ranges, whose users verify what they need afterwards.
/// </summary>
/// <remarks>
/// Files already in the store are checked again and reused. A missing SCP file is accepted unless
/// <see cref="HistoryWorkOptions.RequireScpHistory"/> is set; any other missing or malformed file makes the
/// attempt a retry. <see cref="Files"/> is filled when the work succeeds.
/// </remarks>
public sealed partial class BatchDownloadWork : CheckpointFilesWork<long>
{
    private IReadOnlyDictionary<uint, string> _files = new Dictionary<uint, string>();

    /// <param name="archive">One archive, or an <c>ArchivePool</c> for failover.</param>
    /// <param name="store">Where the files land, in archive layout.</param>
    /// <param name="kind">Which file of each checkpoint to fetch.</param>
    /// <param name="range">The checkpoints (its frequency must equal the options').</param>
    /// <param name="options">Concurrency, size limits, logging, metrics; defaults when null.</param>
    /// <param name="progress">Where progress and the stored files are recorded, under the kind's stage; none when null.</param>
    public BatchDownloadWork(IArchiveReader archive, VerifiedFileStore store, HistoryFileKind kind, CheckpointRange range, HistoryWorkOptions? options = null, SharedHistoryState? progress = null)
        : base(HistoryWorkContext.Standalone(archive, range, options, progress, store ?? throw new ArgumentNullException(nameof(store))), StageOf(kind), kind)
    {
    }

    /// <inheritdoc />
    public override string Name => $"batch-download-{ArchivePaths.CategoryOf(Kind)}-{Context.Range.First}-{Context.Range.Last}";

    /// <summary>The checkpoints of the range.</summary>
    public CheckpointRange Range => Context.Range;

    /// <summary>Each downloaded checkpoint's local file (a tolerated missing SCP file has no entry); empty until the work succeeds.</summary>
    public IReadOnlyDictionary<uint, string> Files => Volatile.Read(ref _files);

    private protected override Task<long> VerifyAsync(Stream compressed, string path, uint checkpoint, CancellationToken cancellationToken) =>
        DownloadVerification.VerifyWellFormedAsync(compressed, path, Kind, Context.Options.MaxCheckpointFileSize, cancellationToken);

    private protected override Task AfterAllAsync(IReadOnlyDictionary<uint, long> verified, CancellationToken cancellationToken)
    {
        var files = verified.Keys.Order().ToDictionary(c => c, c => Context.Store.LocalPath(ArchivePaths.CheckpointFile(Kind, c)));
        Volatile.Write(ref _files, files);
        long records = 0;
        foreach (var count in verified.Values)
        {
            records += count;
        }

        LogBatchDownloaded(Logger, Name, files.Count, Context.Range.Count, records);
        return Task.CompletedTask;
    }

    [LoggerMessage(EventId = 5001, Level = LogLevel.Information, Message = "{Work}: {Files} of {Checkpoints} files well-formed, {Records} records")]
    private static partial void LogBatchDownloaded(ILogger logger, string work, int files, int checkpoints, long records);
}
