using Stellar.HistoryWork.Verification;

namespace Stellar.HistoryWork.Publish;

/// <summary>How a <see cref="HistoryPublisher"/> run ended.</summary>
/// <param name="Succeeded">Every target holds the whole range, HAS files (and <c>.well-known</c>) included.</param>
/// <param name="Range">The checkpoints published; null when the directory holds none.</param>
/// <param name="Targets">What happened at each target, in the order given.</param>
/// <param name="Problems">What is wrong with the directory (a missing file, a broken rule); when not empty, nothing was published.</param>
public sealed record HistoryPublishResult(
    bool Succeeded,
    CheckpointRange? Range,
    IReadOnlyList<HistoryPublishTargetResult> Targets,
    IReadOnlyList<VerificationProblem> Problems);

/// <summary>What one target received.</summary>
/// <param name="Target">The writer's <see cref="IArchiveWriter.Name"/>.</param>
/// <param name="Succeeded">The target holds the whole range.</param>
/// <param name="FilesWritten">Files written.</param>
/// <param name="FilesSkipped">Files the target already held intact.</param>
/// <param name="BytesWritten">Bytes written.</param>
/// <param name="Error">Why the target failed after its retries; null when it succeeded.</param>
public sealed record HistoryPublishTargetResult(
    string Target,
    bool Succeeded,
    long FilesWritten,
    long FilesSkipped,
    long BytesWritten,
    string? Error);
