using System.Globalization;
using Stellar.HistoryWork.Download;
using Stellar.HistoryWork.Scheduling;

namespace Stellar.HistoryWork.Publish;

/// <summary>
/// Publishes a whole checkpoint (or range) to one or more archives as one work item: the targets run in
/// parallel, each in its own order — buckets, checkpoint files, HAS files, <c>.well-known</c>. A retry
/// republishes only what a target does not already hold intact.
/// </summary>
public sealed class PublishWork : IWork
{
    private readonly HistoryWorkContext _context;
    private readonly IReadOnlyList<ArchivePublisher> _targets;

    /// <summary>Publishes everything <paramref name="state"/>'s download verified to every target: after every download work.</summary>
    /// <param name="writers">The target archives (at least one).</param>
    /// <param name="range">The checkpoints the download of <paramref name="state"/> covered.</param>
    /// <param name="state">Holds what the download verified; it must have fetched every checkpoint's HAS (<see cref="HistoryWorkOptions.FetchEveryHistoryArchiveState"/>).</param>
    /// <param name="options">The options the download ran with (its work directory holds the verified files); defaults when null.</param>
    /// <exception cref="ArgumentException">No target, a null one, or another work on <paramref name="state"/> uses another work directory.</exception>
    public PublishWork(IEnumerable<IArchiveWriter> writers, CheckpointRange range, SharedHistoryState state, HistoryWorkOptions? options = null)
        : this(HistoryWorkContext.ByHand(null, range, state, options, stage: null), Targets(writers, options ?? new HistoryWorkOptions()))
    {
    }

    internal PublishWork(HistoryWorkContext context, IReadOnlyList<ArchivePublisher> targets)
    {
        _context = context;
        _targets = targets;
    }

    /// <summary>One publisher per writer; at least one.</summary>
    internal static List<ArchivePublisher> Targets(IEnumerable<IArchiveWriter> writers, HistoryWorkOptions options)
    {
        ArgumentNullException.ThrowIfNull(writers);
        var targets = writers.Select(w => new ArchivePublisher(w ?? throw new ArgumentException("A writer is null.", nameof(writers)), options)).ToList();
        return targets.Count > 0 ? targets : throw new ArgumentException("At least one target archive is needed.", nameof(writers));
    }

    /// <inheritdoc />
    public string Name => string.Create(CultureInfo.InvariantCulture, $"publish-{_context.Range.First}-{_context.Range.Last}@{string.Join(",", Archives)}");

    /// <summary>The target archives' names.</summary>
    public IReadOnlyList<string> Archives => _targets.Select(t => t.Name).ToList();

    /// <inheritdoc />
    public async ValueTask<WorkOutcome> RunAsync(WorkContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var history = await _context.State.GetPublishableAsync(cancellationToken).ConfigureAwait(false);
        var runs = _targets.Select(target => PublishToAsync(target, history, context, cancellationToken)).ToList();
        var failures = (await Task.WhenAll(runs).ConfigureAwait(false)).OfType<Exception>().ToList();
        if (cancellationToken.IsCancellationRequested)
        {
            return WorkOutcome.Cancelled;
        }

        return failures.Count switch
        {
            0 => WorkOutcome.Success,
            1 => WorkOutcome.Retry(failures[0].Message, failures[0]),
            _ => WorkOutcome.Retry($"{failures.Count} targets failed; first: {failures[0].Message}", new AggregateException(failures)),
        };
    }

    private async Task<Exception?> PublishToAsync(ArchivePublisher target, PublishableHistory history, WorkContext context, CancellationToken cancellationToken)
    {
        try
        {
            await target.PublishAllAsync(history, _context.Store, publishWellKnown: true, context.TimeProvider, cancellationToken).ConfigureAwait(false);
            return null;
        }
        catch (OperationCanceledException e) when (cancellationToken.IsCancellationRequested)
        {
            return e;
        }
        catch (Exception e)
        {
            target.Logger.AttemptFailed(e, Name, context.Attempt, target.Name, e.Message);
            return e;
        }
    }
}
