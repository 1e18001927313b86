using Stellar.HistoryWork.Scheduling;

namespace Stellar.HistoryWork;

/// <summary>A finished, verified catchup.</summary>
public sealed class HistoryCatchupResult
{
    internal HistoryCatchupResult(CatchupRange range, CatchupTrustSource trustSource, CheckpointData data, WorkSchedulerResult run)
    {
        Range = range;
        TrustSource = trustSource;
        Data = data;
        Run = run;
    }

    /// <summary>What was applied and replayed (the reference node's rules).</summary>
    public CatchupRange Range { get; }

    /// <summary>Where the anchoring hash came from; <see cref="CatchupTrustSource.ArchivesAgree"/> is the weakest.</summary>
    public CatchupTrustSource TrustSource { get; }

    /// <summary>Everything verified: the applied HAS and its buckets (as files), headers, transactions, results, SCP.</summary>
    public CheckpointData Data { get; }

    /// <summary>The scheduler's run: every work's final state and attempts.</summary>
    public WorkSchedulerResult Run { get; }

    /// <summary>True when the trusted hash anchors the chain up to <see cref="CatchupRange.ToLedger"/>.</summary>
    public bool IsTrusted => Data.TrustedUpTo >= Range.ToLedger;
}

/// <summary>A catchup did not finish: a work failed, trust could not be established, or the checkpoint was not published.</summary>
public sealed class HistoryCatchupException : Exception
{
    /// <summary>Creates the exception with a default message.</summary>
    public HistoryCatchupException()
        : this("the catchup failed")
    {
    }

    /// <summary>Creates the exception with <paramref name="message"/>.</summary>
    public HistoryCatchupException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with <paramref name="message"/> and the exception that caused it.</summary>
    public HistoryCatchupException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>A failed run: the message names the works that failed and why.</summary>
    public HistoryCatchupException(CatchupRange range, WorkSchedulerResult run)
        : base(Describe(range, run), run?.Works.FirstOrDefault(w => w.Error is not null)?.Error)
    {
        Run = run;
    }

    /// <summary>The scheduler's run when works failed; null when the catchup failed before it.</summary>
    public WorkSchedulerResult? Run { get; }

    private static string Describe(CatchupRange range, WorkSchedulerResult run)
    {
        ArgumentNullException.ThrowIfNull(range);
        ArgumentNullException.ThrowIfNull(run);
        var failed = run.Works.Where(w => w.State is WorkState.Failed or WorkState.Cancelled).Select(w => $"{w.Name}: {w.Reason}");
        return $"catchup ({range}) did not finish: {string.Join("; ", failed)}";
    }
}
