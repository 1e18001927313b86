using Stellar.HistoryWork.Download;

namespace Stellar.HistoryWork.Publish;

/// <summary>
/// Publishes every verified bucket (live and hot archive) the target does not already hold intact, up to
/// <see cref="HistoryWorkOptions.MaxConcurrentDownloads"/> at once, each as the source published it.
/// </summary>
public sealed class PublishBucketsWork : HistoryPublishWork
{
    internal PublishBucketsWork(HistoryWorkContext context, ArchivePublisher target)
        : base(context, target, ArchivePublisher.BucketsStage)
    {
    }

    private protected override Task ExecuteAsync(PublishableHistory history, CancellationToken cancellationToken) =>
        Target.PublishBucketsAsync(history, cancellationToken);
}
