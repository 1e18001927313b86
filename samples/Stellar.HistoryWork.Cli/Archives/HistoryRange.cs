using System.Globalization;
using Stellar.HistoryWork.Cli.Reporting;

namespace Stellar.HistoryWork.Cli.Archives;

/// <summary>
/// The checkpoints a verb works on, checked against the archive's root state first, so that a range beyond the
/// archive, or a trusted hash that cannot anchor it, is a clear usage error rather than a failed download.
/// </summary>
internal static class HistoryRange
{
    /// <summary>
    /// The checkpoints covering FROM..TO; TO defaults to the archive's newest ledger, FROM to <paramref name="defaultFrom"/>
    /// (null: TO's checkpoint only). Null when the root state is unreadable (reported).
    /// </summary>
    public static async Task<CheckpointRange?> ResolveAsync(
        string verb, CliConsole console, IArchiveReader archive, uint? from, uint? to, uint? defaultFrom, HistorySettings settings, CancellationToken cancellationToken)
    {
        if (from > to)
        {
            throw new UsageException(string.Create(CultureInfo.InvariantCulture, $"--from {from} is after --to {to}."));
        }

        var (root, problem) = await RootState.ReadAsync(archive, settings.NetworkPassphrase, cancellationToken);
        if (root is null)
        {
            await console.Error.WriteLineAsync("error: " + problem);
            await new RunReport { Verb = verb, Ok = false, Archive = archive.Location, Problems = [problem!] }.WriteAsync(settings.Json, console, cancellationToken);
            return null;
        }

        var last = to ?? root.CurrentLedger;
        var first = from ?? defaultFrom ?? last;
        if (first > last)
        {
            throw new UsageException(string.Create(CultureInfo.InvariantCulture, $"--from {first} is after the archive's newest ledger {last}."));
        }

        var math = settings.Checkpoints;
        var range = math.RangeCovering(first, last);
        if (range.Last > root.CurrentLedger)
        {
            throw new UsageException(string.Create(
                CultureInfo.InvariantCulture,
                $"--to {last} needs checkpoint {range.Last}, but {archive.Location} has published up to checkpoint {root.CurrentLedger}."));
        }

        if (settings.TrustedHash is { } trusted && (trusted.Ledger < math.FirstLedgerIn(range.Last) || trusted.Ledger > range.Last))
        {
            throw new UsageException(string.Create(
                CultureInfo.InvariantCulture,
                $"--trusted-hash is for ledger {trusted.Ledger}, outside the newest checkpoint of the range ({math.FirstLedgerIn(range.Last)}..{range.Last}); the chain is verified from the newest ledger back, so trust a hash of that checkpoint."));
        }

        return range;
    }
}
