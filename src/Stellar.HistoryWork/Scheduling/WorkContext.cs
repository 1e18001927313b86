using Microsoft.Extensions.Logging;

namespace Stellar.HistoryWork.Scheduling;

/// <summary>What a work knows about the attempt it is running; a new instance per attempt.</summary>
public sealed class WorkContext
{
    internal WorkContext(
        WorkId id,
        int attempt,
        int maxRetries,
        WorkOutcome? previousOutcome,
        TimeProvider timeProvider,
        ILogger logger)
    {
        Id = id;
        Attempt = attempt;
        MaxRetries = maxRetries;
        PreviousOutcome = previousOutcome;
        TimeProvider = timeProvider;
        Logger = logger;
    }

    /// <summary>The running work's id in its scheduler.</summary>
    public WorkId Id { get; }

    /// <summary>1 for the first attempt, 2 for the first retry, and so on.</summary>
    public int Attempt { get; }

    /// <summary>Retries done before this attempt (<see cref="Attempt"/> − 1).</summary>
    public int RetriesDone => Attempt - 1;

    /// <summary>The most retries this work gets; the last attempt is number <c>MaxRetries + 1</c>.</summary>
    public int MaxRetries { get; }

    /// <summary>Whether an earlier attempt failed, e.g. so that a download picks another archive.</summary>
    public bool IsRetry => Attempt > 1;

    /// <summary>Whether this is the last attempt the work will get.</summary>
    public bool IsLastAttempt => Attempt > MaxRetries;

    /// <summary>How the previous attempt ended (always a retry outcome), or <see langword="null"/> on the first attempt.</summary>
    public WorkOutcome? PreviousOutcome { get; }

    /// <summary>The scheduler's clock; use it for every delay and timestamp so tests can drive time.</summary>
    public TimeProvider TimeProvider { get; }

    /// <summary>A logger whose category is the work's type.</summary>
    public ILogger Logger { get; }
}
