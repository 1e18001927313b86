using Stellar.HistoryWork.Download;

namespace Stellar.HistoryWork.Publish;

/// <summary>
/// Publishes every verified bucket (live and hot archive) the target does not already hold intact, up to
/// <see cref="HistoryWorkOptions.MaxConcurrentDownloads"/> at once, each as the source published it.
/// </summary>
public sealed class PublishBucketsWork : HistoryPublishWork
{
    /// <summary>Publishes the buckets <paramref name="state"/>'s download verified: after the download's buckets and ledger headers (which bind the HAS naming them).</summary>
    /// <param name="writer">The target archive.</param>
    /// <param name="range">The checkpoints the download of <paramref name="state"/> covered.</param>
    /// <param name="state">Holds what the download verified; it must have fetched every checkpoint's HAS (<see cref="HistoryWorkOptions.FetchEveryHistoryArchiveState"/>), since a published range is a complete archive.</param>
    /// <param name="options">The options the download ran with (its work directory holds the verified files); defaults when null.</param>
    /// <exception cref="ArgumentException">Another work on <paramref name="state"/> uses another work directory.</exception>
    public PublishBucketsWork(IArchiveWriter writer, CheckpointRange range, SharedHistoryState state, HistoryWorkOptions? options = null)
        : this(HistoryWorkContext.ByHand(null, range, state, options, stage: null), new ArchivePublisher(writer ?? throw new ArgumentNullException(nameof(writer)), (options ?? new HistoryWorkOptions())))
    {
    }

    internal PublishBucketsWork(HistoryWorkContext context, ArchivePublisher target)
        : base(context, target, ArchivePublisher.BucketsStage)
    {
    }

    private protected override Task ExecuteAsync(PublishableHistory history, CancellationToken cancellationToken) =>
        Target.PublishBucketsAsync(history, cancellationToken);
}
