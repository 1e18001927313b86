using Polly;
using Polly.Retry;

namespace Stellar.HistoryWork.Scheduling;

/// <summary>
/// Polly retry pipelines with the reference node's backoff, for retries inside one attempt of a work
/// (e.g. re-reading a range from the same archive) where holding the attempt across the delay is wanted.
/// </summary>
/// <remarks>
/// <see cref="WorkScheduler"/> does not run works through this: Polly waits inside the execution, which
/// would keep a concurrency slot busy during the delay; the scheduler parks a retrying work on a timer
/// instead. Both share <see cref="WorkBackoff"/> and treat <see cref="FatalWorkException"/> as final.
/// </remarks>
internal static class WorkRetryPipeline
{
    /// <summary>
    /// A pipeline that retries any exception except cancellation and <see cref="FatalWorkException"/>
    /// up to <paramref name="maxRetries"/> times, waiting <paramref name="retryDelay"/>(retries done so far)
    /// (default <see cref="WorkBackoff.ReferenceDelay(int)"/>) on <paramref name="timeProvider"/>.
    /// </summary>
    public static ResiliencePipeline Create(
        int maxRetries,
        TimeProvider? timeProvider = null,
        Func<int, TimeSpan>? retryDelay = null,
        Func<OnRetryArguments<object>, ValueTask>? onRetry = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maxRetries);
        if (maxRetries == 0)
        {
            return ResiliencePipeline.Empty;
        }

        var delay = retryDelay ?? WorkBackoff.ReferenceDelay;
        var options = new RetryStrategyOptions
        {
            MaxRetryAttempts = maxRetries,
            ShouldHandle = new PredicateBuilder().Handle<Exception>(IsRetryable),

            // Polly's AttemptNumber is 0 for the first failure, which is "retries done so far".
            DelayGenerator = args => new ValueTask<TimeSpan?>(delay(args.AttemptNumber)),
            OnRetry = onRetry,
        };

        return new ResiliencePipelineBuilder { TimeProvider = timeProvider ?? TimeProvider.System }
            .AddRetry(options)
            .Build();
    }

    internal static bool IsRetryable(Exception exception) =>
        exception is not (OperationCanceledException or FatalWorkException);
}
