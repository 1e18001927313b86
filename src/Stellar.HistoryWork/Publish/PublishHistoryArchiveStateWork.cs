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

    /// <summary>
    /// Publishes the HAS files <paramref name="state"/>'s download verified, then <c>.well-known</c> when
    /// <paramref name="publishWellKnown"/>: the last publish work, after every data file of the same publish.
    /// </summary>
    /// <param name="writer">The target archive.</param>
    /// <param name="range">The checkpoints the download of <paramref name="state"/> covered.</param>
    /// <param name="state">Holds what the download verified; it must have fetched every checkpoint's HAS (<see cref="HistoryWorkOptions.FetchEveryHistoryArchiveState"/>), since a published range is a complete archive.</param>
    /// <param name="options">The options the download ran with (its work directory holds the verified files); defaults when null.</param>
    /// <exception cref="ArgumentException">Another work on <paramref name="state"/> uses another work directory.</exception>
    /// <param name="publishWellKnown">Whether <c>.well-known/stellar-history.json</c> follows (default); a sharded mirror writes it once, at the end.</param>
    public PublishHistoryArchiveStateWork(IArchiveWriter writer, CheckpointRange range, SharedHistoryState state, HistoryWorkOptions? options = null, bool publishWellKnown = true)
        : this(HistoryWorkContext.ByHand(null, range, state, options, stage: null), new ArchivePublisher(writer ?? throw new ArgumentNullException(nameof(writer)), (options ?? new HistoryWorkOptions())), publishWellKnown)
    {
    }

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
