using Stellar.HistoryWork.Verification;

namespace Stellar.HistoryWork.Publish;

/// <summary>How a mirror ended.</summary>
/// <param name="Succeeded">Every checkpoint of the range was verified and published, <c>.well-known</c> included.</param>
/// <param name="Range">The checkpoints the mirror covered.</param>
/// <param name="CheckpointsMirrored">Checkpoints whose HAS reached the target (all their data first).</param>
/// <param name="FilesWritten">Files written to the target.</param>
/// <param name="FilesSkipped">Files the target already held intact (a resumed mirror skips them).</param>
/// <param name="BytesWritten">Bytes written to the target.</param>
/// <param name="Trusted">A hash the caller trusted anchors the whole range (<see cref="TrustedUpTo"/> is its last ledger); false: "verified but untrusted".</param>
/// <param name="Problems">What was wrong with the source (missing, corrupt, hash mismatch, …), each naming file and rule.</param>
/// <param name="Errors">Every failed work item as "name: reason", source and target problems alike.</param>
public sealed record ArchiveMirrorResult(
    bool Succeeded,
    CheckpointRange Range,
    int CheckpointsMirrored,
    long FilesWritten,
    long FilesSkipped,
    long BytesWritten,
    bool Trusted,
    IReadOnlyList<VerificationProblem> Problems,
    IReadOnlyList<string> Errors)
{
    /// <summary>
    /// The highest ledger a hash the caller trusted anchors (the chain at and below it ends at that hash); null when
    /// none matched or the mirror failed. <see cref="Trusted"/> is true exactly when it is the range's last ledger.
    /// </summary>
    public uint? TrustedUpTo { get; init; }

    /// <summary>The source's first checkpoint (where a mirror without a first ledger starts).</summary>
    public uint? StartsAt { get; init; }

    /// <summary>
    /// Bytes of every file this run put at the target or found there intact: unlike <see cref="BytesWritten"/>, the same
    /// when the run is repeated.
    /// </summary>
    public long BytesPublished { get; init; }

    /// <summary>
    /// What a sharded run (<see cref="ArchiveMirrorOptions.Shard"/>) adds: the job's range, the slice, the buckets left to
    /// the shard below, and the ends of the slice's header chain (verified by the <see cref="ArchiveMirrorStage.Checkpoints"/>
    /// stage; null in the buckets stage, which reads no header). Null when the run was not sharded.
    /// </summary>
    public ShardVerification? Shard { get; init; }
}
