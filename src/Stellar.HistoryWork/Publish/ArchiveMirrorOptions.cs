using Stellar.HistoryWork.Scheduling;

namespace Stellar.HistoryWork.Publish;

/// <summary>What <see cref="ArchiveMirror"/> copies and how. Every setting has a working default: the whole source archive.</summary>
public sealed class ArchiveMirrorOptions
{
    /// <summary>
    /// First ledger to copy (its checkpoint is the first copied). Default: where the source starts, found by
    /// <see cref="ArchiveStartFinder"/>. A first ledger before the source's start fails the mirror before anything
    /// is downloaded.
    /// </summary>
    public uint? FromLedger { get; set; }

    /// <summary>Last ledger to copy (its checkpoint is the last copied). Default: the source's <c>.well-known</c>.</summary>
    public uint? ToLedger { get; set; }

    /// <summary>
    /// How the source is downloaded and verified: checkpoint frequency, trusted hash (of the newest ledger),
    /// trusted checkpoint hashes, network passphrase, work directory, retries, logging, time, meters.
    /// <see cref="HistoryWorkOptions.FetchEveryHistoryArchiveState"/> is always on for a mirror.
    /// </summary>
    public HistoryWorkOptions History { get; set; } = new();

    /// <summary>
    /// Checkpoints downloaded, verified and published together (≥ 1). Batches run newest first, each chained to
    /// the one after it by header hash, so memory stays bounded on long ranges; the work directory holds one batch's
    /// files at a time (a file leaves it once the target has it). Default 64.
    /// </summary>
    public int CheckpointsPerBatch { get; set; } = 64;

    /// <summary>Work items running at once. Default 16.</summary>
    public int MaxConcurrency { get; set; } = 16;

    /// <summary>Delay before a retry; default the reference node's backoff (<see cref="WorkBackoff.ReferenceDelay(int)"/>).</summary>
    public Func<int, TimeSpan> RetryDelay { get; set; } = WorkBackoff.ReferenceDelay;

    /// <summary>Receives the scheduler's state changes (work started, retrying, failed, …).</summary>
    public IProgress<WorkEvent>? WorkProgress { get; set; }

    /// <summary>Receives the run's progress (<see cref="ArchiveMirror.GetProgressAsync"/>) after every batch.</summary>
    public IProgress<HistoryWorkProgress>? Progress { get; set; }

    /// <summary>
    /// Mirror only this shard's slice of the range (<see cref="ArchiveShard.SliceOf"/>: every shard of a job cuts the
    /// same range, so <see cref="ToLedger"/> is required). Needs a <see cref="Stage"/> other than
    /// <see cref="ArchiveMirrorStage.Everything"/>; a sharded mirror never writes <c>.well-known</c>. The trusted hash
    /// is the job's: a shard whose slice does not hold its ledger does not use it. Default: no shard, the whole range.
    /// </summary>
    public ArchiveShard? Shard { get; set; }

    /// <summary>What a sharded run publishes (<see cref="ArchiveMirrorStage"/>); only with <see cref="Shard"/>. Default: everything.</summary>
    public ArchiveMirrorStage Stage { get; set; }

    internal void Validate()
    {
        ArgumentNullException.ThrowIfNull(History);
        History.Validate();
        ArgumentOutOfRangeException.ThrowIfLessThan(CheckpointsPerBatch, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxConcurrency, 1);
        ArgumentNullException.ThrowIfNull(RetryDelay);
        if (FromLedger == 0)
        {
            throw new ArgumentOutOfRangeException(nameof(FromLedger), FromLedger, "Ledgers start at 1.");
        }

        if (!Enum.IsDefined(Stage))
        {
            throw new ArgumentOutOfRangeException(nameof(Stage), Stage, "Not a mirror stage.");
        }

        if (Shard is not null && (Stage == ArchiveMirrorStage.Everything || ToLedger is null))
        {
            throw new ArgumentException("A sharded mirror needs a Stage (Buckets, then Checkpoints) and a ToLedger, so that every shard cuts the same range.", nameof(Shard));
        }

        if (Shard is null && Stage != ArchiveMirrorStage.Everything)
        {
            throw new ArgumentException($"Stage {Stage} is a sharded mirror's: give a Shard (new ArchiveShard(0, 1) for one machine).", nameof(Stage));
        }

        if (FromLedger is { } from && ToLedger is { } to && from > to)
        {
            throw new ArgumentException($"FromLedger {from} is after ToLedger {to}.", nameof(FromLedger));
        }
    }
}
