using Stellar.HistoryWork.Download;

namespace Stellar.HistoryWork.Publish;

/// <summary>
/// Publishes one kind of checkpoint file (ledger, transactions, results or SCP) for every checkpoint that
/// verified, gzipped exactly as the source published it; a checkpoint whose file the source never had (SCP
/// before an archive first published it) is left out.
/// </summary>
public abstract class PublishCheckpointFilesWork : HistoryPublishWork
{
    private protected PublishCheckpointFilesWork(HistoryWorkContext context, ArchivePublisher target, HistoryFileKind kind)
        : base(context, target, ArchivePublisher.StageOf(kind))
    {
        Kind = kind;
    }

    /// <summary>The kind of file this work publishes.</summary>
    public HistoryFileKind Kind { get; }

    private protected override Task ExecuteAsync(PublishableHistory history, CancellationToken cancellationToken) =>
        Target.PublishCheckpointFilesAsync(Kind, history, cancellationToken);
}

/// <summary>Publishes the <c>ledger-*.xdr.gz</c> files.</summary>
public sealed class PublishLedgerHeadersWork : PublishCheckpointFilesWork
{
    /// <summary>Publishes the ledger files <paramref name="state"/>'s download verified: after that download work and the bucket publish.</summary>
    /// <param name="writer">The target archive.</param>
    /// <param name="range">The checkpoints the download of <paramref name="state"/> covered.</param>
    /// <param name="state">Holds what the download verified; it must have fetched every checkpoint's HAS (<see cref="HistoryWorkOptions.FetchEveryHistoryArchiveState"/>), since a published range is a complete archive.</param>
    /// <param name="options">The options the download ran with (its work directory holds the verified files); defaults when null.</param>
    /// <exception cref="ArgumentException">Another work on <paramref name="state"/> uses another work directory.</exception>
    public PublishLedgerHeadersWork(IArchiveWriter writer, CheckpointRange range, SharedHistoryState state, HistoryWorkOptions? options = null)
        : this(HistoryWorkContext.ByHand(null, range, state, options, stage: null), new ArchivePublisher(writer ?? throw new ArgumentNullException(nameof(writer)), (options ?? new HistoryWorkOptions())))
    {
    }

    internal PublishLedgerHeadersWork(HistoryWorkContext context, ArchivePublisher target)
        : base(context, target, HistoryFileKind.Ledger)
    {
    }
}

/// <summary>Publishes the <c>transactions-*.xdr.gz</c> files.</summary>
public sealed class PublishTransactionsWork : PublishCheckpointFilesWork
{
    /// <summary>Publishes the transactions files <paramref name="state"/>'s download verified: after that download work and the bucket publish.</summary>
    /// <param name="writer">The target archive.</param>
    /// <param name="range">The checkpoints the download of <paramref name="state"/> covered.</param>
    /// <param name="state">Holds what the download verified; it must have fetched every checkpoint's HAS (<see cref="HistoryWorkOptions.FetchEveryHistoryArchiveState"/>), since a published range is a complete archive.</param>
    /// <param name="options">The options the download ran with (its work directory holds the verified files); defaults when null.</param>
    /// <exception cref="ArgumentException">Another work on <paramref name="state"/> uses another work directory.</exception>
    public PublishTransactionsWork(IArchiveWriter writer, CheckpointRange range, SharedHistoryState state, HistoryWorkOptions? options = null)
        : this(HistoryWorkContext.ByHand(null, range, state, options, stage: null), new ArchivePublisher(writer ?? throw new ArgumentNullException(nameof(writer)), (options ?? new HistoryWorkOptions())))
    {
    }

    internal PublishTransactionsWork(HistoryWorkContext context, ArchivePublisher target)
        : base(context, target, HistoryFileKind.Transactions)
    {
    }
}

/// <summary>Publishes the <c>results-*.xdr.gz</c> files.</summary>
public sealed class PublishResultsWork : PublishCheckpointFilesWork
{
    /// <summary>Publishes the results files <paramref name="state"/>'s download verified: after that download work and the bucket publish.</summary>
    /// <param name="writer">The target archive.</param>
    /// <param name="range">The checkpoints the download of <paramref name="state"/> covered.</param>
    /// <param name="state">Holds what the download verified; it must have fetched every checkpoint's HAS (<see cref="HistoryWorkOptions.FetchEveryHistoryArchiveState"/>), since a published range is a complete archive.</param>
    /// <param name="options">The options the download ran with (its work directory holds the verified files); defaults when null.</param>
    /// <exception cref="ArgumentException">Another work on <paramref name="state"/> uses another work directory.</exception>
    public PublishResultsWork(IArchiveWriter writer, CheckpointRange range, SharedHistoryState state, HistoryWorkOptions? options = null)
        : this(HistoryWorkContext.ByHand(null, range, state, options, stage: null), new ArchivePublisher(writer ?? throw new ArgumentNullException(nameof(writer)), (options ?? new HistoryWorkOptions())))
    {
    }

    internal PublishResultsWork(HistoryWorkContext context, ArchivePublisher target)
        : base(context, target, HistoryFileKind.Results)
    {
    }
}

/// <summary>Publishes the <c>scp-*.xdr.gz</c> files.</summary>
public sealed class PublishScpHistoryWork : PublishCheckpointFilesWork
{
    /// <summary>Publishes the SCP files <paramref name="state"/>'s download verified: after that download work and the bucket publish.</summary>
    /// <param name="writer">The target archive.</param>
    /// <param name="range">The checkpoints the download of <paramref name="state"/> covered.</param>
    /// <param name="state">Holds what the download verified; it must have fetched every checkpoint's HAS (<see cref="HistoryWorkOptions.FetchEveryHistoryArchiveState"/>), since a published range is a complete archive.</param>
    /// <param name="options">The options the download ran with (its work directory holds the verified files); defaults when null.</param>
    /// <exception cref="ArgumentException">Another work on <paramref name="state"/> uses another work directory.</exception>
    public PublishScpHistoryWork(IArchiveWriter writer, CheckpointRange range, SharedHistoryState state, HistoryWorkOptions? options = null)
        : this(HistoryWorkContext.ByHand(null, range, state, options, stage: null), new ArchivePublisher(writer ?? throw new ArgumentNullException(nameof(writer)), (options ?? new HistoryWorkOptions())))
    {
    }

    internal PublishScpHistoryWork(HistoryWorkContext context, ArchivePublisher target)
        : base(context, target, HistoryFileKind.Scp)
    {
    }
}
