namespace Stellar.HistoryWork;

/// <summary>One level of a bucket list in a HAS.</summary>
/// <param name="Curr">The level's current bucket (64 lowercase hex; all zeros = empty).</param>
/// <param name="Next">The level's pending merge.</param>
/// <param name="Snap">The level's snapshot bucket.</param>
public sealed record HistoryStateBucket(string Curr, FutureBucket Next, string Snap)
{
    /// <summary>A level whose buckets are both empty and with no pending merge.</summary>
    public static HistoryStateBucket Empty { get; } = new(HashHex.Zero, FutureBucket.Clear, HashHex.Zero);
}
