namespace Stellar.HistoryWork.Scheduling;

/// <summary>How one attempt of a work ended.</summary>
public enum WorkOutcomeKind
{
    /// <summary>Done; dependents may start.</summary>
    Success,

    /// <summary>Try again after the retry delay, if retries are left.</summary>
    Retry,

    /// <summary>Give up now; dependents are blocked.</summary>
    Failed,

    /// <summary>Stopped on request; dependents are blocked.</summary>
    Cancelled,
}
