using System.Security.Cryptography;

namespace Stellar.HistoryWork;

/// <summary>
/// The bucket-list hash that binds a HAS to a ledger header: per level
/// <c>SHA256(curr ‖ snap)</c> over raw 32-byte hashes, per list <c>SHA256(level_0 ‖ … ‖ level_10)</c>
/// (<c>next</c> is not included). Which lists are covered follows the HAS version, as stellar-core computes
/// it: version 1 hashes to <c>list(live)</c>, version 2 to <c>SHA256(list(live) ‖ list(hot))</c>. The protocol
/// of the header does not choose: a version 2 state at protocol 22 that names hot-archive buckets the header
/// never bound must not pass by having them left out.
/// </summary>
public static class BucketListHash
{
    /// <summary>The <c>bucketListHash</c> the header of <paramref name="state"/>'s ledger must carry.</summary>
    /// <param name="state">The state; its <see cref="HistoryArchiveState.Version"/> says which lists are hashed.</param>
    /// <param name="fileName">Names the file in the exception.</param>
    /// <returns>32 bytes.</returns>
    /// <exception cref="HistoryArchiveStateException">A version 2 state without a hot-archive list.</exception>
    public static byte[] Compute(HistoryArchiveState state, string? fileName = null)
    {
        ArgumentNullException.ThrowIfNull(state);
        var live = ComputeList(state.CurrentBuckets);
        if (state.Version < HistoryArchiveState.VersionWithHotArchive)
        {
            return live;
        }

        var hot = state.HotArchiveBuckets ?? throw new HistoryArchiveStateException(
            fileName ?? $"history archive state of ledger {state.CurrentLedger}",
            HistoryArchiveStateRule.MissingHotArchiveBuckets,
            $"version {state.Version} hashes the hot archive too, and this state has no 'hotArchiveBuckets'");
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
