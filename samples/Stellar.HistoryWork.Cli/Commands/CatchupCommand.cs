using System.CommandLine;
using System.Globalization;
using Stellar.HistoryWork.Cli.Archives;
using Stellar.HistoryWork.Cli.Catchup;
using Stellar.HistoryWork.Cli.Reporting;

namespace Stellar.HistoryWork.Cli.Commands;

/// <summary>
/// <c>catchup --archive A [--archive B…] --to L [--from L] --out DIR</c>: downloads and verifies the checkpoints
/// covering the range (HAS and buckets of the last one, every checkpoint file) into DIR in archive layout.
/// </summary>
internal static class CatchupCommand
{
    public static Command Create(CliConsole console)
    {
        var archive = CommonOptions.Archive();
        var from = CommonOptions.From();
        var to = CommonOptions.To();
        to.Required = true;
        var output = new Option<DirectoryInfo>("--out")
        {
            Description = "Directory for the verified files, in archive layout; files already there and verified are kept.",
            Required = true,
        };
        var retries = CommonOptions.Retries();
        var history = new HistoryOptions();
        var command = new Command("catchup", "Download and verify the checkpoints covering a ledger range into a directory.")
        {
            archive, from, to, output, retries,
        };
        history.AddTo(command);
        command.SetAction(async (parse, ct) =>
        {
            var settings = await history.BindAsync(parse, ct);
            return await RunAsync(
                console,
                parse.GetValue(archive)!,
                parse.GetValue(from),
                parse.GetValue(to)!.Value,
                parse.GetValue(output)!,
                parse.GetValue(retries),
                settings,
                ct);
        });
        return command;
    }

    private static async Task<int> RunAsync(
        CliConsole console, string[] locations, uint? from, uint to, DirectoryInfo output, int retries, HistorySettings settings, CancellationToken cancellationToken)
    {
        var archive = ArchiveLocations.Open(locations);
        var range = await ResolveRangeAsync(console, archive, from, to, settings, cancellationToken);
        if (range is null)
        {
            return ExitCodes.Problems;
        }

        var options = new HistoryWorkOptions
        {
            Checkpoints = settings.Checkpoints,
            WorkDirectory = output.FullName,
            TrustedHash = settings.TrustedHash,
            TrustedCheckpointHashes = settings.TrustedCheckpointHashes,
            NetworkPassphrase = settings.NetworkPassphrase,
            MaxConcurrentDownloads = settings.Concurrency,
            DownloadRetries = retries,
        };
        var outcome = await CatchupRun.RunAsync(archive, range.Value, options, settings.Concurrency, console, settings.Quiet, cancellationToken);
        await CatchupSummary.WriteAsync(outcome.Succeeded ? console.Output : console.Error, outcome, archive.Name, settings.TrustedHash, settings.TrustedCheckpointHashes);
        await outcome.ToReport().WriteAsync(settings.Json, console, cancellationToken);
        return outcome.Succeeded ? ExitCodes.Ok : ExitCodes.Problems;
    }

    /// <summary>
    /// The checkpoints covering FROM..TO, checked against the archive's root state so that a range beyond the
    /// archive, or a trusted hash that cannot anchor it, is a clear usage error rather than a failed download.
    /// </summary>
    private static async Task<CheckpointRange?> ResolveRangeAsync(
        CliConsole console, IArchiveReader archive, uint? from, uint to, HistorySettings settings, CancellationToken cancellationToken)
    {
        var first = from ?? to;
        if (to == 0 || first == 0)
        {
            throw new UsageException("ledgers start at 1.");
        }

        if (first > to)
        {
            throw new UsageException(string.Create(CultureInfo.InvariantCulture, $"--from {first} is after --to {to}."));
        }

        var (root, problem) = await RootState.ReadAsync(archive, settings.NetworkPassphrase, cancellationToken);
        if (root is null)
        {
            await console.Error.WriteLineAsync("error: " + problem);
            await new RunReport { Ok = false, Problems = [problem!] }.WriteAsync(settings.Json, console, cancellationToken);
            return null;
        }

        var math = settings.Checkpoints;
        var range = math.RangeCovering(first, to);
        if (range.Last > root.CurrentLedger)
        {
            throw new UsageException(string.Create(
                CultureInfo.InvariantCulture,
                $"--to {to} needs checkpoint {range.Last}, but {archive.Name} has published up to checkpoint {root.CurrentLedger}."));
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
