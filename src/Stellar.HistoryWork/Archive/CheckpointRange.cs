using System.Collections;

namespace Stellar.HistoryWork;

/// <summary>An inclusive, non-empty range of checkpoints, oldest first.</summary>
public readonly struct CheckpointRange : IReadOnlyList<uint>, IEquatable<CheckpointRange>
{
    private readonly CheckpointMath _math;

    /// <exception cref="ArgumentOutOfRangeException">An end is not a checkpoint, or <paramref name="last"/> precedes <paramref name="first"/>.</exception>
    public CheckpointRange(uint first, uint last, CheckpointMath math)
    {
        ArgumentNullException.ThrowIfNull(math);
        if (!math.IsCheckpoint(first))
        {
            throw new ArgumentOutOfRangeException(nameof(first), first, "Not a checkpoint ledger.");
        }

        if (!math.IsCheckpoint(last) || last < first)
        {
            throw new ArgumentOutOfRangeException(nameof(last), last, $"Not a checkpoint ledger at or after {first}.");
        }

        First = first;
        Last = last;
        _math = math;
    }

    /// <summary>The first checkpoint ledger of the range.</summary>
    public uint First { get; }

    /// <summary>The last checkpoint ledger of the range (inclusive).</summary>
    public uint Last { get; }

    /// <summary>The checkpoint frequency the range counts in (<see cref="CheckpointMath.Default"/> for a default value).</summary>
    public CheckpointMath Math => _math ?? CheckpointMath.Default;

    /// <summary>How many checkpoints the range holds.</summary>
    public int Count => (int)(((ulong)Last - First) / Math.Frequency) + 1;

    /// <summary>The first ledger of the first checkpoint.</summary>
    public uint FirstLedger => Math.FirstLedgerIn(First);

    /// <summary>The checkpoint at <paramref name="index"/> (0 is <see cref="First"/>).</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="index"/> is negative or not below <see cref="Count"/>.</exception>
    public uint this[int index]
    {
        get
        {
            ArgumentOutOfRangeException.ThrowIfNegative(index);
            ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, Count);
            return First + ((uint)index * Math.Frequency);
        }
    }

    /// <summary>True when <paramref name="checkpoint"/> is a checkpoint ledger of this range.</summary>
    public bool Contains(uint checkpoint) => checkpoint >= First && checkpoint <= Last && Math.IsCheckpoint(checkpoint);

    /// <inheritdoc />
    public IEnumerator<uint> GetEnumerator()
    {
        for (var i = 0; i < Count; i++)
        {
            yield return this[i];
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <inheritdoc />
    public bool Equals(CheckpointRange other) => First == other.First && Last == other.Last && Math.Equals(other.Math);

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is CheckpointRange other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(First, Last, Math.Frequency);

    /// <summary>True when both ranges have the same ends and frequency.</summary>
    public static bool operator ==(CheckpointRange left, CheckpointRange right) => left.Equals(right);

    /// <summary>True when the ranges differ in an end or the frequency.</summary>
    public static bool operator !=(CheckpointRange left, CheckpointRange right) => !left.Equals(right);

    /// <summary>
    /// Joins ranges that meet — one's last checkpoint followed by the other's first — into one, oldest first: how a
    /// run of checkpoints stays one range (one problem line) whether it was found a checkpoint at a time or in slices.
    /// </summary>
    /// <param name="ranges">Ranges of one <see cref="CheckpointMath"/>, in any order, not overlapping.</param>
    public static IReadOnlyList<CheckpointRange> JoinAdjacent(IEnumerable<CheckpointRange> ranges)
    {
        ArgumentNullException.ThrowIfNull(ranges);
        var joined = new List<CheckpointRange>();
        foreach (var range in ranges.OrderBy(r => r.First))
        {
            if (joined.Count > 0 && (ulong)joined[^1].Last + range.Math.Frequency == range.First)
            {
                joined[^1] = new CheckpointRange(joined[^1].First, range.Last, range.Math);
            }
            else
            {
                joined.Add(range);
            }
        }

        return joined;
    }

    /// <inheritdoc />
    public override string ToString() => $"checkpoints {First}..{Last} ({Count})";
}
