namespace Stellar.HistoryWork;

/// <summary>
/// Checkpoint arithmetic for one checkpoint frequency: the single place that knows which ledgers a
/// checkpoint holds. Checkpoints are the ledgers <c>k·f − 1</c> (63, 127, … for <c>f</c> = 64); the
/// first one holds ledgers 1..<c>f − 1</c> because there is no ledger 0.
/// </summary>
public sealed class CheckpointMath : IEquatable<CheckpointMath>
{
    /// <summary>The frequency of public networks.</summary>
    public const uint DefaultFrequency = 64;

    /// <summary>The frequency of accelerated test networks (ARTIFICIALLY_ACCELERATE_TIME_FOR_TESTING).</summary>
    public const uint AcceleratedFrequency = 8;

    /// <summary>Checkpoint math for public networks (64 ledgers per checkpoint).</summary>
    public static CheckpointMath Default { get; } = new(DefaultFrequency);

    /// <summary>Checkpoint math for accelerated test networks (8 ledgers per checkpoint).</summary>
    public static CheckpointMath Accelerated { get; } = new(AcceleratedFrequency);

    /// <param name="frequency">Ledgers per checkpoint; at least 2 so that the first checkpoint is not ledger 0.</param>
    public CheckpointMath(uint frequency)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(frequency, 2u);
        Frequency = frequency;
        LastCheckpoint = (uint)((((ulong)uint.MaxValue + 1) / frequency * frequency) - 1);
    }

    /// <summary>Ledgers per checkpoint.</summary>
    public uint Frequency { get; }

    /// <summary>The first checkpoint ledger (<c>f − 1</c>).</summary>
    public uint FirstCheckpoint => Frequency - 1;

    /// <summary>The highest checkpoint that fits in a 32-bit ledger number.</summary>
    public uint LastCheckpoint { get; }

    /// <summary>The checkpoint whose files hold <paramref name="ledger"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The checkpoint would not fit in 32 bits.</exception>
    public uint CheckpointContaining(uint ledger)
    {
        var checkpoint = (((ulong)ledger / Frequency) + 1) * Frequency - 1;
        if (checkpoint > uint.MaxValue)
        {
            throw new ArgumentOutOfRangeException(nameof(ledger), ledger, "The checkpoint containing this ledger does not fit in 32 bits.");
        }

        return (uint)checkpoint;
    }

    /// <summary>Whether <paramref name="ledger"/> is a checkpoint ledger (the last of its checkpoint).</summary>
    public bool IsCheckpoint(uint ledger) => ((ulong)ledger + 1) % Frequency == 0;

    /// <summary>The first ledger held by <paramref name="checkpoint"/>: 1 for the first checkpoint.</summary>
    public uint FirstLedgerIn(uint checkpoint)
    {
        RequireCheckpoint(checkpoint);
        return checkpoint == FirstCheckpoint ? 1 : checkpoint - Frequency + 1;
    }

    /// <summary>How many ledgers <paramref name="checkpoint"/> holds: <c>f − 1</c> for the first, else <c>f</c>.</summary>
    public uint LedgerCount(uint checkpoint) => checkpoint - FirstLedgerIn(checkpoint) + 1;

    /// <summary>Whether <paramref name="previous"/> exists before <paramref name="checkpoint"/>.</summary>
    public bool TryGetPrevious(uint checkpoint, out uint previous)
    {
        RequireCheckpoint(checkpoint);
        previous = checkpoint == FirstCheckpoint ? 0 : checkpoint - Frequency;
        return checkpoint != FirstCheckpoint;
    }

    /// <summary>The checkpoint before <paramref name="checkpoint"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">It is the first checkpoint.</exception>
    public uint Previous(uint checkpoint) =>
        TryGetPrevious(checkpoint, out var previous)
            ? previous
            : throw new ArgumentOutOfRangeException(nameof(checkpoint), checkpoint, "The first checkpoint has no previous checkpoint.");

    /// <summary>The checkpoint after <paramref name="checkpoint"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">It is the last checkpoint that fits in 32 bits.</exception>
    public uint Next(uint checkpoint)
    {
        RequireCheckpoint(checkpoint);
        return checkpoint == LastCheckpoint
            ? throw new ArgumentOutOfRangeException(nameof(checkpoint), checkpoint, "The next checkpoint does not fit in 32 bits.")
            : checkpoint + Frequency;
    }

    /// <summary>The inclusive range of checkpoints whose files hold ledgers <paramref name="firstLedger"/>..<paramref name="lastLedger"/>.</summary>
    public CheckpointRange RangeCovering(uint firstLedger, uint lastLedger)
    {
        if (lastLedger < firstLedger)
        {
            throw new ArgumentOutOfRangeException(nameof(lastLedger), lastLedger, $"The range ends before it starts ({firstLedger}).");
        }

        return new CheckpointRange(CheckpointContaining(firstLedger), CheckpointContaining(lastLedger), this);
    }

    /// <inheritdoc />
    public bool Equals(CheckpointMath? other) => other is not null && other.Frequency == Frequency;

    /// <inheritdoc />
    public override bool Equals(object? obj) => Equals(obj as CheckpointMath);

    /// <inheritdoc />
    public override int GetHashCode() => (int)Frequency;

    /// <inheritdoc />
    public override string ToString() => $"every {Frequency} ledgers";

    private void RequireCheckpoint(uint checkpoint)
    {
        if (!IsCheckpoint(checkpoint))
        {
            throw new ArgumentOutOfRangeException(nameof(checkpoint), checkpoint, $"Not a checkpoint ledger for frequency {Frequency}.");
        }
    }
}
