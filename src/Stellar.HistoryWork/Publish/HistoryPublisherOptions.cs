using System.Diagnostics.Metrics;
using Microsoft.Extensions.Logging;
using Stellar.HistoryWork.Scheduling;
using Stellar.HistoryWork.Verification;

namespace Stellar.HistoryWork.Publish;

/// <summary>How a <see cref="HistoryPublisher"/> checks and publishes. Every setting has a working default.</summary>
public sealed class HistoryPublisherOptions
{
    /// <summary>Checkpoint frequency of the history (default 64).</summary>
    public CheckpointMath Checkpoints { get; set; } = CheckpointMath.Default;

    /// <summary>
    /// Verify the directory before anything leaves it, by the rules of <c>stellar-history verify</c> (hashes, the
    /// header chain, transaction sets and results against headers, buckets against the HAS and the bucket-list hash);
    /// any problem publishes nothing. Default true; turn it off only for files this process has just verified.
    /// </summary>
    public bool Verify { get; set; } = true;

    /// <summary>A ledger hash the caller trusts, for <see cref="Verify"/>: the chain must reach it.</summary>
    public TrustedLedgerHash? TrustedHash { get; set; }

    /// <summary>The network passphrase every HAS must name, when it names one (null: not checked).</summary>
    public string? NetworkPassphrase { get; set; }

    /// <summary>Point each target's <c>.well-known</c> at the newest checkpoint published (never back to an older one). Default true.</summary>
    public bool PublishWellKnown { get; set; } = true;

    /// <summary>Files written at once per target (default 16).</summary>
    public int MaxConcurrency { get; set; } = 16;

    /// <summary>Retries per target after a failed write; each retry skips what already reached the target intact. Default 2.</summary>
    public int Retries { get; set; } = 2;

    /// <summary>Delay before a retry (retries done so far → delay); default the reference node's backoff.</summary>
    public Func<int, TimeSpan> RetryDelay { get; set; } = WorkBackoff.ReferenceDelay;

    /// <summary>Clock for retry delays and the publish durations.</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    /// <summary>Where the publish logs go (event ids 4001–4012); none when null.</summary>
    public ILoggerFactory? LoggerFactory { get; set; }

    /// <summary>Where <c>history.publish.*</c> is measured; the library's process-wide meter when null.</summary>
    public IMeterFactory? MeterFactory { get; set; }

    internal void Validate()
    {
        ArgumentNullException.ThrowIfNull(Checkpoints);
        ArgumentNullException.ThrowIfNull(RetryDelay);
        ArgumentNullException.ThrowIfNull(TimeProvider);
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxConcurrency, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(Retries);
    }
}
