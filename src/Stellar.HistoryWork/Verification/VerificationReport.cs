namespace Stellar.HistoryWork.Verification;

/// <summary>
/// The outcome of verifying an archive range. <see cref="Ok"/> means no problem was found;
/// <see cref="Trusted"/> means the verified chain also ends at a hash the caller trusts — without one the
/// archive is "verified but untrusted". <see cref="StartsAt"/> is the archive's first checkpoint when the range
/// began there because no first ledger was given (null when one was).
/// </summary>
public sealed record VerificationReport(
    bool Ok,
    int Checkpoints,
    long Files,
    long Bytes,
    IReadOnlyList<VerificationProblem> Problems,
    bool Trusted,
    uint? StartsAt = null);

/// <summary>Progress of an <c>ArchiveVerifier</c> run, reported after every file.</summary>
public sealed record VerificationProgress(
    int CheckpointsDone,
    int CheckpointsTotal,
    int BucketsDone,
    int BucketsKnown,
    long Files,
    long Bytes,
    int Problems);
