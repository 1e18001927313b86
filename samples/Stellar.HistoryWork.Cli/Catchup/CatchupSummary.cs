using System.Globalization;
using Stellar.HistoryWork.Cli.Reporting;
using Stellar.HistoryWork.Verification;

namespace Stellar.HistoryWork.Cli.Catchup;

/// <summary>The human summary of a catchup: what was verified, how much, how fast, and whether it is trusted.</summary>
internal static class CatchupSummary
{
    public static async Task WriteAsync(TextWriter output, CatchupOutcome outcome, string archiveLocation, TrustedLedgerHash? trustedHash, TrustedCheckpointHashes? trustedCheckpoints)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(outcome);
        if (outcome.Summary is not { } summary)
        {
            await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"catchup of {outcome.Range} from {archiveLocation} FAILED after {outcome.Elapsed.TotalSeconds:0.0} s:"));
            await Reporting.ReportProblem.WriteListAsync(output, outcome.Problems);

            await output.WriteLineAsync($"  verified files kept under {outcome.Directory}; run again to resume.");
            return;
        }

        var range = summary.Range;
        var buckets = summary.LiveBuckets + summary.HotArchiveBuckets;
        var rate = outcome.Elapsed > TimeSpan.Zero ? outcome.Progress.Bytes / outcome.Elapsed.TotalSeconds : 0;
        var lines = new (string Label, string Value)[]
        {
            ("archive", archiveLocation),
            ("checkpoints", string.Create(CultureInfo.InvariantCulture, $"{range.Count} ({range.First}..{range.Last}, every {range.Math.Frequency} ledgers)")),
            ("ledgers", string.Create(CultureInfo.InvariantCulture, $"{summary.FirstLedger}..{summary.LastLedger}: {summary.Headers} headers, each hash checked and chained to the next")),
            ("transactions", string.Create(CultureInfo.InvariantCulture, $"{summary.LedgersWithTransactions} ledgers with transactions ({summary.Transactions} transactions), every tx set hash matched its header")),
            ("results", string.Create(CultureInfo.InvariantCulture, $"{summary.ResultSets} result sets, every hash matched its header")),
            ("scp", string.Create(CultureInfo.InvariantCulture, $"{summary.ScpEntries} SCP history entries")),
            ("plan", outcome.Plan is { } plan
                ? $"{plan} (the reference node's minimal catchup to {plan.ToLedger})"
                : string.Create(CultureInfo.InvariantCulture, $"buckets at {range.Last}, every checkpoint file of the range")),
            ("buckets", string.Create(CultureInfo.InvariantCulture, $"{summary.LiveBuckets} live + {summary.HotArchiveBuckets} hot archive, each SHA-256 matched its name; bucket list hash matched ledger {outcome.Plan?.HistoryArchiveStateCheckpoint ?? range.Last}")),
            ("files", string.Create(CultureInfo.InvariantCulture, $"{outcome.FileCount} verified ({summary.CheckpointFiles} checkpoint files + {buckets} buckets), {ByteFormat.Size(outcome.Progress.Bytes)}")),
            ("time", string.Create(CultureInfo.InvariantCulture, $"{outcome.Elapsed.TotalSeconds:0.00} s ({ByteFormat.Rate(rate)}), {RetryCount.Describe(outcome.Retries)}")),
            ("trust", DescribeTrust(outcome, trustedHash, trustedCheckpoints)),
            ("written to", outcome.Directory),
        };
        foreach (var (label, value) in lines)
        {
            await output.WriteLineAsync($"{label,-14}{value}");
        }
    }

    private static string DescribeTrust(CatchupOutcome outcome, TrustedLedgerHash? trustedHash, TrustedCheckpointHashes? trustedCheckpoints)
    {
        var last = outcome.Ledgers.Last;
        if (outcome.TrustedUpTo is not { } upTo)
        {
            return "UNTRUSTED: the archive is internally consistent, but no trusted hash vouches for its newest ledger "
                + "(give --trusted-hash L:HEX or --trusted-checkpoint-hashes FILE)";
        }

        if (upTo < last)
        {
            return TrustDescription.Describe(upTo, last, ok: true);
        }

        if (trustedHash is not null && trustedHash.Ledger == last)
        {
            return $"trusted: the chain ends at the trusted hash {trustedHash}";
        }

        var checkpoint = outcome.Range.Math.CheckpointContaining(last);
        return trustedCheckpoints?.Get(checkpoint) is { } anchor
            ? $"trusted: the chain ends at {anchor} from --trusted-checkpoint-hashes"
            : "trusted";
    }
}
