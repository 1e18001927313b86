using Microsoft.Extensions.Logging;

namespace Stellar.HistoryWork.Download;

/// <summary>Settings of <see cref="WriteVerifiedCheckpointHashesWork"/>. Every setting has a working default.</summary>
public sealed class WriteVerifiedCheckpointHashesOptions
{
    /// <summary>The checkpoint frequency; 64 on pubnet and testnet, 8 on accelerated test networks.</summary>
    public CheckpointMath Checkpoints { get; set; } = CheckpointMath.Default;

    /// <summary>The oldest ledger whose checkpoint is written. Default 1: back to genesis.</summary>
    public uint FromLedger { get; set; } = 1;

    /// <summary>
    /// When true (the default) and the output file already exists, it must be a valid trusted checkpoint
    /// hashes file: only the checkpoints newer than its newest are downloaded, the oldest of them must link
    /// to it, and its entries are kept below the new ones.
    /// </summary>
    public bool ExtendExisting { get; set; } = true;

    /// <summary>Ledger files downloaded at once (the reference node's limit, 16). Verification stays in chain order.</summary>
    public int MaxConcurrentDownloads { get; set; } = 16;

    /// <summary>The largest decompressed ledger file accepted (a guard against gzip bombs).</summary>
    public long MaxLedgerFileSize { get; set; } = 256L * 1024 * 1024;

    /// <summary>Logging; default: none.</summary>
    public ILoggerFactory? LoggerFactory { get; set; }

    /// <summary>Receives the work's <see cref="WriteVerifiedCheckpointHashesWork.Progress"/> after every ledger file and at the end; null for none.</summary>
    public IProgress<HistoryWorkProgress>? Progress { get; set; }

    /// <summary>Time, for the progress's elapsed time and rate; default: the system clock.</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    internal void Validate()
    {
        ArgumentNullException.ThrowIfNull(Checkpoints);
        ArgumentOutOfRangeException.ThrowIfZero(FromLedger);
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxConcurrentDownloads, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxLedgerFileSize, 1);
        ArgumentNullException.ThrowIfNull(TimeProvider);
    }
}
