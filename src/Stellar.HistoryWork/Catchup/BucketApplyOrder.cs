namespace Stellar.HistoryWork;

/// <summary>One bucket to apply: where it sits in the bucket list and the verified file that holds it.</summary>
/// <param name="Level">The bucket list level, 0 (newest) to 10.</param>
/// <param name="IsSnap">False for the level's <c>curr</c> bucket, true for its <c>snap</c>.</param>
/// <param name="Hash">The bucket's hash, lower-case hex.</param>
/// <param name="LocalPath">The verified <c>.xdr.gz</c> file.</param>
public sealed record BucketToApply(int Level, bool IsSnap, string Hash, string LocalPath);

/// <summary>
/// The buckets of a catchup's applied state in the order the reference node applies them: level 0 curr, level 0
/// snap, level 1 curr, … level 10 snap — newest first, so the first occurrence of a ledger key is its current state
/// and later occurrences are skipped. Empty buckets (the zero hash) are left out. The hot archive's buckets
/// (HAS version 2) come in the same order from <see cref="HotArchive"/>.
/// </summary>
public static class BucketApplyOrder
{
    /// <summary>The live buckets of <paramref name="data"/>'s applied HAS, in apply order.</summary>
    /// <exception cref="InvalidOperationException">A referenced bucket is not among the verified files.</exception>
    public static IReadOnlyList<BucketToApply> Live(CheckpointData data)
    {
        ArgumentNullException.ThrowIfNull(data);
        return InOrder(data.HistoryArchiveState.CurrentBuckets, data.LiveBuckets);
    }

    /// <summary>The hot archive buckets of <paramref name="data"/>'s applied HAS, in apply order; empty before HAS version 2.</summary>
    /// <exception cref="InvalidOperationException">A referenced bucket is not among the verified files.</exception>
    public static IReadOnlyList<BucketToApply> HotArchive(CheckpointData data)
    {
        ArgumentNullException.ThrowIfNull(data);
        return data.HistoryArchiveState.HotArchiveBuckets is { } hot ? InOrder(hot, data.HotArchiveBuckets) : [];
    }

    private static List<BucketToApply> InOrder(IReadOnlyList<HistoryStateBucket> levels, IReadOnlyDictionary<string, string> files)
    {
        var order = new List<BucketToApply>();
        for (var level = 0; level < levels.Count; level++)
        {
            Add(order, level, false, levels[level].Curr, files);
            Add(order, level, true, levels[level].Snap, files);
        }

        return order;
    }

    private static void Add(List<BucketToApply> order, int level, bool isSnap, string hash, IReadOnlyDictionary<string, string> files)
    {
        if (HashHex.IsZero(hash))
        {
            return;
        }

        if (!files.TryGetValue(hash, out var path))
        {
            throw new InvalidOperationException($"bucket {hash} (level {level} {(isSnap ? "snap" : "curr")}) is not among the verified files");
        }

        order.Add(new BucketToApply(level, isSnap, hash, path));
    }
}
