namespace Stellar.HistoryWork.Scheduling;

/// <summary>What the scheduler knows of one added work.</summary>
/// <remarks>
/// Mutable members are guarded by the scheduler's lock (Attempts and LastRetry are also read by the
/// one worker running the work, which no one else touches meanwhile).
/// </remarks>
internal sealed class WorkNode(IWork work, WorkId id, int maxRetries, WorkType type)
{
    public IWork Work { get; } = work;

    public WorkId Id { get; } = id;

    public string Name { get; } = work.Name ?? type.Name;

    public int MaxRetries { get; } = maxRetries;

    public WorkType Type { get; } = type;

    public List<WorkNode>? Dependents { get; set; }

    public int PendingDependencies { get; set; }

    public WorkState State { get; set; }

    public int Attempts { get; set; }

    public string? Reason { get; set; }

    public Exception? Error { get; set; }

    public WorkId? BlockedBy { get; set; }

    public WorkOutcome? LastRetry { get; set; }

    public ITimer? RetryTimer { get; set; }
}
