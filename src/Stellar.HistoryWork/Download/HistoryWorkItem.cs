using Microsoft.Extensions.Logging;
using Stellar.HistoryWork.Scheduling;
using Stellar.HistoryWork.Telemetry;
using Stellar.HistoryWork.Verification;

namespace Stellar.HistoryWork.Download;

/// <summary>
/// The common shape of the history work items: run one attempt and turn what went wrong into the
/// scheduler's outcomes. A bad or unreachable archive, or a file that breaks a rule, is retried (an archive
/// pool moves to another archive); data that contradicts a trusted hash fails at once. Every verification
/// problem is counted in <c>history.check.failure</c>.
/// </summary>
public abstract partial class HistoryWorkItem : IWork
{
    private protected HistoryWorkItem(ILogger logger, HistoryWorkTelemetry.DownloadInstruments telemetry)
    {
        Logger = logger;
        Telemetry = telemetry;
    }

    /// <summary>For a work used on its own: logging and metrics come from validated <paramref name="options"/>.</summary>
    private protected HistoryWorkItem(HistoryWorkOptions options)
        : this(HistoryWorkContext.CreateLogger(Validated(options)), HistoryWorkTelemetry.For(options.MeterFactory).Download)
    {
    }

    /// <inheritdoc />
    public abstract string Name { get; }

    private protected ILogger Logger { get; }

    private protected HistoryWorkTelemetry.DownloadInstruments Telemetry { get; }

    /// <summary>Where the work reads from, for logs: an archive's name, or local files.</summary>
    private protected virtual string SourceName => "local files";

    /// <inheritdoc />
    public async ValueTask<WorkOutcome> RunAsync(WorkContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        try
        {
            await ExecuteAsync(context, cancellationToken).ConfigureAwait(false);
            await OnSucceededAsync().ConfigureAwait(false);
            return WorkOutcome.Success;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return WorkOutcome.Cancelled;
        }
        catch (HistoryVerificationException e) when (e.IsTrustFailure)
        {
            Telemetry.CheckFailed(e);
            LogTrustFailure(Logger, Name, e.Message);
            await OnGivenUpAsync(e.Message).ConfigureAwait(false);
            return WorkOutcome.Failed(e.Message, e);
        }
        catch (Exception e) when (FailureClassifier.Classify(e) == FailureClass.LocalStorage)
        {
            // A full disk or a read-only directory does not heal between attempts: stop, and say it is ours.
            LogLocalFailure(Logger, Name, e.Message);
            await OnGivenUpAsync(e.Message).ConfigureAwait(false);
            return WorkOutcome.Failed(e.Message, e);
        }
        catch (Exception e) when (FailureClassifier.IsRetryable(e))
        {
            Telemetry.CheckFailed(e);
            LogAttemptFailed(Logger, Name, context.Attempt, SourceName, e.Message);
            if (context.IsLastAttempt)
            {
                await OnGivenUpAsync(e.Message).ConfigureAwait(false);
            }

            return WorkOutcome.Retry(e.Message, e);
        }
    }

    private protected abstract Task ExecuteAsync(WorkContext context, CancellationToken cancellationToken);

    /// <summary>Called once the attempt succeeded.</summary>
    private protected virtual Task OnSucceededAsync() => Task.CompletedTask;

    /// <summary>Called when the work will not be tried again (a trust failure or the last attempt failed).</summary>
    private protected virtual Task OnGivenUpAsync(string reason) => Task.CompletedTask;

    private static HistoryWorkOptions Validated(HistoryWorkOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        return options;
    }

    [LoggerMessage(EventId = 2001, Level = LogLevel.Warning, Message = "{Work} attempt {Attempt} on {Archive} failed: {Reason}")]
    private static partial void LogAttemptFailed(ILogger logger, string work, int attempt, string archive, string reason);

    [LoggerMessage(EventId = 2003, Level = LogLevel.Error, Message = "{Work} failed on this machine's own files: {Reason}")]
    private static partial void LogLocalFailure(ILogger logger, string work, string reason);

    [LoggerMessage(EventId = 2002, Level = LogLevel.Error, Message = "{Work} contradicts the trusted hash: {Reason}")]
    private static partial void LogTrustFailure(ILogger logger, string work, string reason);
}
