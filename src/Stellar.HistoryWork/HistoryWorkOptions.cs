using System.Diagnostics.Metrics;
using Microsoft.Extensions.Logging;
using Stellar.HistoryWork.Scheduling;
using Stellar.HistoryWork.Verification;

namespace Stellar.HistoryWork;

/// <summary>How the history work items download, verify and store. Every setting has a working default.</summary>
public sealed class HistoryWorkOptions
{
    /// <summary>The checkpoint frequency; 64 on pubnet and testnet, 8 on accelerated test networks.</summary>
    public CheckpointMath Checkpoints { get; set; } = CheckpointMath.Default;

    /// <summary>
    /// Where verified files are kept, in archive layout. Default: this process's private directory under the system's
    /// temporary folder (<see cref="PrivateWorkDirectory.ForThisProcess"/>: mode 0700, locked while the process lives,
    /// swept by a later run). Files land under their final names only after they verified; a rerun reuses a stored
    /// file only after it verified again.
    /// </summary>
    public string? WorkDirectory { get; set; }

    /// <summary>
    /// A ledger hash the caller trusts (from consensus or the command line), for any ledger of the range: the chain
    /// must reach it, and it anchors the ledgers at and below it (<see cref="CheckpointData.TrustedUpTo"/>). One
    /// outside the range is rejected when the work is built.
    /// </summary>
    public TrustedLedgerHash? TrustedHash { get; set; }

    /// <summary>Trusted checkpoint hashes (a <c>verify-checkpoints</c> file): the newest one in range anchors the chain.</summary>
    public TrustedCheckpointHashes? TrustedCheckpointHashes { get; set; }

    /// <summary>The network passphrase; a HAS naming another network is a problem. Null: not checked.</summary>
    public string? NetworkPassphrase { get; set; }

    /// <summary>How many files download at once within one work item (the reference node's limit, 16).</summary>
    public int MaxConcurrentDownloads { get; set; } = 16;

    /// <summary>Retries of each download work item (the reference node's "a few", 5).</summary>
    public int DownloadRetries { get; set; } = WorkRetries.AFew;

    /// <summary>The largest decompressed bucket accepted (stellar-core refuses buckets over 100 GiB): stops gzip bombs.</summary>
    public long MaxBucketSize { get; set; } = 100L * 1024 * 1024 * 1024;

    /// <summary>The largest decompressed checkpoint file accepted (ledger, transactions, results, SCP).</summary>
    public long MaxCheckpointFileSize { get; set; } = 4L * 1024 * 1024 * 1024;

    /// <summary>
    /// When false (the default) a checkpoint without an SCP file is accepted: pubnet published none before
    /// checkpoint 1214079. When true, a missing SCP file is a problem.
    /// </summary>
    public bool RequireScpHistory { get; set; }

    /// <summary>
    /// When false (the default) only the last checkpoint's HAS and the buckets it references are fetched: what
    /// a catchup needs. When true the HAS of every checkpoint in the range is fetched, each is bound to its own
    /// checkpoint header, and the union of their buckets is fetched: what a mirror needs to copy every checkpoint.
    /// Registering a publish with the builder turns it on for that builder, since a published range must be a complete
    /// archive.
    /// </summary>
    public bool FetchEveryHistoryArchiveState { get; set; }

    /// <summary>Retries of each publish work item (the reference node publishes with 2).</summary>
    public int PublishRetries { get; set; } = 2;

    /// <summary>Logging; default: none.</summary>
    public ILoggerFactory? LoggerFactory { get; set; }

    /// <summary>
    /// Where the download and publish metrics go (<c>history.get.*</c>, <c>history.check.*</c>,
    /// <c>history.publish.*</c>, <c>ledger.catchup.duration</c>);
    /// default: the library's process-wide meter.
    /// </summary>
    public IMeterFactory? MeterFactory { get; set; }

    /// <summary>Time; default: the system clock.</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    internal string ResolveWorkDirectory() =>
        WorkDirectory ?? PrivateWorkDirectory.ForThisProcess.Path;

    internal HistoryWorkOptions Clone() => (HistoryWorkOptions)MemberwiseClone();

    internal void Validate()
    {
        ArgumentNullException.ThrowIfNull(Checkpoints);
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxConcurrentDownloads, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(DownloadRetries);
        ArgumentOutOfRangeException.ThrowIfNegative(PublishRetries);
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxBucketSize, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxCheckpointFileSize, 1);
        ArgumentNullException.ThrowIfNull(TimeProvider);
    }
}
