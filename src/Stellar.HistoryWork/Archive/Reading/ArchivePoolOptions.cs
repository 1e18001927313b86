using Microsoft.Extensions.Logging;

namespace Stellar.HistoryWork;

/// <summary>Settings of <see cref="ArchivePool"/>.</summary>
public sealed class ArchivePoolOptions
{
    /// <summary>Attempts to open one file, across all archives; null = max(6, 2 × archives).</summary>
    public int? MaxAttempts { get; set; }

    /// <summary>
    /// The first wait when no healthy archive is left to try (default 1 s); it doubles per attempt, with
    /// jitter, up to <see cref="MaxRetryDelay"/>. Failing over to a healthy archive does not wait.
    /// </summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The longest wait between attempts (default 30 s), unless a Retry-After asks for more.</summary>
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long an archive with a transient failure is avoided (default 30 s).</summary>
    public TimeSpan UnhealthyDuration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The clock for delays and health.</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    /// <summary>Where failover is logged; nothing is logged when null.</summary>
    public ILoggerFactory? LoggerFactory { get; set; }

    internal void Validate()
    {
        if (MaxAttempts is < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxAttempts), MaxAttempts, "At least 1.");
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(RetryDelay, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxRetryDelay, RetryDelay);
        ArgumentOutOfRangeException.ThrowIfLessThan(UnhealthyDuration, TimeSpan.Zero);
        ArgumentNullException.ThrowIfNull(TimeProvider);
    }
}
