using System.Globalization;

namespace Stellar.HistoryWork;

/// <summary>
/// The structure rules of a bucket list that need the buckets' versions (the protocol in each bucket's METAENTRY,
/// 0 for an empty bucket or one without), as stellar-core's <c>containsValidBuckets</c> applies them before it
/// assumes a HAS's bucket list. Walking from the oldest bucket (level 10's snap) to the newest (level 0's curr):
/// versions never decrease; and at each level above 0, once any non-empty bucket was seen (the level below's snap
/// included), <c>next</c> must be clear when the level below's snap is of protocol 12 or later (merges no longer
/// carry shadows, so nothing is pending across a publish) and must be resolved (state 1) before that. Level 0's
/// <c>next</c> is always clear, a rule of the file itself (<see cref="HistoryArchiveStateRule.InvalidFuture"/>).
/// </summary>
internal static class BucketListRules
{
    /// <summary>The first protocol whose merges have no shadows (stellar-core's <c>FIRST_PROTOCOL_SHADOWS_REMOVED</c>).</summary>
    public const uint FirstProtocolShadowsRemoved = 12;

    /// <summary>
    /// Checks one list. <paramref name="versionOf"/> gives a non-empty bucket's version, or null when it is not
    /// known (absent, failed, not fetched): then nothing is decided and null is returned.
    /// </summary>
    /// <returns>The broken rule and a description, or null when the list is sound or cannot be judged.</returns>
    public static (HistoryArchiveStateRule Rule, string Detail)? Check(IReadOnlyList<HistoryStateBucket> levels, string listName, Func<string, uint?> versionOf)
    {
        ArgumentNullException.ThrowIfNull(levels);
        ArgumentNullException.ThrowIfNull(versionOf);
        var nonEmptySeen = false;
        uint minimum = 0;
        for (var i = levels.Count - 1; i >= 0; i--)
        {
            var level = levels[i];
            foreach (var (hash, what) in new[] { (level.Snap, "snap"), (level.Curr, "curr") })
            {
                if (Version(hash) is not { } version)
                {
                    return null;
                }

                if (version < minimum)
                {
                    return (HistoryArchiveStateRule.IncompatibleBucketVersions, Describe(
                        $"{listName}[{i}].{what} is a protocol {version} bucket, older than the protocol {minimum} bucket below it (rule: compatible bucket versions)"));
                }

                minimum = version;
            }

            if (i == 0)
            {
                break;
            }

            if (Version(levels[i - 1].Snap) is not { } previousSnap)
            {
                return null;
            }

            if (!nonEmptySeen)
            {
                continue;
            }

            var state = level.Next.State;
            if (previousSnap >= FirstProtocolShadowsRemoved && state != FutureBucketState.Clear)
            {
                return (HistoryArchiveStateRule.InvalidFuture, Describe(
                    $"{listName}[{i}].next is state {(int)state} over a protocol {previousSnap} snap: the future must be cleared (rule: futures cleared or resolved by protocol)"));
            }

            if (previousSnap < FirstProtocolShadowsRemoved && state != FutureBucketState.HashOutput)
            {
                return (HistoryArchiveStateRule.InvalidFuture, Describe(
                    $"{listName}[{i}].next is state {(int)state} over a protocol {previousSnap} snap: the future must have a resolved output (rule: futures cleared or resolved by protocol)"));
            }
        }

        return null;

        uint? Version(string hash)
        {
            if (HashHex.IsZero(hash))
            {
                return 0;
            }

            var version = versionOf(hash);
            nonEmptySeen |= version is not null;
            return version;
        }
    }

    /// <summary>Checks the live list and, when there is one, the hot archive; the first broken rule.</summary>
    public static (HistoryArchiveStateRule Rule, string Detail)? Check(HistoryArchiveState state, Func<string, uint?> versionOf)
    {
        ArgumentNullException.ThrowIfNull(state);
        return Check(state.CurrentBuckets, "currentBuckets", versionOf)
            ?? (state.HotArchiveBuckets is { } hot ? Check(hot, "hotArchiveBuckets", versionOf) : null);
    }

    private static string Describe(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
