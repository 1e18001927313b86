using System.CommandLine;
using Stellar.HistoryWork.Cli.Archives;
using Stellar.HistoryWork.Cli.Catchup;
using Stellar.HistoryWork.Cli.Reporting;

namespace Stellar.HistoryWork.Cli.Commands;

/// <summary>
/// <c>catchup --archive A [--archive B…] --to L [--from L] --out DIR</c>: downloads and verifies what the reference
/// node's minimal catchup to L needs (<see cref="CatchupRange"/>) into DIR in archive layout.
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
        to.Description = "The ledger to catch up to. A checkpoint ledger: its HAS and buckets. Any other: the HAS and buckets of the last checkpoint before its checkpoint, plus the files to replay up to it (--to 100: buckets at 63, replay 64..100).";
        from.Description = "Replay from this ledger instead (like stellar-core's 'catchup TO/COUNT'): buckets at the checkpoint before the one holding it (--from 5000 --to 6000: buckets at 4991, replay 4992..6000); in the first checkpoint: replay from genesis.";
        var command = new Command("catchup", "Download and verify what the reference node's minimal catchup to a ledger needs (its CatchupRange rules) into a directory.")
        {
            archive, from, to, output, retries,
        };
        history.AddTo(command);
        command.SetAction(async (parse, ct) =>
        {
            var settings = await history.BindAsync(parse, ct);
            return await RunAsync(
                console.ForReport(settings.Json),
                [.. NetworkPreset.ChooseArchives(parse.GetValue(archive), settings.Network)],
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
        var archive = ArchiveLocations.OpenCounted(locations, settings, retries, out var counter);
        var resolution = await HistoryRange.ResolveAsync("catchup", console, archive, from, to, RangeRule.Catchup, settings, cancellationToken);
        if (resolution.Range is not { } resolved)
        {
            return resolution.ExitCode;
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
        var outcome = await CatchupRun.RunAsync(archive, resolved.Catchup!, options, settings.Concurrency, console, settings.Quiet, cancellationToken, counter) with
        {
            Ledgers = resolved.Ledgers,
            Plan = resolved.Catchup,
            StartsAt = resolved.StartsAt,
        };
        await CatchupSummary.WriteAsync(outcome.Succeeded ? console.Output : console.Error, outcome, archive.Location, settings.TrustedHash, settings.TrustedCheckpointHashes);
        await outcome.ToReport(archive.Location).WriteAsync(settings.Json, console, cancellationToken);
        return outcome.Succeeded ? ExitCodes.Ok : ExitCodes.ForFailure(outcome.Problems.Select(p => p.Kind));
    }
}
