namespace Stellar.HistoryWork.Scheduling;

/// <summary>The result of one attempt of an <see cref="IWork"/>.</summary>
public sealed class WorkOutcome
{
    private WorkOutcome(WorkOutcomeKind kind, string? reason, Exception? error)
    {
        Kind = kind;
        Reason = reason;
        Error = error;
    }

    /// <summary>The work is done.</summary>
    public static WorkOutcome Success { get; } = new(WorkOutcomeKind.Success, null, null);

    /// <summary>The work stopped because it was asked to; its dependents are blocked.</summary>
    public static WorkOutcome Cancelled { get; } = new(WorkOutcomeKind.Cancelled, null, null);

    /// <summary>What the outcome is: success, retry, failure or cancellation.</summary>
    public WorkOutcomeKind Kind { get; }

    /// <summary>Why the attempt did not succeed; <see langword="null"/> for success and cancellation.</summary>
    public string? Reason { get; }

    /// <summary>The exception behind a failure or retry, when there is one.</summary>
    public Exception? Error { get; }

    /// <summary>The work cannot succeed; it is not retried and its dependents are blocked.</summary>
    public static WorkOutcome Failed(string reason, Exception? error = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(reason);
        return new(WorkOutcomeKind.Failed, reason, error);
    }

    /// <summary>The attempt failed in a way another attempt may not; retried while retries are left.</summary>
    public static WorkOutcome Retry(string reason, Exception? error = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(reason);
        return new(WorkOutcomeKind.Retry, reason, error);
    }

    internal static WorkOutcome FailedBy(string reason, Exception error) => new(WorkOutcomeKind.Failed, reason, error);

    internal static WorkOutcome RetryAfter(Exception error) =>
        new(WorkOutcomeKind.Retry, $"{error.GetType().Name}: {error.Message}", error);

    /// <inheritdoc />
    public override string ToString() => Reason is null ? Kind.ToString() : $"{Kind}: {Reason}";
}
