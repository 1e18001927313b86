namespace Stellar.HistoryWork.Scheduling;

/// <summary>Where a work is in its life. The last four are final.</summary>
public enum WorkState
{
    /// <summary>Added; waiting for its dependencies or a free slot.</summary>
    Pending,

    /// <summary>An attempt is running.</summary>
    Running,

    /// <summary>An attempt asked to retry (or threw); the retry delay has not elapsed yet.</summary>
    WaitingToRetry,

    /// <summary>An attempt returned <see cref="WorkOutcome.Success"/>.</summary>
    Succeeded,

    /// <summary>Returned <see cref="WorkOutcome.Failed(string, Exception?)"/>, threw <see cref="FatalWorkException"/>, or ran out of retries.</summary>
    Failed,

    /// <summary>Returned <see cref="WorkOutcome.Cancelled"/>, or the run was cancelled before the work could finish.</summary>
    Cancelled,

    /// <summary>Never ran because a work it depends on (directly or not) failed or was cancelled.</summary>
    Blocked,
}

/// <summary>Helpers over <see cref="WorkState"/>.</summary>
public static class WorkStateExtensions
{
    /// <summary>Whether the state is final (<see cref="WorkState.Succeeded"/>, <see cref="WorkState.Failed"/>, <see cref="WorkState.Cancelled"/>, <see cref="WorkState.Blocked"/>).</summary>
    public static bool IsTerminal(this WorkState state) => state >= WorkState.Succeeded;
}
