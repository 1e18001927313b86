using Microsoft.Extensions.Logging;

namespace Stellar.HistoryWork.Scheduling;

// Event ids 3000–3099 belong to the scheduler (issue 3); they are stable, never reuse one.
internal static partial class WorkSchedulerLog
{
    [LoggerMessage(3000, LogLevel.Information, "Running {WorkCount} works with at most {MaxConcurrency} at once")]
    public static partial void RunStarting(this ILogger logger, int workCount, int maxConcurrency);

    [LoggerMessage(3001, LogLevel.Information, "Run finished in {Elapsed}: {Succeeded} succeeded, {Failed} failed, {Cancelled} cancelled, {Blocked} blocked")]
    public static partial void RunFinished(this ILogger logger, TimeSpan elapsed, int succeeded, int failed, int cancelled, int blocked);

    [LoggerMessage(3002, LogLevel.Information, "Run cancelled; {Running} works still running are asked to stop")]
    public static partial void RunCancelling(this ILogger logger, int running);

    [LoggerMessage(3010, LogLevel.Debug, "Work {WorkId} '{WorkName}' attempt {Attempt} starting")]
    public static partial void WorkStarting(this ILogger logger, WorkId workId, string workName, int attempt);

    [LoggerMessage(3011, LogLevel.Debug, "Work {WorkId} '{WorkName}' succeeded on attempt {Attempt}")]
    public static partial void WorkSucceeded(this ILogger logger, WorkId workId, string workName, int attempt);

    [LoggerMessage(3012, LogLevel.Warning, "Work {WorkId} '{WorkName}' attempt {Attempt} will be retried in {Delay} (retry {Retry} of {MaxRetries}): {Reason}")]
    public static partial void WorkRetrying(this ILogger logger, Exception? error, WorkId workId, string workName, int attempt, TimeSpan delay, int retry, int maxRetries, string? reason);

    [LoggerMessage(3013, LogLevel.Error, "Work {WorkId} '{WorkName}' failed after {Attempt} attempts: {Reason}")]
    public static partial void WorkFailed(this ILogger logger, Exception? error, WorkId workId, string workName, int attempt, string? reason);

    [LoggerMessage(3014, LogLevel.Information, "Work {WorkId} '{WorkName}' cancelled after {Attempt} attempts")]
    public static partial void WorkCancelled(this ILogger logger, WorkId workId, string workName, int attempt);

    [LoggerMessage(3015, LogLevel.Debug, "Work {WorkId} '{WorkName}' blocked by {BlockedBy}")]
    public static partial void WorkBlocked(this ILogger logger, WorkId workId, string workName, WorkId blockedBy);

    [LoggerMessage(3020, LogLevel.Error, "A state-change observer threw for work {WorkId}; ignored")]
    public static partial void ObserverThrew(this ILogger logger, Exception error, WorkId workId);

    [LoggerMessage(3021, LogLevel.Error, "RetryDelay threw for work {WorkId}; the work fails")]
    public static partial void RetryDelayThrew(this ILogger logger, Exception error, WorkId workId);
}
