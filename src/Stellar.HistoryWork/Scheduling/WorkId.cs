namespace Stellar.HistoryWork.Scheduling;

/// <summary>Identifies a work within the <see cref="WorkScheduler"/> that added it.</summary>
/// <remarks>The default value, and an id from another scheduler, are unknown to every scheduler.</remarks>
public readonly record struct WorkId
{
    internal WorkId(int schedulerId, int value)
    {
        SchedulerId = schedulerId;
        Value = value;
    }

    /// <summary>The 0-based order in which the work was added to its scheduler.</summary>
    public int Value { get; }

    // Lets a scheduler reject ids minted by another one instead of silently mixing graphs.
    internal int SchedulerId { get; }

    /// <inheritdoc />
    public override string ToString() => $"#{Value}";
}
