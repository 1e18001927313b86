using Stellar.HistoryWork.Verification;

namespace Stellar.HistoryWork;

/// <summary>
/// The "each bucket once" rule of a sharded job (docs/SCALE-OUT.md), in the one place both the sharded verify and the
/// sharded mirror read it: a shard leaves to the shard below every bucket that the HAS just below its slice names
/// (a bucket enters the bucket list once and stays until merged away, so the shard where it first appears takes it).
/// </summary>
internal static class ShardBuckets
{
    /// <summary>
    /// The checkpoint whose HAS decided and the buckets <paramref name="shard"/> leaves to the shard below; none for the
    /// oldest slice, a shard without a slice, or a slice that begins at or before where the archive starts.
    /// </summary>
    public static async Task<(uint? Below, IReadOnlyList<string> Buckets)> LeftBelowAsync(
        IArchiveReader archive, ArchiveShard shard, CheckpointRange job, uint startsAt, string? networkPassphrase, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(archive);
        if (shard.CheckpointBelow(job) is not { } below || below < startsAt)
        {
            return (null, []);
        }

        return (below, await NamedAtOrBelowAsync(archive, below, Math.Max(job.First, startsAt), job.Math, networkPassphrase, cancellationToken).ConfigureAwait(false));
    }

    /// <summary>
    /// The buckets named by the newest HAS that can be read at or below <paramref name="checkpoint"/> (down to
    /// <paramref name="lowest"/>). A HAS the archive lacks or that is bad names no bucket for the shard below either, so
    /// the next older one decides: a bucket stays in the list from where it enters, so it is in that one too. None when
    /// the archive cannot be read: the shard then takes every bucket of its own, which costs time but loses nothing.
    /// </summary>
    private static async Task<IReadOnlyList<string>> NamedAtOrBelowAsync(
        IArchiveReader archive, uint checkpoint, uint lowest, CheckpointMath math, string? networkPassphrase, CancellationToken cancellationToken)
    {
        while (true)
        {
            var path = ArchivePaths.HistoryState(checkpoint);
            try
            {
                var stream = await archive.OpenReadAsync(path, cancellationToken).ConfigureAwait(false);
                await using (stream.ConfigureAwait(false))
                {
                    var state = await HistoryStateVerifier.ReadAsync(stream, path, networkPassphrase, cancellationToken).ConfigureAwait(false);
                    return state.GetReferencedBuckets();
                }
            }
            catch (Exception e) when (e is ArchiveFileNotFoundException or HistoryVerificationException or HistoryArchiveStateException)
            {
                if (checkpoint <= lowest)
                {
                    return [];
                }

                checkpoint = math.Previous(checkpoint);
            }
            catch (Exception e) when (!(e is OperationCanceledException && cancellationToken.IsCancellationRequested))
            {
                return [];
            }
        }
    }
}
