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
    /// known (absent, failed, not fetched). stellar-core judges a list whose buckets it all has; here an unknown
    /// version decides nothing by itself but does not stop the rest: versions are compared across it (whatever it is,
    /// a newer bucket older than an older one breaks the order), a non-zero hash counts as a non-empty bucket, and a
    /// <c>next</c> that is neither clear nor resolved (merge inputs) is wrong over any snap.
    /// </summary>
    /// <returns>The broken rule and a description, or null when nothing found is broken.</returns>
    public static (HistoryArchiveStateRule Rule, string Detail)? Check(IReadOnlyList<HistoryStateBucket> levels, string listName, Func<string, uint?> versionOf)
    {
        ArgumentNullException.ThrowIfNull(levels);
        ArgumentNullException.ThrowIfNull(versionOf);
        var nonEmptySeen = false;
        uint minimum = 0;
        var minimumFrom = "";
        for (var i = levels.Count - 1; i >= 0; i--)
        {
            var level = levels[i];
            foreach (var (hash, what) in new[] { (level.Snap, "snap"), (level.Curr, "curr") })
            {
                if (Version(hash) is not { } version)
                {
                    continue;
                }

                if (version < minimum)
                {
                    return (HistoryArchiveStateRule.IncompatibleBucketVersions, Describe(
                        $"{listName}[{i}].{what} is a protocol {version} bucket, older than the protocol {minimum} bucket below it ({minimumFrom}) (rule: compatible bucket versions)"));
                }

                minimum = version;
                minimumFrom = $"{listName}[{i}].{what}";
            }

            if (i == 0)
            {
                break;
            }

            var previousSnap = Version(levels[i - 1].Snap);
            if (!nonEmptySeen)
            {
                continue;
            }

            var state = level.Next.State;
            if (previousSnap is null)
            {
                if (state is not FutureBucketState.Clear and not FutureBucketState.HashOutput)
                {
                    return (HistoryArchiveStateRule.InvalidFuture, Describe(
                        $"{listName}[{i}].next is state {(int)state}: a future must be cleared or resolved, whatever the snap below (rule: futures cleared or resolved by protocol)"));
                }

                continue;
            }

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

            // stellar-core: only the empty bucket (the zero hash) is empty, whether or not its version is known here.
            nonEmptySeen = true;
            return versionOf(hash);
        }
    }

    /// <summary>Checks the live list and, when there is one, the hot archive; the first broken rule.</summary>
    public static (HistoryArchiveStateRule Rule, string Detail)? Check(HistoryArchiveState state, Func<string, uint?> versionOf)
    {
        ArgumentNullException.ThrowIfNull(state);
        return Check(state.CurrentBuckets, "currentBuckets", versionOf)
            ?? (state.HotArchiveBuckets is { } hot ? Check(hot, "hotArchiveBuckets", versionOf) : null);
    }

    /// <summary>
    /// Whether each bucket sits in the list its METAENTRY names: <paramref name="isHotArchiveOf"/> says whether a
    /// bucket's METAENTRY names the hot archive, or null when the bucket is not known.
    /// </summary>
    /// <returns>The broken rule and a description, or null when every known bucket is in its list.</returns>
    public static (HistoryArchiveStateRule Rule, string Detail)? CheckListTypes(HistoryArchiveState state, Func<string, bool?> isHotArchiveOf)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(isHotArchiveOf);
        foreach (var hash in state.GetReferencedLiveBuckets())
        {
            if (isHotArchiveOf(hash) == true)
            {
                return (HistoryArchiveStateRule.BucketInWrongList, Describe(
                    $"currentBuckets names bucket {hash}, whose METAENTRY makes it a hot-archive bucket (rule: a bucket's METAENTRY names the list that holds it)"));
            }
        }

        foreach (var hash in state.GetReferencedHotArchiveBuckets())
        {
            if (isHotArchiveOf(hash) == false)
            {
                return (HistoryArchiveStateRule.BucketInWrongList, Describe(
                    $"hotArchiveBuckets names bucket {hash}, which is a live bucket: its METAENTRY does not name the hot archive (rule: a bucket's METAENTRY names the list that holds it)"));
            }
        }

        return null;
    }

    private static string Describe(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
