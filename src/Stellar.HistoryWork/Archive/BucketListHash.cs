using System.Security.Cryptography;

namespace Stellar.HistoryWork;

/// <summary>
/// The bucket-list hash that binds a HAS to a ledger header: per level
/// <c>SHA256(curr ‖ snap)</c> over raw 32-byte hashes, per list <c>SHA256(level_0 ‖ … ‖ level_10)</c>
/// (<c>next</c> is not included); the header carries <c>list(live)</c> before protocol 23 and
/// <c>SHA256(list(live) ‖ list(hot))</c> from protocol 23 on.
/// </summary>
public static class BucketListHash
{
    /// <summary>The <c>bucketListHash</c> a header of protocol <paramref name="protocolVersion"/> must carry for <paramref name="state"/>.</summary>
    /// <returns>32 bytes.</returns>
    /// <exception cref="HistoryArchiveStateException">Protocol 23 or later and the state has no hot-archive list.</exception>
    public static byte[] Compute(HistoryArchiveState state, uint protocolVersion, string? fileName = null)
    {
        ArgumentNullException.ThrowIfNull(state);
        var live = ComputeList(state.CurrentBuckets);
        if (protocolVersion < HistoryArchiveState.FirstProtocolWithHotArchive)
        {
            return live;
        }

        var hot = state.HotArchiveBuckets ?? throw new HistoryArchiveStateException(
            fileName ?? $"history archive state of ledger {state.CurrentLedger}",
            HistoryArchiveStateRule.MissingHotArchiveBuckets,
            $"protocol {protocolVersion} hashes the hot archive too, and this state has no 'hotArchiveBuckets'");
        Span<byte> both = stackalloc byte[2 * HashHex.HashSize];
        live.CopyTo(both);
        ComputeList(hot).CopyTo(both[HashHex.HashSize..]);
        return SHA256.HashData(both);
    }

    /// <summary>The hash of one bucket list (live or hot), level 0 first.</summary>
    /// <exception cref="FormatException">A <c>curr</c> or <c>snap</c> is not 64 lowercase hex digits.</exception>
    public static byte[] ComputeList(IReadOnlyList<HistoryStateBucket> levels)
    {
        ArgumentNullException.ThrowIfNull(levels);
        using var list = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        Span<byte> pair = stackalloc byte[2 * HashHex.HashSize];
        Span<byte> levelHash = stackalloc byte[HashHex.HashSize];
        foreach (var level in levels)
        {
            if (!HashHex.TryParse(level.Curr, pair) || !HashHex.TryParse(level.Snap, pair[HashHex.HashSize..]))
            {
                throw new FormatException($"Bucket hashes '{level.Curr}' / '{level.Snap}' are not 64 lowercase hex digits.");
            }

            SHA256.HashData(pair, levelHash);
            list.AppendData(levelHash);
        }

        return list.GetHashAndReset();
    }
}
