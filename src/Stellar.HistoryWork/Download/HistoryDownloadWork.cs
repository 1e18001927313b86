using Microsoft.Extensions.Logging;
using Stellar.HistoryWork.Scheduling;
using Stellar.HistoryWork.Verification;

namespace Stellar.HistoryWork.Download;

/// <summary>
/// The common shape of the download work items: run one stage, keep the shared progress current, and turn
/// what went wrong into the scheduler's outcomes — a bad or unreachable archive is retried (the archive
/// pool moves to another archive), data that contradicts a trusted hash fails at once.
/// </summary>
public abstract partial class HistoryDownloadWork : IWork
{
    private protected HistoryDownloadWork(HistoryWorkContext context, HistoryWorkStage stage)
    {
        Context = context;
        Stage = stage;
    }

    /// <inheritdoc />
    public abstract string Name { get; }

    /// <summary>The stage this work reports progress for.</summary>
    public HistoryWorkStage Stage { get; }

    private protected HistoryWorkContext Context { get; }

    /// <inheritdoc />
    public async ValueTask<WorkOutcome> RunAsync(WorkContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        try
        {
            await ExecuteAsync(context, cancellationToken).ConfigureAwait(false);
            await Context.State.CompleteStageAsync(Stage, CancellationToken.None).ConfigureAwait(false);
            return WorkOutcome.Success;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return WorkOutcome.Cancelled;
        }
        catch (HistoryVerificationException e) when (e.IsTrustFailure)
        {
            LogTrustFailure(Context.Logger, Name, e.Message);
            await Context.State.FailStageAsync(Stage, e.Message, CancellationToken.None).ConfigureAwait(false);
            return WorkOutcome.Failed(e.Message, e);
        }
        catch (Exception e) when (IsArchiveProblem(e))
        {
            LogAttemptFailed(Context.Logger, Name, context.Attempt, Context.Archive.Name, e.Message);
            if (context.IsLastAttempt)
            {
                await Context.State.FailStageAsync(Stage, e.Message, CancellationToken.None).ConfigureAwait(false);
            }

            return WorkOutcome.Retry(e.Message, e);
        }
    }

    private protected abstract Task ExecuteAsync(WorkContext context, CancellationToken cancellationToken);

    private static bool IsArchiveProblem(Exception e) =>
        e is HistoryVerificationException or ArchiveException or HistoryArchiveStateException
            or Stellar.Xdr.XdrException or IOException or InvalidDataException or HttpRequestException
            or TimeoutException or AggregateException;

    [LoggerMessage(EventId = 2001, Level = LogLevel.Warning, Message = "{Work} attempt {Attempt} on {Archive} failed: {Reason}")]
    private static partial void LogAttemptFailed(ILogger logger, string work, int attempt, string archive, string reason);

    [LoggerMessage(EventId = 2002, Level = LogLevel.Error, Message = "{Work} contradicts the trusted hash: {Reason}")]
    private static partial void LogTrustFailure(ILogger logger, string work, string reason);
}
