using System.Globalization;

namespace Stellar.HistoryWork;

/// <summary>
/// One of <see cref="Count"/> shards of a range (docs/SCALE-OUT.md): the one rule that cuts a range's checkpoints
/// into <see cref="Count"/> contiguous slices whose sizes differ by at most one, index 0 the newest (the heaviest
/// recent ledgers start first), and that assigns each referenced bucket to one shard. A pure function of the range
/// and the count, so that every pod of a job computes the same slices.
/// </summary>
public readonly record struct ArchiveShard
{
    /// <summary>Shard <paramref name="index"/> of <paramref name="count"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="count"/> is below 1 or <paramref name="index"/> is not in 0..count−1.</exception>
    public ArchiveShard(int index, int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        if (index < 0 || index >= count)
        {
            throw new ArgumentOutOfRangeException(nameof(index), index, string.Create(CultureInfo.InvariantCulture, $"A shard index is 0..{count - 1}."));
        }

        Index = index;
        Count = count;
    }

    /// <summary>This shard's index: 0 is the newest slice, <see cref="Count"/> − 1 the oldest.</summary>
    public int Index { get; }

    /// <summary>How many shards the range is cut into.</summary>
    public int Count { get; }

    /// <summary>Whether this shard holds the oldest slice, which verifies every bucket its HAS files name.</summary>
    public bool IsLowest => Index == Count - 1;

    /// <summary>
    /// The slice of <paramref name="range"/> this shard works on, or null when the range has fewer checkpoints
    /// than shards and this one gets none. Slices are contiguous, tile the range, and their sizes differ by at
    /// most one (the newer slices take the remainder).
    /// </summary>
    public CheckpointRange? SliceOf(CheckpointRange range)
    {
        var total = range.Count;
        var size = total / Count;
        var extra = total % Count;
        var sizeHere = size + (Index < extra ? 1 : 0);
        if (sizeHere == 0)
        {
            return null;
        }

        // Checkpoints above this slice: the slices with a lower index.
        var above = (long)Index * size + Math.Min(Index, extra);
        var lastIndex = (int)(total - 1 - above);
        return new CheckpointRange(range[lastIndex - sizeHere + 1], range[lastIndex], range.Math);
    }

    /// <summary>
    /// The ledgers of <paramref name="job"/> that this shard's slice holds, or null when it holds none: the slice's
    /// checkpoints' ledgers clipped to the job's range (the oldest slice begins at the job's first ledger, the newest
    /// ends at its last).
    /// </summary>
    public LedgerRange? LedgersOf(LedgerRange job, CheckpointMath math)
    {
        ArgumentNullException.ThrowIfNull(math);
        return SliceOf(job.ToCheckpoints(math)) is { } slice
            ? new LedgerRange(Math.Max(job.First, slice.FirstLedger), Math.Min(job.Last, slice.Last))
            : null;
    }

    /// <summary>
    /// The checkpoint whose HAS decides which buckets this shard skips: the one just below its slice, whose shard
    /// verifies every bucket it names (a bucket enters the bucket list once and stays until merged away, so the
    /// shard where it first appears takes it). Null for the oldest slice, which takes all of its own, and when
    /// this shard has no slice.
    /// </summary>
    public uint? CheckpointBelow(CheckpointRange range)
    {
        return SliceOf(range) is { } slice && slice.First > range.First ? range.Math.Previous(slice.First) : null;
    }

    /// <summary>"shard I of N".</summary>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"shard {Index} of {Count}");
}
