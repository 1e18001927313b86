using System.CommandLine;
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
        var archive = ArchiveLocations.Open(locations, settings, retries);
        var range = await HistoryRange.ResolveAsync("catchup", console, archive, from, to, defaultFrom: null, settings, cancellationToken);
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
        await CatchupSummary.WriteAsync(outcome.Succeeded ? console.Output : console.Error, outcome, archive.Location, settings.TrustedHash, settings.TrustedCheckpointHashes);
        await outcome.ToReport(archive.Location).WriteAsync(settings.Json, console, cancellationToken);
        return outcome.Succeeded ? ExitCodes.Ok : ExitCodes.Problems;
    }
}
