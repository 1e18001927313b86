namespace Stellar.HistoryWork.Verification;

/// <summary>
/// The outcome of verifying an archive range. <see cref="Ok"/> means no problem was found;
/// <see cref="Trusted"/> means a hash the caller trusts anchors the whole range (<see cref="TrustedUpTo"/> is
/// <see cref="ToLedger"/>) — without one the archive is "verified but untrusted". <see cref="StartsAt"/> is the
/// archive's first checkpoint (<see cref="ArchiveStartFinder"/>): where the range began when no first ledger was
/// given; checkpoints of a range that begins earlier are one <c>missing</c> problem. Null when no range was resolved.
/// </summary>
public sealed record VerificationReport(
    bool Ok,
    int Checkpoints,
    long Files,
    long Bytes,
    IReadOnlyList<VerificationProblem> Problems,
    bool Trusted,
    uint? StartsAt = null)
{
    /// <summary>
    /// The highest ledger a trusted hash anchors: the chain at and below it ends at a hash the caller trusts,
    /// ledgers above it are not vouched for. Null when no trusted hash matched or a problem was found.
    /// </summary>
    public uint? TrustedUpTo { get; init; }

    /// <summary>The first ledger verified (the first ledger of the range's first checkpoint); null when no range could be resolved.</summary>
    public uint? FromLedger { get; init; }

    /// <summary>The last ledger asked for (the range's last checkpoint file is verified whole); null when no range could be resolved.</summary>
    public uint? ToLedger { get; init; }

    /// <summary>
    /// The runs of checkpoints that lack every file, each reported as one <see cref="ProblemKind.Missing"/> problem
    /// (<see cref="VerificationProblem.AbsentRun"/>): what merging shard reports joins across slice boundaries.
    /// </summary>
    public IReadOnlyList<CheckpointRange> AbsentRuns { get; init; } = [];

    /// <summary>
    /// For a run of one shard (<see cref="ArchiveVerifierOptions.Shard"/>): the job's range, the slice verified and
    /// the ends of its header chain, which link it to its neighbours; null for an unsharded run.
    /// </summary>
    public ShardVerification? Shard { get; init; }

    /// <summary>
    /// Buckets that are present and well-formed (their hash is their name, their content bucket XDR) but that no header
    /// vouches for: each is only the <c>next.output</c> of a level in state 1 (a finished merge), which the bucket-list
    /// hash does not cover, in every HAS of the range that names it. The reference node fetches them, so they are
    /// verified and published, but they are reported apart from what the headers bind. Sorted hashes.
    /// </summary>
    public IReadOnlyList<string> UnboundBuckets { get; init; } = [];
}

/// <summary>What a shard's run adds to its <see cref="VerificationReport"/>: enough to link and merge it with the others.</summary>
/// <param name="Shard">Which shard.</param>
/// <param name="JobLedgers">The job's range, which every shard cut the same way (<see cref="VerificationReport.FromLedger"/>..<see cref="VerificationReport.ToLedger"/> are the slice's).</param>
/// <param name="Slice">The slice's checkpoints; null when the range has fewer checkpoints than shards and this one got none.</param>
/// <param name="FirstFile">The ends of the slice's first header file (its first ledger and that ledger's <c>previousLedgerHash</c>), null when it was not verified.</param>
/// <param name="LastFile">The ends of the slice's last header file (its last ledger and hash), null when it was not verified.</param>
/// <param name="BucketsLeftBelow">Buckets this shard's HAS files name that it left to the shard below.</param>
public sealed record ShardVerification(
    ArchiveShard Shard,
    LedgerRange JobLedgers,
    CheckpointRange? Slice,
    LedgerFileLink? FirstFile,
    LedgerFileLink? LastFile,
    int BucketsLeftBelow)
{
    /// <summary>The slice's first checkpoint with an SCP file; null when none has one.</summary>
    public uint? FirstCheckpointWithScp { get; init; }

    /// <summary>
    /// Runs of the slice's checkpoints before <see cref="FirstCheckpointWithScp"/> that have their other files but no
    /// SCP file. The shard cannot judge them (SCP files are required only after the archive's first one, which may lie
    /// in a slice below); merging reports each as missing when a slice below has an SCP file, as one run would.
    /// </summary>
    public IReadOnlyList<CheckpointRange> ScpAbsentBeforeFirst { get; init; } = [];
}
