using Stellar.HistoryWork.Download;

namespace Stellar.HistoryWork.Publish;

/// <summary>
/// Publishes the checkpoint HAS files (oldest first, byte-identical to the source's) and then
/// <c>.well-known/stellar-history.json</c>, which is never moved back to an older checkpoint. Registered to run
/// only after every data file of the same publish is in place, so no HAS ever names a missing file.
/// </summary>
public sealed class PublishHistoryArchiveStateWork : HistoryPublishWork
{
    private readonly bool _publishWellKnown;

    internal PublishHistoryArchiveStateWork(HistoryWorkContext context, ArchivePublisher target, bool publishWellKnown)
        : base(context, target, ArchivePublisher.StatesStage)
    {
        _publishWellKnown = publishWellKnown;
    }

    /// <summary>
    /// Whether each HAS waits for the buckets it names to be at the target, which this publish did not write (a sharded
    /// mirror's checkpoints stage): one absent fails the work, naming the HAS and the bucket, before any HAS is written.
    /// </summary>
    internal bool RequireBucketsAtTarget { get; init; }

    private protected override async Task ExecuteAsync(PublishableHistory history, CancellationToken cancellationToken)
    {
        if (RequireBucketsAtTarget)
        {
            await Target.RequireBucketsAtTargetAsync(history.States, cancellationToken).ConfigureAwait(false);
        }

        await Target.PublishStatesAsync(history, Context.Store, _publishWellKnown, cancellationToken).ConfigureAwait(false);
    }
}
