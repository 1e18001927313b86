using System.Globalization;
using Stellar.HistoryWork.Download;
using Stellar.HistoryWork.Scheduling;
using Stellar.HistoryWork.Verification;

namespace Stellar.HistoryWork.Publish;

/// <summary>
/// The common shape of the publish work items: read what the download work verified from the shared state,
/// publish one stage of it to one target archive, and turn a failed write into a retry (a rerun skips whatever
/// already reached the target intact).
/// </summary>
public abstract class HistoryPublishWork : IWork
{
    private protected HistoryPublishWork(HistoryWorkContext context, ArchivePublisher target, string stage)
    {
        Context = context;
        Target = target;
        Stage = stage;
    }

    /// <inheritdoc />
    public string Name => string.Create(CultureInfo.InvariantCulture, $"publish-{Stage}-{Context.Range.First}-{Context.Range.Last}@{Target.Name}");

    /// <summary>The target archive's name (its writer's <see cref="IArchiveWriter.Name"/>).</summary>
    public string Archive => Target.Name;

    private protected HistoryWorkContext Context { get; }

    private protected ArchivePublisher Target { get; }

    private protected string Stage { get; }

    /// <inheritdoc />
    public async ValueTask<WorkOutcome> RunAsync(WorkContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        try
        {
            await Target.RunTimedAsync(
                Stage,
                context.TimeProvider,
                async ct =>
                {
                    var history = await Context.State.GetPublishableAsync(ct).ConfigureAwait(false);
                    await ExecuteAsync(history, ct).ConfigureAwait(false);
                },
                cancellationToken).ConfigureAwait(false);
            return WorkOutcome.Success;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return WorkOutcome.Cancelled;
        }
        catch (Exception e)
        {
            Target.Logger.AttemptFailed(e, Name, context.Attempt, Target.Name, e.Message);

            // A full disk or a read-only directory does not heal between attempts, nor does a target that lacks what a HAS names.
            return FailureClassifier.Classify(e) == FailureClass.LocalStorage || e is HistoryVerificationException
                ? WorkOutcome.Failed(e.Message, e)
                : WorkOutcome.Retry(e.Message, e);
        }
    }

    private protected abstract Task ExecuteAsync(PublishableHistory history, CancellationToken cancellationToken);
}
