using Microsoft.Extensions.Logging;

namespace Stellar.HistoryWork.Publish;

// Event ids 4000–4099 belong to publishing and mirroring (issue 5); they are stable, never reuse one.
internal static partial class PublishLog
{
    [LoggerMessage(4001, LogLevel.Debug, "Wrote {Path} to {Archive} ({Bytes} bytes)")]
    public static partial void FileWritten(this ILogger logger, string path, string archive, long bytes);

    [LoggerMessage(4002, LogLevel.Debug, "Skipped {Path}: {Archive} already holds an identical copy")]
    public static partial void FileSkipped(this ILogger logger, string path, string archive);

    [LoggerMessage(4003, LogLevel.Information, "Replacing {Path} on {Archive}: its copy differs from the verified file")]
    public static partial void FileReplaced(this ILogger logger, string path, string archive);

    [LoggerMessage(4004, LogLevel.Information, "Kept .well-known on {Archive} at checkpoint {Current}: newer than checkpoint {Checkpoint}")]
    public static partial void WellKnownKept(this ILogger logger, string archive, uint current, uint checkpoint);

    [LoggerMessage(4005, LogLevel.Warning, "{Work} attempt {Attempt} on {Archive} failed: {Reason}")]
    public static partial void AttemptFailed(this ILogger logger, Exception error, string work, int attempt, string archive, string reason);

    [LoggerMessage(4006, LogLevel.Information, "Published checkpoint {Checkpoint} to {Archive}")]
    public static partial void CheckpointPublished(this ILogger logger, uint checkpoint, string archive);

    [LoggerMessage(4007, LogLevel.Warning, "The .well-known on {Archive} cannot be read and is replaced: {Reason}")]
    public static partial void WellKnownUnreadable(this ILogger logger, string archive, string reason);

    [LoggerMessage(4010, LogLevel.Information, "Mirroring checkpoints {First}..{Last} (batch {Batch} of {Batches}) from {Source} to {Archive}")]
    public static partial void MirrorBatchStarting(this ILogger logger, uint first, uint last, int batch, int batches, string source, string archive);

    [LoggerMessage(4011, LogLevel.Information, "Mirror to {Archive} finished: {Written} files written ({Bytes} bytes), {Skipped} already valid")]
    public static partial void MirrorFinished(this ILogger logger, string archive, long written, long bytes, long skipped);

    [LoggerMessage(4012, LogLevel.Error, "Mirror of checkpoints {First}..{Last} to {Archive} failed: {Reason}")]
    public static partial void MirrorBatchFailed(this ILogger logger, uint first, uint last, string archive, string reason);
}
