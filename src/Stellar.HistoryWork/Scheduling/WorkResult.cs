namespace Stellar.HistoryWork.Scheduling;

/// <summary>How one work ended.</summary>
/// <param name="Id">The work.</param>
/// <param name="Name">The work's <see cref="IWork.Name"/>.</param>
/// <param name="State">Its final state.</param>
/// <param name="Attempts">Attempts started (0 if it never ran).</param>
/// <param name="Reason">Why it did not succeed; <see langword="null"/> when it did.</param>
/// <param name="Error">The exception behind the last failed attempt, if any.</param>
/// <param name="BlockedBy">For <see cref="WorkState.Blocked"/>: the failed or cancelled work that blocked it.</param>
public sealed record WorkResult(
    WorkId Id,
    string Name,
    WorkState State,
    int Attempts,
    string? Reason,
    Exception? Error,
    WorkId? BlockedBy);
