using System.Diagnostics.Metrics;
using Microsoft.Extensions.Logging;

namespace Stellar.HistoryWork;

/// <summary>Settings of <see cref="ArchivePool"/>.</summary>
public sealed class ArchivePoolOptions
{
    /// <summary>The longest wait Polly's retry accepts; longer settings are refused.</summary>
    private static readonly TimeSpan LongestDelay = TimeSpan.FromDays(1);

    /// <summary>Attempts to open one file, across all archives; null = max(6, 2 × archives).</summary>
    public int? MaxAttempts { get; set; }

    /// <summary>
    /// The first wait when no healthy archive is left to try (default 1 s); it grows exponentially per
    /// attempt, with jitter (Polly's exponential backoff), up to <see cref="MaxDelay"/>. Failing over to a
    /// healthy archive does not wait.
    /// </summary>
    public TimeSpan Delay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// The longest wait between attempts (default 30 s). A server's Retry-After is honoured up to this
    /// long, never longer: a hostile or confused hint cannot park a run for days.
    /// </summary>
    public TimeSpan MaxDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Former name of <see cref="Delay"/>.</summary>
    [Obsolete("Use Delay.")]
    public TimeSpan RetryDelay
    {
        get => Delay;
        set => Delay = value;
    }

    /// <summary>Former name of <see cref="MaxDelay"/>.</summary>
    [Obsolete("Use MaxDelay.")]
    public TimeSpan MaxRetryDelay
    {
        get => MaxDelay;
        set => MaxDelay = value;
    }

    /// <summary>
    /// The jitter source of the backoff: returns values in [0, 1). Null (the default) uses Polly's
    /// thread-safe randomizer; tests give a fixed function so that waits are predictable.
    /// </summary>
    public Func<double>? Randomizer { get; set; }

    /// <summary>How long an archive with a transient failure is avoided (default 30 s).</summary>
    public TimeSpan UnhealthyDuration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// The most files open at once on one archive of the pool (default 16). With
    /// <see cref="AdaptiveConcurrency"/> this is the ceiling the limit grows back to.
    /// </summary>
    public int MaxConcurrency { get; set; } = 16;

    /// <summary>
    /// Whether each archive's concurrency adapts to what it can take (default true): the limit starts at 2
    /// and doubles while the answers to each doubling come about as fast as those before (later means the archive
    /// queues them: the limit goes back and the doubling ends) and until the first overload; it halves when the archive
    /// refuses or resets connections, times out, answers 429 or 503, or answers much later than its fastest
    /// recent answer (twice that plus 750 ms: connection attempts dropped by a full listen queue), and grows
    /// back by one per limit's worth of successes, up to <see cref="MaxConcurrency"/>.
    /// </summary>
    public bool AdaptiveConcurrency { get; set; } = true;

    /// <summary>The most bytes per second read from all archives of the pool together; null (default) for no cap.</summary>
    public long? MaxBytesPerSecond { get; set; }

    /// <summary>The clock for delays and health.</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    /// <summary>Where failover is logged; nothing is logged when null.</summary>
    public ILoggerFactory? LoggerFactory { get; set; }

    /// <summary>
    /// Where the pool's retries are counted (<c>history.archive.retries</c>, tagged by the archive that
    /// failed); the shared <c>Stellar.HistoryWork</c> meter when null.
    /// </summary>
    public IMeterFactory? MeterFactory { get; set; }

    internal void Validate()
    {
        if (MaxAttempts is < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxAttempts), MaxAttempts, "At least 1.");
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(Delay, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxDelay, Delay);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(MaxDelay, LongestDelay);
        ArgumentOutOfRangeException.ThrowIfLessThan(UnhealthyDuration, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxConcurrency, 1);
        if (MaxBytesPerSecond is < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxBytesPerSecond), MaxBytesPerSecond, "At least 1 when set.");
        }

        ArgumentNullException.ThrowIfNull(TimeProvider);
    }
}
