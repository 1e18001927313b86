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
}

/// <summary>Progress of an <c>ArchiveVerifier</c> run, reported after every file.</summary>
public sealed record VerificationProgress(
    int CheckpointsDone,
    int CheckpointsTotal,
    int BucketsDone,
    int BucketsKnown,
    long Files,
    long Bytes,
    int Problems);
