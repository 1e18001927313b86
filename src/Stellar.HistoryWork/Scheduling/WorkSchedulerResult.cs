namespace Stellar.HistoryWork.Scheduling;

/// <summary>The end of a <see cref="WorkScheduler.RunToCompletionAsync(CancellationToken)"/>: every work in a final state.</summary>
public sealed class WorkSchedulerResult
{
    private readonly WorkResult[] _works;

    internal WorkSchedulerResult(WorkResult[] works, bool wasCancelled, TimeSpan elapsed)
    {
        _works = works;
        WasCancelled = wasCancelled;
        Elapsed = elapsed;
        Succeeded = Array.TrueForAll(works, w => w.State == WorkState.Succeeded);
    }

    /// <summary>Whether every work succeeded (true for an empty scheduler).</summary>
    public bool Succeeded { get; }

    /// <summary>Whether the run was cancelled (token or <see cref="WorkScheduler.CancelAll"/>).</summary>
    public bool WasCancelled { get; }

    /// <summary>Wall time of the run by the scheduler's <see cref="TimeProvider"/>.</summary>
    public TimeSpan Elapsed { get; }

    /// <summary>Every work, in the order added (index = <see cref="WorkId.Value"/>).</summary>
    public IReadOnlyList<WorkResult> Works => _works;

    /// <summary>The result of one work.</summary>
    /// <exception cref="ArgumentException">The id is not from this run's scheduler.</exception>
    public WorkResult this[WorkId id]
    {
        get
        {
            if ((uint)id.Value >= (uint)_works.Length || _works[id.Value].Id != id)
            {
                throw new ArgumentException($"Work {id} is not part of this result.", nameof(id));
            }

            return _works[id.Value];
        }
    }

    /// <summary>How many works ended in <paramref name="state"/>.</summary>
    public int CountOf(WorkState state)
    {
        var count = 0;
        foreach (var work in _works)
        {
            if (work.State == state)
            {
                count++;
            }
        }

        return count;
    }

    /// <inheritdoc />
    public override string ToString() =>
        $"{(Succeeded ? "succeeded" : "did not succeed")}: {CountOf(WorkState.Succeeded)} succeeded, " +
        $"{CountOf(WorkState.Failed)} failed, {CountOf(WorkState.Cancelled)} cancelled, {CountOf(WorkState.Blocked)} blocked";
}
