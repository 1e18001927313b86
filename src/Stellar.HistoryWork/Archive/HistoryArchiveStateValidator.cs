namespace Stellar.HistoryWork;

/// <summary>The HAS rules of ARCHIVE-FORMAT.md §3, in one place.</summary>
internal static class HistoryArchiveStateValidator
{
    public static void Validate(HistoryArchiveState state, string fileName, string? expectedNetworkPassphrase)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(fileName);

        if (state.Version is not (HistoryArchiveState.VersionBeforeHotArchive or HistoryArchiveState.VersionWithHotArchive))
        {
            throw Broken(HistoryArchiveStateRule.UnknownVersion, $"version {state.Version} is neither 1 nor 2");
        }

        if (state.Server is null)
        {
            throw Broken(HistoryArchiveStateRule.Malformed, "'server' is missing");
        }

        if (state.Version == HistoryArchiveState.VersionWithHotArchive && string.IsNullOrEmpty(state.NetworkPassphrase))
        {
            throw Broken(HistoryArchiveStateRule.MissingPassphrase, "version 2 requires 'networkPassphrase'");
        }

        if (state.Version == HistoryArchiveState.VersionBeforeHotArchive && state.HotArchiveBuckets is not null)
        {
            throw Broken(HistoryArchiveStateRule.UnexpectedHotArchive, "version 1 has no 'hotArchiveBuckets'");
        }

        CheckLevels(state.CurrentBuckets, "currentBuckets");
        if (state.HotArchiveBuckets is { } hot)
        {
            CheckLevels(hot, "hotArchiveBuckets");
        }

        if (expectedNetworkPassphrase is not null
            && !string.IsNullOrEmpty(state.NetworkPassphrase)
            && !string.Equals(state.NetworkPassphrase, expectedNetworkPassphrase, StringComparison.Ordinal))
        {
            throw Broken(HistoryArchiveStateRule.PassphraseMismatch, $"network passphrase '{state.NetworkPassphrase}' is not the expected '{expectedNetworkPassphrase}'");
        }

        void CheckLevels(IReadOnlyList<HistoryStateBucket>? levels, string name)
        {
            if (levels is null || levels.Count != HistoryArchiveState.BucketListLevels)
            {
                throw Broken(HistoryArchiveStateRule.LevelCount, $"'{name}' has {levels?.Count ?? 0} levels, not {HistoryArchiveState.BucketListLevels}");
            }

            for (var i = 0; i < levels.Count; i++)
            {
                var level = levels[i] ?? throw Broken(HistoryArchiveStateRule.Malformed, $"{name}[{i}] is missing");
                CheckHash(level.Curr, $"{name}[{i}].curr");
                CheckHash(level.Snap, $"{name}[{i}].snap");
                var next = level.Next ?? throw Broken(HistoryArchiveStateRule.Malformed, $"{name}[{i}].next is missing");
                if (i == 0 && next.State != FutureBucketState.Clear)
                {
                    throw Broken(HistoryArchiveStateRule.InvalidFuture, $"{name}[0].next is state {(int)next.State}: next must be clear at level 0");
                }

                switch (next.State)
                {
                    case FutureBucketState.Clear:
                        break;
                    case FutureBucketState.HashOutput:
                        CheckHash(next.Output, $"{name}[{i}].next.output");
                        break;
                    case FutureBucketState.HashInputs:
                        CheckHash(next.InputCurr, $"{name}[{i}].next.curr");
                        CheckHash(next.InputSnap, $"{name}[{i}].next.snap");
                        for (var s = 0; s < next.InputShadows.Count; s++)
                        {
                            CheckHash(next.InputShadows[s], $"{name}[{i}].next.shadow[{s}]");
                        }

                        break;
                    default:
                        throw Broken(HistoryArchiveStateRule.UnknownNextState, $"{name}[{i}].next.state {(int)next.State} is not 0, 1 or 2");
                }
            }
        }

        void CheckHash(string? hash, string where)
        {
            if (hash is null || !HashHex.IsValid(hash))
            {
                throw Broken(HistoryArchiveStateRule.InvalidHash, $"{where} '{hash}' is not 64 lowercase hex digits");
            }
        }

        HistoryArchiveStateException Broken(HistoryArchiveStateRule rule, string detail) => new(fileName, rule, detail);
    }
}
