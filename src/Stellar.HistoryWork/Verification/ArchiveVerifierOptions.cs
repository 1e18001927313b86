using System.Diagnostics.Metrics;
using Microsoft.Extensions.Logging;

namespace Stellar.HistoryWork.Verification;

/// <summary>What <c>ArchiveVerifier</c> verifies and how. Defaults: the whole archive, from its oldest checkpoint to its root state.</summary>
public sealed class ArchiveVerifierOptions
{
    /// <summary>
    /// First ledger of the range. Default: the first ledger of the archive's oldest checkpoint, found by
    /// <see cref="ArchiveStartFinder"/> and given back as <see cref="VerificationReport.StartsAt"/>. Give 1 to verify
    /// from genesis whatever the archive holds: the checkpoints before its start are then one <c>missing</c> problem.
    /// </summary>
    public uint? FromLedger { get; init; }

    /// <summary>Last ledger of the range. Default: <c>currentLedger</c> of <c>.well-known/stellar-history.json</c>.</summary>
    public uint? ToLedger { get; init; }

    /// <summary>
    /// Verify only this shard's slice of the range (<see cref="ArchiveShard.SliceOf"/>); null for the whole range.
    /// The range stays the job's: <see cref="TrustedHash"/> must lie in it, but a shard whose slice does not hold that
    /// ledger does not use it. Buckets named by the HAS of the checkpoint just below the slice are left to the shard
    /// below (<see cref="ArchiveShard.CheckpointBelow"/>), so that each bucket is verified by one shard. Requires
    /// <see cref="ToLedger"/>, so that every shard cuts the same range.
    /// </summary>
    public ArchiveShard? Shard { get; init; }

    /// <summary>Checkpoint frequency. Default 64.</summary>
    public CheckpointMath Checkpoints { get; init; } = CheckpointMath.Default;

    /// <summary>
    /// A header hash the caller trusts, of any ledger of the range: it anchors the chain at and below its ledger
    /// (<see cref="VerificationReport.TrustedUpTo"/>). One outside the range is rejected by the constructor when
    /// the range is known then, else reported as an <c>untrusted</c> problem.
    /// </summary>
    public TrustedLedgerHash? TrustedHash { get; init; }

    /// <summary>Trusted hashes of checkpoint ledgers (a <c>verify-checkpoints</c> file).</summary>
    public TrustedCheckpointHashes? TrustedCheckpointHashes { get; init; }

    /// <summary>The network every HAS must name, when known.</summary>
    public string? NetworkPassphrase { get; init; }

    /// <summary>
    /// Retries, backoff, per-archive concurrency and bandwidth of the pool a single archive is read through
    /// (null: <see cref="ArchivePoolOptions"/> defaults). Ignored when the archive given is already an
    /// <see cref="ArchivePool"/>, whose own options then apply.
    /// </summary>
    public ArchivePoolOptions? Pool { get; init; }

    /// <summary>
    /// Files verified at once. Default 16. (Each archive's own limit on files open at once is
    /// <see cref="ArchivePoolOptions.MaxConcurrency"/>.)
    /// </summary>
    public int MaxConcurrency { get; init; } = 16;

    /// <summary>Receives progress after every file (checkpoints, buckets, files, bytes, problems); null for none. <see cref="ArchiveVerifier.Progress"/> reads it on demand.</summary>
    public IProgress<HistoryWorkProgress>? Progress { get; init; }

    /// <summary>Time, for the progress's elapsed time and rate; default: the system clock.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>Limits for the verifiers.</summary>
    public HistoryVerificationOptions Limits { get; init; } = HistoryVerificationOptions.Default;

    /// <summary>Where the run logs (category <c>Stellar.HistoryWork.Verification</c>); none when null.</summary>
    public ILoggerFactory? LoggerFactory { get; init; }

    /// <summary>Where files read and problems found are counted; the library's process-wide meter when null.</summary>
    public IMeterFactory? MeterFactory { get; init; }
}
