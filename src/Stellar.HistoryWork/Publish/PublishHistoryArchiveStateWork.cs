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

    private protected override Task ExecuteAsync(PublishableHistory history, CancellationToken cancellationToken) =>
        Target.PublishStatesAsync(history, Context.Store, _publishWellKnown, cancellationToken);
}
