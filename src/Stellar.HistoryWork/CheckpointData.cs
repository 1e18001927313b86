using Stellar.Xdr;

namespace Stellar.HistoryWork;

/// <summary>
/// Everything a node needs from the archive for a range of checkpoints, all of it verified. Buckets are
/// paths to verified files (never held in memory); the rest is decoded.
/// </summary>
public sealed class CheckpointData
{
    internal CheckpointData(
        CheckpointRange range,
        HistoryArchiveState historyArchiveState,
        IReadOnlyDictionary<uint, HistoryArchiveState> historyArchiveStates,
        IReadOnlyList<LedgerHeaderHistoryEntry> headers,
        IReadOnlyList<TransactionHistoryEntry> transactions,
        IReadOnlyList<TransactionHistoryResultEntry> results,
        IReadOnlyList<SCPHistoryEntry> scpHistory,
        IReadOnlyDictionary<string, string> liveBuckets,
        IReadOnlyDictionary<string, string> hotArchiveBuckets,
        IReadOnlyList<VerifiedFile> files,
        uint? trustedUpTo)
    {
        Range = range;
        HistoryArchiveState = historyArchiveState;
        HistoryArchiveStates = historyArchiveStates;
        Headers = headers;
        Transactions = transactions;
        Results = results;
        ScpHistory = scpHistory;
        LiveBuckets = liveBuckets;
        HotArchiveBuckets = hotArchiveBuckets;
        Files = files;
        TrustedUpTo = trustedUpTo;
    }

    /// <summary>The checkpoints covered.</summary>
    public CheckpointRange Range { get; }

    /// <summary>
    /// The HAS whose buckets were fetched — the last checkpoint's, or the applied one of a <see cref="CatchupRange"/> —
    /// bound to its verified header by the bucket-list hash.
    /// </summary>
    public HistoryArchiveState HistoryArchiveState { get; }

    /// <summary>
    /// Every HAS fetched, by checkpoint, each bound to its checkpoint's header: only the last one unless
    /// <see cref="HistoryWorkOptions.FetchEveryHistoryArchiveState"/> was set.
    /// </summary>
    public IReadOnlyDictionary<uint, HistoryArchiveState> HistoryArchiveStates { get; }

    /// <summary>Every ledger header of the range, oldest first, hash-chained.</summary>
    public IReadOnlyList<LedgerHeaderHistoryEntry> Headers { get; }

    /// <summary>The transaction sets of ledgers that had transactions, in ledger order.</summary>
    public IReadOnlyList<TransactionHistoryEntry> Transactions { get; }

    /// <summary>The result sets of ledgers that had transactions, in ledger order.</summary>
    public IReadOnlyList<TransactionHistoryResultEntry> Results { get; }

    /// <summary>The SCP history entries (empty where the archive published none).</summary>
    public IReadOnlyList<SCPHistoryEntry> ScpHistory { get; }

    /// <summary>Live bucket hash (lowercase hex) → path of the verified <c>.xdr.gz</c> file.</summary>
    public IReadOnlyDictionary<string, string> LiveBuckets { get; }

    /// <summary>Hot-archive bucket hash (lowercase hex) → path of the verified <c>.xdr.gz</c> file.</summary>
    public IReadOnlyDictionary<string, string> HotArchiveBuckets { get; }

    /// <summary>The verified checkpoint files on disk.</summary>
    public IReadOnlyList<VerifiedFile> Files { get; }

    /// <summary>
    /// The highest ledger a trusted hash anchors: the chain at and below it ends at a hash the caller trusted
    /// (from consensus, a trusted hash of a ledger inside a checkpoint, or a trusted checkpoint hash); ledgers
    /// above it are not vouched for. Null when no trusted hash was given or matched.
    /// </summary>
    public uint? TrustedUpTo { get; }

    /// <summary>
    /// True when a trusted hash anchors the whole range (<see cref="TrustedUpTo"/> is its last ledger); false means
    /// "verified but untrusted" (or trusted only up to <see cref="TrustedUpTo"/>): internally consistent, but
    /// nothing outside the archive vouches for the newest ledgers.
    /// </summary>
    public bool IsTrusted => TrustedUpTo == Range.Last;
}

/// <summary>A checkpoint file that verified, stored at <paramref name="LocalPath"/> (gzipped, as published).</summary>
public sealed record VerifiedFile(HistoryFileKind Kind, uint Checkpoint, string LocalPath);
