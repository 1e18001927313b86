namespace Stellar.HistoryWork.Scheduling;

/// <summary>A change of a work's state, reported through <see cref="WorkSchedulerOptions.StateChanged"/> and <see cref="WorkSchedulerOptions.Progress"/>.</summary>
/// <param name="Id">The work.</param>
/// <param name="Name">The work's <see cref="IWork.Name"/>.</param>
/// <param name="PreviousState">The state before the change.</param>
/// <param name="State">The new state.</param>
/// <param name="Attempt">Attempts started so far (0 if it never ran).</param>
/// <param name="Timestamp">When, by the scheduler's <see cref="TimeProvider"/>.</param>
/// <param name="Reason">Why it is retrying, failed or is blocked; otherwise <see langword="null"/>.</param>
/// <param name="Error">The exception behind a retry or failure, if any.</param>
/// <param name="RetryDelay">For <see cref="WorkState.WaitingToRetry"/>: how long until the next attempt.</param>
public readonly record struct WorkEvent(
    WorkId Id,
    string Name,
    WorkState PreviousState,
    WorkState State,
    int Attempt,
    DateTimeOffset Timestamp,
    string? Reason,
    Exception? Error,
    TimeSpan? RetryDelay);
