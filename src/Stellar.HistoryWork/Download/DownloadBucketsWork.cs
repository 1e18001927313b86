using System.Collections.Concurrent;
using Stellar.HistoryWork.Scheduling;
using Stellar.HistoryWork.Verification;

namespace Stellar.HistoryWork.Download;

/// <summary>
/// Fetches every bucket the fetched HAS files reference (live and hot archive; the empty bucket has no file), up to
/// <see cref="HistoryWorkOptions.MaxConcurrentDownloads"/> at once, each streamed archive → gunzip → SHA-256
/// → temporary file and renamed into place only when its hash equals its name. Buckets already stored are
/// reused; a retry fetches only what is still missing.
/// </summary>
public sealed class DownloadBucketsWork : HistoryDownloadWork
{
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
        var hot = states.SelectMany(s => s.GetReferencedHotArchiveBuckets()).ToHashSet(StringComparer.Ordinal);
        var all = states.SelectMany(s => s.GetReferencedBuckets()).Distinct(StringComparer.Ordinal).ToList();
        await Context.State.StartStageAsync(Stage, all.Count, cancellationToken).ConfigureAwait(false);

        var failures = new List<Exception>();
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = Context.Options.MaxConcurrentDownloads, CancellationToken = cancellationToken };
        await Parallel.ForEachAsync(all, parallel, async (hash, ct) =>
        {
            var path = ArchivePaths.Bucket(hash);
            try
            {
                long bytes = 0;
                if (!Context.Store.Contains(path))
                {
                    (var verified, bytes) = await Context.Store.FetchAsync(
                        Context.Archive,
                        path,
                        (stream, token) => DownloadVerification.VerifyBucketAsync(stream, path, hash, Context.Options.MaxBucketSize, token),
                        ct).ConfigureAwait(false);
                    versions[hash] = verified.MetaLedgerVersion ?? 0;
                }
                else
                {
                    versions[hash] = await BucketVerifier.ReadMetaLedgerVersionAsync(Context.Store.LocalPath(path), ct).ConfigureAwait(false);
                }

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

        // stellar-core's containsValidBuckets, before it would assume any of these lists.
        foreach (var (checkpoint, state) in byCheckpoint)
        {
            HistoryStateVerifier.VerifyBucketListStructure(state, ArchivePaths.HistoryState(checkpoint), checkpoint, hash => versions.TryGetValue(hash, out var v) ? v : null);
        }
    }
}
