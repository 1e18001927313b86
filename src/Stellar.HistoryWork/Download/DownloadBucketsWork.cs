using System.Collections.Concurrent;
using Stellar.HistoryWork.Scheduling;
using Stellar.HistoryWork.Verification;

namespace Stellar.HistoryWork.Download;

/// <summary>
/// Fetches every bucket the fetched HAS files reference (live and hot archive; the empty bucket has no file), up to
/// <see cref="HistoryWorkOptions.MaxConcurrentDownloads"/> at once, each streamed archive → gunzip → SHA-256
/// → temporary file and renamed into place only when its hash equals its name. A bucket already stored is reused
/// only after its hash is checked again (a damaged one is fetched afresh); a retry fetches only what is still missing.
/// </summary>
public sealed class DownloadBucketsWork : HistoryDownloadWork
{
    /// <summary>
    /// Fetches the buckets of the HAS files in <paramref name="state"/>: run it after the <see cref="GetHistoryArchiveStateWork"/>
    /// of the same state.
    /// </summary>
    /// <param name="archive">One archive, or an <c>ArchivePool</c> for failover.</param>
    /// <param name="range">The checkpoints, the same for every work on <paramref name="state"/>.</param>
    /// <param name="state">Shared with the other works of the download (and its store over the options' work directory).</param>
    /// <param name="options">Work directory, passphrase, trust, concurrency, limits, logging, metrics; defaults when null.</param>
    /// <exception cref="ArgumentException">Another work on <paramref name="state"/> uses another work directory, or the range and options disagree on the checkpoint frequency.</exception>
    public DownloadBucketsWork(IArchiveReader archive, CheckpointRange range, SharedHistoryState state, HistoryWorkOptions? options = null)
        : this(HistoryWorkContext.ByHand(archive, range, state, options, HistoryWorkStage.Buckets))
    {
    }

    internal DownloadBucketsWork(HistoryWorkContext context)
        : base(context, HistoryWorkStage.Buckets)
    {
    }

    /// <inheritdoc />
    public override string Name => "download-buckets";

    private protected override async Task ExecuteAsync(WorkContext context, CancellationToken cancellationToken)
    {
        // Usually one state; a mirror fetches every checkpoint's, and neighbours share most buckets.
        var byCheckpoint = await Context.State.GetHistoryArchiveStatesAsync(cancellationToken).ConfigureAwait(false);
        var states = byCheckpoint.Values;
        var versions = new ConcurrentDictionary<string, uint>(StringComparer.Ordinal);
        var hotArchive = new ConcurrentDictionary<string, bool>(StringComparer.Ordinal);
        var hot = states.SelectMany(s => s.GetReferencedHotArchiveBuckets()).ToHashSet(StringComparer.Ordinal);
        var fetches = Context.FetchesBucket ?? (_ => true);
        var all = states.SelectMany(s => s.GetReferencedBuckets()).Distinct(StringComparer.Ordinal).Where(fetches).ToList();
        await Context.State.StartStageAsync(Stage, all.Count, cancellationToken).ConfigureAwait(false);

        var failures = new List<Exception>();
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = Context.Options.MaxConcurrentDownloads, CancellationToken = cancellationToken };
        await Parallel.ForEachAsync(all, parallel, async (hash, ct) =>
        {
            var path = ArchivePaths.Bucket(hash);
            try
            {
                // A stored bucket is checked again like a download (never trusted for being there), which also gives its version.
                var (verified, bytes) = await Context.Store.FetchOrReuseAsync(
                    Context.Archive,
                    path,
                    (stream, token) => DownloadVerification.VerifyBucketAsync(stream, path, hash, Context.Options.MaxBucketSize, token),
                    ct).ConfigureAwait(false);
                versions[hash] = verified.MetaLedgerVersion ?? 0;
                hotArchive[hash] = verified.IsHotArchive;

                await Context.State.RecordBucketAsync(hash, Context.Store.LocalPath(path), hot.Contains(hash), ct).ConfigureAwait(false);
                await Context.State.AdvanceStageAsync(Stage, 1, bytes, ct).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                lock (failures)
                {
                    failures.Add(e);
                }
            }
        }).ConfigureAwait(false);

        DownloadVerification.ThrowIfAny(failures, "bucket");

        // stellar-core's containsValidBuckets, before it would assume any of these lists (a bucket not fetched decides nothing).
        foreach (var (checkpoint, state) in byCheckpoint)
        {
            var statePath = ArchivePaths.HistoryState(checkpoint);
            try
            {
                HistoryStateVerifier.VerifyBucketListStructure(state, statePath, checkpoint, hash => versions.TryGetValue(hash, out var v) ? v : null,
                    hash => hotArchive.TryGetValue(hash, out var h) ? h : null);
            }
            catch (HistoryVerificationException)
            {
                // Rejected: it keeps no name, neither the hidden one nor the final one its header may already have given it
                // (a stored HAS that verified was reused, so the final name held nothing better).
                Context.Store.RemoveUnbound(statePath);
                Context.Store.Remove(statePath);
                throw;
            }
        }
    }
}
