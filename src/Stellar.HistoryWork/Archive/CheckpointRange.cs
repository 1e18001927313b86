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

    public uint First { get; }

    public uint Last { get; }

    public CheckpointMath Math => _math ?? CheckpointMath.Default;

    /// <summary>How many checkpoints the range holds.</summary>
    public int Count => (int)(((ulong)Last - First) / Math.Frequency) + 1;

    /// <summary>The first ledger of the first checkpoint.</summary>
    public uint FirstLedger => Math.FirstLedgerIn(First);

    public uint this[int index]
    {
        get
        {
            ArgumentOutOfRangeException.ThrowIfNegative(index);
            ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, Count);
            return First + ((uint)index * Math.Frequency);
        }
    }

    public bool Contains(uint checkpoint) => checkpoint >= First && checkpoint <= Last && Math.IsCheckpoint(checkpoint);

    public IEnumerator<uint> GetEnumerator()
    {
        for (var i = 0; i < Count; i++)
        {
            yield return this[i];
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    public bool Equals(CheckpointRange other) => First == other.First && Last == other.Last && Math.Equals(other.Math);

    public override bool Equals(object? obj) => obj is CheckpointRange other && Equals(other);

    public override int GetHashCode() => HashCode.Combine(First, Last, Math.Frequency);

    public static bool operator ==(CheckpointRange left, CheckpointRange right) => left.Equals(right);

    public static bool operator !=(CheckpointRange left, CheckpointRange right) => !left.Equals(right);

    public override string ToString() => $"checkpoints {First}..{Last} ({Count})";
}
