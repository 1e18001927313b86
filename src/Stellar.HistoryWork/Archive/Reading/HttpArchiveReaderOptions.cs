using System.Diagnostics.Metrics;

namespace Stellar.HistoryWork;

/// <summary>Settings of <see cref="HttpArchiveReader"/>; defaults suit public archives.</summary>
public sealed class HttpArchiveReaderOptions
{
    /// <summary>
    /// The longest wait for response headers or for the next body bytes (default 30 s). A slow but
    /// moving download never times out; a silent one does.
    /// </summary>
    public TimeSpan StallTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// The slowest a body may arrive (default 1,024 bytes per second), judged over
    /// <see cref="MinimumRateWindow"/> of waiting for the server: a transfer that trickles (a byte every few
    /// seconds never trips <see cref="StallTimeout"/>) fails as retryable. Time the caller spends between reads
    /// does not count. 0 turns the check off.
    /// </summary>
    public long MinimumBytesPerSecond { get; set; } = 1024;

    /// <summary>How long the server is watched before <see cref="MinimumBytesPerSecond"/> is judged (default 60 s).</summary>
    public TimeSpan MinimumRateWindow { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// Whether a redirect may lead to another host or port (default false: a request never leaves the
    /// archive's host, and a redirect elsewhere fails naming the host).
    /// </summary>
    public bool AllowCrossHostRedirects { get; set; }

    /// <summary>TCP/TLS connect timeout of the reader's own HttpClient (default 10 s); unused with an injected client.</summary>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>For logs and metric tags; default: the host (and port), plus the base path's last segment when there is one.</summary>
    public string? Name { get; set; }

    /// <summary>Where the archive metrics go; the library's process-wide meter when null.</summary>
    public IMeterFactory? MeterFactory { get; set; }

    /// <summary>The clock for stall timeouts and Retry-After dates.</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    internal void Validate()
    {
        if (StallTimeout <= TimeSpan.Zero && StallTimeout != Timeout.InfiniteTimeSpan)
        {
            throw new ArgumentOutOfRangeException(nameof(StallTimeout), StallTimeout, "Must be positive or infinite.");
        }

        if (ConnectTimeout <= TimeSpan.Zero && ConnectTimeout != Timeout.InfiniteTimeSpan)
        {
            throw new ArgumentOutOfRangeException(nameof(ConnectTimeout), ConnectTimeout, "Must be positive or infinite.");
        }

        ArgumentOutOfRangeException.ThrowIfNegative(MinimumBytesPerSecond);
        if (MinimumRateWindow <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(MinimumRateWindow), MinimumRateWindow, "Must be positive.");
        }

        ArgumentNullException.ThrowIfNull(TimeProvider);
    }
}
