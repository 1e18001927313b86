namespace Stellar.HistoryWork.Scheduling;

/// <summary>A unit of work run by <see cref="WorkScheduler"/> once all its dependencies succeeded.</summary>
/// <remarks>
/// An attempt ends with the returned <see cref="WorkOutcome"/>. An exception counts as
/// <see cref="WorkOutcome.Retry(string, Exception?)"/>, except <see cref="FatalWorkException"/> (counts as
/// <see cref="WorkOutcome.Failed(string, Exception?)"/>) and an <see cref="OperationCanceledException"/>
/// after the scheduler's token was cancelled (counts as <see cref="WorkOutcome.Cancelled"/>).
/// A work may be run several times, so an attempt must not leave state that breaks the next one.
/// </remarks>
public interface IWork
{
    /// <summary>A human-readable name for logs and results (may be specific, e.g. a file path).</summary>
    string Name { get; }

    /// <summary>Runs one attempt.</summary>
    ValueTask<WorkOutcome> RunAsync(WorkContext context, CancellationToken cancellationToken);
}
