using System.Diagnostics.Metrics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Stellar.HistoryWork.Scheduling;

/// <summary>Settings of a <see cref="WorkScheduler"/>, read once when it is constructed.</summary>
public sealed class WorkSchedulerOptions
{
    /// <summary>Most works running at once (≥ 1). Default 16, the reference node's download limit.</summary>
    public int MaxConcurrency { get; set; } = 16;

    /// <summary>Retries of a work added without <c>maxRetries</c> (≥ 0). Default <see cref="WorkRetries.AFew"/> (5).</summary>
    public int DefaultMaxRetries { get; set; } = WorkRetries.AFew;

    /// <summary>
    /// Retries done so far → delay before the next attempt. Default <see cref="WorkBackoff.ReferenceDelay(int)"/>
    /// (1, 2, 3–4, 5–8, … 257–512 s). A zero or negative delay retries at once.
    /// </summary>
    public Func<int, TimeSpan> RetryDelay { get; set; } = WorkBackoff.ReferenceDelay;

    /// <summary>The clock for retry delays, durations and event timestamps. Default <see cref="TimeProvider.System"/>.</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    /// <summary>Loggers for the scheduler and (by work type) for works. Default: no logging.</summary>
    public ILoggerFactory LoggerFactory { get; set; } = NullLoggerFactory.Instance;

    /// <summary>
    /// Creates the <c>Stellar.HistoryWork</c> meter. Default <see langword="null"/>: a process-wide meter
    /// of that name not owned by any factory.
    /// </summary>
    public IMeterFactory? MeterFactory { get; set; }

    /// <summary>
    /// Called on every state change, serialized and in the order the changes happen, while the scheduler
    /// holds its internal lock: keep it short and never block in it. It may call
    /// <see cref="WorkScheduler.GetState(WorkId)"/> and <see cref="WorkScheduler.CancelAll"/>.
    /// An exception it throws is logged and ignored.
    /// </summary>
    public Action<WorkEvent>? StateChanged { get; set; }

    /// <summary>Receives every state change too (a <see cref="Progress{T}"/> posts them to its context).</summary>
    public IProgress<WorkEvent>? Progress { get; set; }
}
