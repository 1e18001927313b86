namespace Stellar.HistoryWork.Publish;

/// <summary>Settings of a <see cref="CheckpointAppender"/>; plain defaults, validated once when the appender opens.</summary>
public sealed class CheckpointAppenderOptions
{
    /// <summary>
    /// Checkpoint frequency, network passphrase (a snapshot's HAS must name it when it names one), size limits, publish
    /// concurrency, logging, metrics and time: the same options a download and a publish use. Default: a new
    /// <see cref="HistoryWorkOptions"/> (64 ledgers per checkpoint, no passphrase check).
    /// </summary>
    public HistoryWorkOptions History { get; set; } = new();

    /// <summary>
    /// Flush every record to the disk before the next one is written (default true): a crash, even of the machine, loses
    /// at most the ledger being appended. False only for tests and benchmarks that rebuild whole archives: the files are
    /// then as safe as the operating system's cache.
    /// </summary>
    public bool FlushToDisk { get; set; } = true;

    /// <summary>
    /// The last ledger the node has committed (its own database's last closed ledger), when it knows one. On open, the
    /// appender's files are cut back to it (a ledger appended but not committed before a crash is dropped), and files
    /// that end before it are an error, as the reference node treats them. Null (default): the appender's own ledger
    /// file decides, its last complete record being the last ledger.
    /// </summary>
    public uint? LastClosedLedger { get; set; }

    internal void Validate()
    {
        ArgumentNullException.ThrowIfNull(History);
        ArgumentNullException.ThrowIfNull(History.Checkpoints);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(History.MaxConcurrentDownloads, "History.MaxConcurrentDownloads");
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(History.MaxBucketSize, "History.MaxBucketSize");
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(History.MaxCheckpointFileSize, "History.MaxCheckpointFileSize");
        ArgumentNullException.ThrowIfNull(History.TimeProvider, "History.TimeProvider");
    }
}
