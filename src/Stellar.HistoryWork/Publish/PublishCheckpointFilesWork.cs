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
    internal PublishLedgerHeadersWork(HistoryWorkContext context, ArchivePublisher target)
        : base(context, target, HistoryFileKind.Ledger)
    {
    }
}

/// <summary>Publishes the <c>transactions-*.xdr.gz</c> files.</summary>
public sealed class PublishTransactionsWork : PublishCheckpointFilesWork
{
    internal PublishTransactionsWork(HistoryWorkContext context, ArchivePublisher target)
        : base(context, target, HistoryFileKind.Transactions)
    {
    }
}

/// <summary>Publishes the <c>results-*.xdr.gz</c> files.</summary>
public sealed class PublishResultsWork : PublishCheckpointFilesWork
{
    internal PublishResultsWork(HistoryWorkContext context, ArchivePublisher target)
        : base(context, target, HistoryFileKind.Results)
    {
    }
}

/// <summary>Publishes the <c>scp-*.xdr.gz</c> files.</summary>
public sealed class PublishScpHistoryWork : PublishCheckpointFilesWork
{
    internal PublishScpHistoryWork(HistoryWorkContext context, ArchivePublisher target)
        : base(context, target, HistoryFileKind.Scp)
    {
    }
}
