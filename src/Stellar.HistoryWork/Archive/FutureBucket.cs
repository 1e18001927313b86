namespace Stellar.HistoryWork;

/// <summary>The <c>next.state</c> values of a HAS level.</summary>
public enum FutureBucketState
{
    /// <summary><c>{"state": 0}</c>: no merge pending.</summary>
    Clear = 0,

    /// <summary><c>{"state": 1, "output": hex}</c>: a finished merge, known by its output hash.</summary>
    HashOutput = 1,

    /// <summary><c>{"state": 2, "curr", "snap", "shadow": []}</c>: a merge known by its input hashes.</summary>
    HashInputs = 2,
}

/// <summary>The pending merge (<c>next</c>) of a HAS level.</summary>
public sealed record FutureBucket
{
    private FutureBucket(FutureBucketState state, string? output, string? inputCurr, string? inputSnap, IReadOnlyList<string> inputShadows)
    {
        State = state;
        Output = output;
        InputCurr = inputCurr;
        InputSnap = inputSnap;
        InputShadows = inputShadows;
    }

    /// <summary>No merge pending.</summary>
    public static FutureBucket Clear { get; } = new(FutureBucketState.Clear, null, null, null, []);

    /// <summary>Whether a merge is pending and what of it the HAS records (the <c>state</c> field).</summary>
    public FutureBucketState State { get; }

    /// <summary>The merge output's hash (state 1), else null.</summary>
    public string? Output { get; }

    /// <summary>The merge's input curr (state 2), else null.</summary>
    public string? InputCurr { get; }

    /// <summary>The merge's input snap (state 2), else null.</summary>
    public string? InputSnap { get; }

    /// <summary>The merge's shadow inputs (state 2; empty since protocol 12), else empty.</summary>
    public IReadOnlyList<string> InputShadows { get; }

    /// <summary>A finished merge known by its output hash.</summary>
    public static FutureBucket WithOutput(string output)
    {
        ArgumentNullException.ThrowIfNull(output);
        return new(FutureBucketState.HashOutput, output, null, null, []);
    }

    /// <summary>A merge known by its input hashes.</summary>
    public static FutureBucket WithInputs(string curr, string snap, IEnumerable<string>? shadows = null)
    {
        ArgumentNullException.ThrowIfNull(curr);
        ArgumentNullException.ThrowIfNull(snap);
        return new(FutureBucketState.HashInputs, null, curr, snap, shadows?.ToArray() ?? []);
    }

    /// <inheritdoc />
    public bool Equals(FutureBucket? other) =>
        other is not null
        && State == other.State
        && string.Equals(Output, other.Output, StringComparison.Ordinal)
        && string.Equals(InputCurr, other.InputCurr, StringComparison.Ordinal)
        && string.Equals(InputSnap, other.InputSnap, StringComparison.Ordinal)
        && InputShadows.SequenceEqual(other.InputShadows, StringComparer.Ordinal);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(State, Output, InputCurr, InputSnap, InputShadows.Count);
}
