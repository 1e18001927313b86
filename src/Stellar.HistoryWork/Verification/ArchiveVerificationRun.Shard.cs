namespace Stellar.HistoryWork.Verification;

/// <summary>
/// The part of <see cref="ArchiveVerificationRun"/> that a shard adds (<see cref="ArchiveVerifierOptions.Shard"/>):
/// the slice it verifies, the buckets it leaves to the shard below, and the ends of its header chain.
/// </summary>
internal sealed partial class ArchiveVerificationRun
{
    private LedgerRange? _jobLedgers;
    private CheckpointRange? _slice;
    private int _bucketsLeftBelow;

    /// <summary>
    /// Whether this run reads the root state: always unsharded; in a shard only the newest (index 0), whose slice
    /// holds the range's last checkpoint, so that the shards' counts of files and bytes add up to one run's.
    /// </summary>
    private bool ReadsRootState => _options.Shard is not { } shard || shard.Index == 0;

    /// <summary>
    /// Narrows the run to the shard's slice of <paramref name="job"/> and marks the buckets of the HAS just below
    /// the slice as someone else's. Null when the shard has no slice (fewer checkpoints than shards).
    /// </summary>
    private async Task<CheckpointRange?> PlanShardAsync(ArchiveShard shard, CheckpointRange job, uint startsAt, CancellationToken cancellationToken)
    {
        _jobLedgers = _ledgers;
        if (shard.SliceOf(job) is not { } slice)
        {
            return null;
        }

        _slice = slice;
        var ledgers = _ledgers!.Value;
        _ledgers = new LedgerRange(Math.Max(ledgers.First, slice.FirstLedger), Math.Min(ledgers.Last, slice.Last));
        var (below, buckets) = await ShardBuckets.LeftBelowAsync(_archive, shard, job, startsAt, _options.NetworkPassphrase, cancellationToken).ConfigureAwait(false);
        foreach (var bucket in buckets)
        {
            if (_buckets.TryAdd(bucket, below!.Value))
            {
                _bucketsLeftBelow++;
            }
        }

        return slice;
    }

    private VerificationReport WithShard(VerificationReport report)
    {
        if (_options.Shard is not { } shard || _jobLedgers is not { } job)
        {
            return report;
        }

        LedgerFileLink? first = null;
        LedgerFileLink? last = null;
        if (_slice is { } slice)
        {
            first = _headers.GetValueOrDefault(slice.First);
            last = _headers.GetValueOrDefault(slice.Last);
        }

        return report with
        {
            Shard = new ShardVerification(shard, job, _slice, first, last, _bucketsLeftBelow)
            {
                FirstCheckpointWithScp = _problems.FirstCheckpointWithScp,
                ScpAbsentBeforeFirst = [.. _problems.ScpAbsentBeforeFirst],
            },
        };
    }
}
