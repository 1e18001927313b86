namespace Stellar.HistoryWork;

/// <summary>"Catch up to ledger <see cref="ToLedger"/>, anchored by <see cref="Trust"/>": what <see cref="HistoryCatchup"/> does.</summary>
public sealed class HistoryCatchupRequest
{
    /// <summary>The ledger to catch up to (after genesis).</summary>
    public required uint ToLedger { get; init; }

    /// <summary>
    /// Replay from this ledger (<c>catchup TO/COUNT</c> with COUNT = TO − FROM + 1); null for the reference node's
    /// minimal catchup (<see cref="CatchupRange.For"/>).
    /// </summary>
    public uint? FromLedger { get; init; }

    /// <summary>What anchors the downloaded chain.</summary>
    public required CatchupTrust Trust { get; init; }

    /// <summary>
    /// How long to wait for the archive to publish the checkpoint holding <see cref="ToLedger"/> (polling its
    /// <c>.well-known/stellar-history.json</c>); null (the default) does not wait: an unpublished checkpoint then
    /// fails the catchup as missing files.
    /// </summary>
    public TimeSpan? WaitForPublication { get; init; }

    /// <summary>The first wait between two polls (default 5 s); each next wait doubles, up to <see cref="MaxPollDelay"/>.</summary>
    public TimeSpan FirstPollDelay { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Receives the download's progress after every change (a file done, a stage started or ended); null for none.
    /// <see cref="HistoryCatchupRegistration.State"/>'s <see cref="SharedHistoryState.GetProgressAsync"/> reads the same on demand.
    /// </summary>
    public IProgress<HistoryWorkProgress>? Progress { get; init; }

    /// <summary>The longest wait between two polls (default 60 s; a checkpoint is published about every 5 minutes).</summary>
    public TimeSpan MaxPollDelay { get; init; } = TimeSpan.FromSeconds(60);
}
