namespace Stellar.HistoryWork;

/// <summary>
/// The counts of a finished download, as its verifiers found them, without reading any file back:
/// see <see cref="SharedHistoryState.GetSummaryAsync"/>. <see cref="CheckpointData"/> holds the decoded data.
/// </summary>
public sealed class HistoryWorkSummary
{
    internal HistoryWorkSummary()
    {
    }

    /// <summary>The checkpoints covered.</summary>
    public CheckpointRange Range { get; internal init; }

    /// <summary>The oldest ledger whose header verified.</summary>
    public uint FirstLedger { get; internal init; }

    /// <summary>The newest ledger whose header verified.</summary>
    public uint LastLedger { get; internal init; }

    /// <summary>Ledger headers verified and chained.</summary>
    public int Headers { get; internal init; }

    /// <summary>Verified checkpoint files by kind (an SCP file an archive never published is not counted).</summary>
    public IReadOnlyDictionary<HistoryFileKind, int> FilesByKind { get; internal init; } = new Dictionary<HistoryFileKind, int>();

    /// <summary>All verified checkpoint files.</summary>
    public int CheckpointFiles => FilesByKind.Values.Sum();

    /// <summary>Ledgers that had transactions: the entries of the transactions files.</summary>
    public int LedgersWithTransactions { get; internal init; }

    /// <summary>Transactions in all the verified transaction sets.</summary>
    public int Transactions { get; internal init; }

    /// <summary>Result sets: the entries of the results files.</summary>
    public int ResultSets { get; internal init; }

    /// <summary>SCP history entries.</summary>
    public int ScpEntries { get; internal init; }

    /// <summary>Verified live bucket files.</summary>
    public int LiveBuckets { get; internal init; }

    /// <summary>Verified hot-archive bucket files.</summary>
    public int HotArchiveBuckets { get; internal init; }

    /// <summary>
    /// The highest ledger a trusted hash anchors (as <see cref="CheckpointData.TrustedUpTo"/>): the chain at and
    /// below it ends at a hash the caller trusted. Null when no trusted hash was given or matched.
    /// </summary>
    public uint? TrustedUpTo { get; internal init; }

    /// <summary>True when a trusted hash anchors the whole range: <see cref="TrustedUpTo"/> is the range's last ledger.</summary>
    public bool IsTrusted => TrustedUpTo == Range.Last;
}
