using Stellar.HistoryWork.Verification;

namespace Stellar.HistoryWork.Publish;

/// <summary>
/// The part of <see cref="ArchiveMirror"/> that a sharded run adds (<see cref="ArchiveMirrorOptions.Shard"/>): the
/// slice it mirrors, the buckets it leaves to the shard below (the same rule as a sharded verify,
/// <see cref="ShardBuckets"/>), and the ends of the slice's header chain, which the merge links across slices.
/// </summary>
public sealed partial class ArchiveMirror
{
    /// <summary>Cuts the job's range to this shard's slice and, for the buckets stage, reads which buckets the shard below owns.</summary>
    private async Task<ShardRun> PlanShardAsync(ArchiveShard shard, CheckpointRange job, uint startsAt, CancellationToken cancellationToken)
    {
        var ledgers = new LedgerRange(_options.FromLedger ?? job.Math.FirstLedgerIn(startsAt), _options.ToLedger!.Value);
        var run = new ShardRun(shard, ledgers, shard.SliceOf(job));
        if (run.Slice is not null && _options.Stage == ArchiveMirrorStage.Buckets)
        {
            // Always the source's: the target holds no HAS before the checkpoints stage.
            var (_, below) = await ShardBuckets.LeftBelowAsync(_source, shard, job, startsAt, _options.History.NetworkPassphrase, cancellationToken).ConfigureAwait(false);
            run.LeaveBelow(below);
        }

        return run;
    }

    /// <summary>The HAS files of a batch of the buckets stage, kept under their hidden names (no header bound them), leave the work directory.</summary>
    private static void ReleaseUnbound(HistoryWorkBuilder builder, CheckpointRange batch)
    {
        foreach (var checkpoint in batch)
        {
            builder.Store.RemoveUnbound(ArchivePaths.HistoryState(checkpoint));
        }
    }

    /// <summary>What a sharded run knows of its slice, for <see cref="ArchiveMirrorResult.Shard"/>.</summary>
    private sealed class ShardRun(ArchiveShard shard, LedgerRange jobLedgers, CheckpointRange? slice)
    {
        private HashSet<string> _below = new(StringComparer.Ordinal);
        private LedgerFileLink? _first;
        private LedgerFileLink? _last;

        public CheckpointRange? Slice => slice;

        /// <summary>Whether this shard publishes a bucket its slice's HAS files name: not when the HAS just below names it.</summary>
        public Func<string, bool> OwnsBucket => hash => !_below.Contains(hash);

        public void LeaveBelow(IReadOnlyList<string> buckets) => _below = buckets.ToHashSet(StringComparer.Ordinal);

        /// <summary>Keeps the slice's first and last header files' ends when <paramref name="batch"/> holds them.</summary>
        public async Task RecordEndsAsync(SharedHistoryState state, CheckpointRange batch, CancellationToken cancellationToken)
        {
            if (slice is not { } s)
            {
                return;
            }

            if (batch.Contains(s.Last))
            {
                _last = LedgerFileLink.Of(await state.GetHeadersAsync(s.Last, cancellationToken).ConfigureAwait(false));
            }

            if (batch.Contains(s.First))
            {
                _first = LedgerFileLink.Of(await state.GetHeadersAsync(s.First, cancellationToken).ConfigureAwait(false));
            }
        }

        public ShardVerification Result() => new(shard, jobLedgers, slice, _first, _last, _below.Count);
    }
}
