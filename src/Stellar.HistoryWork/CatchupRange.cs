using System.Globalization;

namespace Stellar.HistoryWork;

/// <summary>
/// What a node starting from genesis needs from an archive to catch up to <see cref="ToLedger"/>: the reference
/// node's minimal catchup (stellar-core's <c>CatchupRange</c>). The one place that decides which checkpoint's HAS
/// and buckets are applied and which ledgers are replayed.
/// </summary>
/// <remarks>
/// <para>With no first ledger (a replay count of 0): when <see cref="ToLedger"/> is a checkpoint ledger, the HAS and
/// buckets at it and nothing to replay; otherwise the HAS and buckets at the last checkpoint <em>before</em> the
/// checkpoint holding it, and its checkpoint's files to replay up to it. Never state newer than the target.</para>
/// <para>A first ledger F widens the replay to F..TO the way <c>catchup TO/COUNT</c> does (COUNT = TO − F + 1): the
/// buckets are applied at the checkpoint before the one holding F, and everything from that checkpoint's next
/// ledger is replayed. When F lies in the first checkpoint, everything is replayed from genesis and no bucket is
/// applied.</para>
/// <para>Example at 64 ledgers per checkpoint: to 100 → buckets at 63, replay 64..100 (checkpoint 127's files, cut
/// at 100); to 127 → buckets at 127, no replay; from 5000 to 6000 → buckets at 4991, replay 4992..6000.</para>
/// </remarks>
public sealed class CatchupRange
{
    private CatchupRange(uint toLedger, uint? applyBucketsAt, uint? replayFirst, CheckpointMath math)
    {
        ToLedger = toLedger;
        ApplyBucketsAt = applyBucketsAt;
        ReplayFirst = replayFirst;
        Math = math;
    }

    /// <summary>The ledger the catchup ends at.</summary>
    public uint ToLedger { get; }

    /// <summary>The checkpoint whose HAS and buckets are applied; null when everything is replayed from genesis.</summary>
    public uint? ApplyBucketsAt { get; }

    /// <summary>The first ledger replayed (ledgers <see cref="ReplayFirst"/>..<see cref="ToLedger"/>); null when nothing is.</summary>
    public uint? ReplayFirst { get; }

    /// <summary>The checkpoint frequency the range was computed with.</summary>
    public CheckpointMath Math { get; }

    /// <summary>
    /// The checkpoints whose files are downloaded: from the checkpoint of the applied buckets (its headers bind its
    /// HAS) or the first checkpoint when replaying from genesis, to the checkpoint holding <see cref="ToLedger"/>.
    /// </summary>
    public CheckpointRange Checkpoints =>
        new(ApplyBucketsAt ?? Math.FirstCheckpoint, Math.CheckpointContaining(ToLedger), Math);

    /// <summary>
    /// The ledgers the catchup establishes: from the applied checkpoint (its state) or genesis, to
    /// <see cref="ToLedger"/>. A trusted hash must name one of them.
    /// </summary>
    public LedgerRange Ledgers => new(ApplyBucketsAt ?? 1, ToLedger);

    /// <summary>The checkpoint whose HAS the download fetches: the applied one, or when replaying from genesis the last one.</summary>
    public uint HistoryArchiveStateCheckpoint => ApplyBucketsAt ?? Checkpoints.Last;

    /// <summary>The reference node's minimal catchup to <paramref name="toLedger"/>, widened to replay from <paramref name="fromLedger"/> when given.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="toLedger"/> is not after genesis, or <paramref name="fromLedger"/> is 0 or after it.</exception>
    public static CatchupRange For(uint toLedger, uint? fromLedger, CheckpointMath math)
    {
        ArgumentNullException.ThrowIfNull(math);
        if (toLedger <= 1)
        {
            throw new ArgumentOutOfRangeException(nameof(toLedger), toLedger, "A catchup ends after the genesis ledger 1.");
        }

        if (fromLedger == 0 || fromLedger > toLedger)
        {
            throw new ArgumentOutOfRangeException(nameof(fromLedger), fromLedger, string.Create(CultureInfo.InvariantCulture, $"The first ledger must lie in 1..{toLedger}."));
        }

        if (!math.IsCheckpoint(toLedger) && toLedger >= math.LastCheckpoint)
        {
            throw new ArgumentOutOfRangeException(nameof(toLedger), toLedger, "The checkpoint holding this ledger does not fit in 32 bits.");
        }

        // The replay count of `catchup TO/COUNT`; a node at genesis replays from ledger 2 at most.
        var count = fromLedger is { } from ? toLedger - from + 1 : 0;
        if (count >= toLedger - 1)
        {
            return new CatchupRange(toLedger, null, 2, math);
        }

        if (count == 0 && math.IsCheckpoint(toLedger))
        {
            return new CatchupRange(toLedger, toLedger, null, math);
        }

        var targetStart = toLedger - count + 1;
        var firstReplayed = math.FirstLedgerIn(math.CheckpointContaining(targetStart));
        return firstReplayed == 1
            ? new CatchupRange(toLedger, null, 2, math)
            : new CatchupRange(toLedger, firstReplayed - 1, firstReplayed, math);
    }

    /// <summary>"buckets at A, replay F..T", "buckets at T" or "replay 2..T from genesis".</summary>
    public override string ToString() => (ApplyBucketsAt, ReplayFirst) switch
    {
        ({ } at, { } first) => string.Create(CultureInfo.InvariantCulture, $"buckets at {at}, replay {first}..{ToLedger}"),
        ({ } at, null) => string.Create(CultureInfo.InvariantCulture, $"buckets at {at}"),
        _ => string.Create(CultureInfo.InvariantCulture, $"replay {ReplayFirst}..{ToLedger} from genesis"),
    };
}
