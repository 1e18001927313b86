using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Stellar.HistoryWork.Hosting;
using Stellar.HistoryWork.Verification;

namespace Stellar.HistoryWork.NodeSample;

/// <summary>Catches up at start-up, checkpoint by checkpoint, where a node would apply each one.</summary>
internal sealed partial class CatchupWorker(
    HistoryArchives archives, IOptions<CatchupSettings> settings, IHostApplicationLifetime lifetime, ILogger<CatchupWorker> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var catchup = archives.CreateCatchup(settings.Value.WorkDirectory);
        var request = new HistoryCatchupRequest
        {
            ToLedger = settings.Value.ToLedger,
            Trust = CatchupTrust.FromConsensus(TrustedLedgerHash.Parse(settings.Value.TrustedHash)),
            WaitForPublication = settings.Value.WaitForPublication,
        };
        try
        {
            // Nothing arrives before the header chain verified against the trusted hash; then each checkpoint as it verifies.
            await foreach (var checkpoint in catchup.CatchupByCheckpointAsync(request, stoppingToken))
            {
                if (checkpoint.Range.Last == checkpoint.HistoryArchiveState.CurrentLedger)
                {
                    // The applied state: buckets newest level first, the first occurrence of a key wins.
                    Applying(logger, BucketApplyOrder.Live(checkpoint).Count, checkpoint.Range.Last);
                }

                // A node replays the transactions of ledgers after the applied state here, in ledger order.
                Checkpoint(logger, checkpoint.Range.Last, checkpoint.Headers.Count, checkpoint.Transactions.Count, checkpoint.IsTrusted);
            }

            CaughtUp(logger, request.ToLedger);
        }
        catch (HistoryCatchupException e)
        {
            Failed(logger, e.Message);
            Environment.ExitCode = 1;
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            Stopped(logger);
            return;
        }

        if (settings.Value.StopWhenCaughtUp)
        {
            lifetime.StopApplication();
        }
    }

    [LoggerMessage(1, LogLevel.Information, "Applying {Buckets} buckets of checkpoint {Checkpoint}")]
    private static partial void Applying(ILogger logger, int buckets, uint checkpoint);

    [LoggerMessage(2, LogLevel.Information, "Checkpoint {Checkpoint}: {Headers} headers, {Transactions} transaction sets, trusted: {Trusted}")]
    private static partial void Checkpoint(ILogger logger, uint checkpoint, int headers, int transactions, bool trusted);

    [LoggerMessage(3, LogLevel.Information, "Caught up to ledger {Ledger}")]
    private static partial void CaughtUp(ILogger logger, uint ledger);

    [LoggerMessage(4, LogLevel.Error, "Catchup failed: {Reason}")]
    private static partial void Failed(ILogger logger, string reason);

    [LoggerMessage(5, LogLevel.Information, "Catchup stopped before it finished")]
    private static partial void Stopped(ILogger logger);
}
