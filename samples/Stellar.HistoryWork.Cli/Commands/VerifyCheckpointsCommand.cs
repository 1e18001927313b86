using System.CommandLine;
using System.Globalization;
using Stellar.HistoryWork.Cli.Archives;
using Stellar.HistoryWork.Cli.Progress;
using Stellar.HistoryWork.Cli.Reporting;
using Stellar.HistoryWork.Download;
using Stellar.HistoryWork.Scheduling;
using Stellar.HistoryWork.Verification;

namespace Stellar.HistoryWork.Cli.Commands;

/// <summary>
/// <c>verify-checkpoints --archive A --trusted-hash L:HEX --out FILE</c>: the trusted checkpoint hashes file
/// (ARCHIVE-FORMAT.md §8), every checkpoint hash chained down from the one hash given.
/// </summary>
internal static class VerifyCheckpointsCommand
{
    public static Command Create(CliConsole console)
    {
        var archive = CommonOptions.Archive();
        var trustedHash = CommonOptions.TrustedHash();
        trustedHash.Required = true;
        trustedHash.Description = "The hash the chain starts from, as LEDGER:HEX; its checkpoint is the newest written.";
        var output = new Option<FileInfo>("--out")
        {
            Description = "The trusted checkpoint hashes file to write; an existing one is extended with the newer checkpoints.",
            Required = true,
        };
        var from = CommonOptions.From();
        from.Description = "Oldest ledger whose checkpoint is written (default: where the archive starts; an earlier one is an error, exit 1).";
        var frequency = CommonOptions.CheckpointFrequency();
        var concurrency = CommonOptions.Concurrency();
        var retries = CommonOptions.Retries();
        var quiet = CommonOptions.Quiet();
        var json = CommonOptions.Json();
        var network = CommonOptions.Network();
        var command = new Command("verify-checkpoints", "Write the trusted checkpoint hashes file, chained down from a trusted ledger hash.")
        {
            archive, network, trustedHash, output, from, frequency, concurrency, retries, quiet, json,
        };
        command.SetAction((parse, ct) => RunAsync(
            console.ForReport(parse.GetValue(json)),
            [.. NetworkPreset.ChooseArchives(parse.GetValue(archive), parse.GetValue(network))],
            parse.GetValue(trustedHash)!,
            parse.GetValue(output)!,
            parse.GetValue(from),
            new CheckpointMath(parse.GetValue(frequency)),
            parse.GetValue(concurrency),
            parse.GetValue(retries),
            parse.GetValue(quiet),
            parse.GetValue(json),
            ct));
        return command;
    }

    private static async Task<int> RunAsync(
        CliConsole console, string[] locations, TrustedLedgerHash trusted, FileInfo output, uint? from, CheckpointMath math,
        int concurrency, int retries, bool quiet, FileInfo? json, CancellationToken cancellationToken)
    {
        if (from == 0 || from > trusted.Ledger)
        {
            throw new UsageException(string.Create(CultureInfo.InvariantCulture, $"--from must lie in 1..{trusted.Ledger} (the trusted ledger)."));
        }

        var pool = ArchiveLocations.Open(locations, new ArchivePoolOptions { MaxConcurrency = concurrency, MaxAttempts = retries + 1 });
        var archive = new FileKindCounter(pool);
        var (root, problem) = await RootState.ReadAsync(archive, null, cancellationToken);
        if (root is null)
        {
            await console.Error.WriteLineAsync("error: " + problem);
            await new RunReport { Verb = "verify-checkpoints", Ok = false, Archive = archive.Location, Problems = [problem!] }.WriteAsync(json, console, cancellationToken);
            return ExitCodes.ForFailure([problem!.Kind]);
        }

        if (math.CheckpointContaining(trusted.Ledger) > root.CurrentLedger)
        {
            throw new UsageException(string.Create(
                CultureInfo.InvariantCulture,
                $"--trusted-hash is for ledger {trusted.Ledger}, in checkpoint {math.CheckpointContaining(trusted.Ledger)}, but {archive.Location} has published up to checkpoint {root.CurrentLedger}."));
        }

        uint startsAt;
        try
        {
            startsAt = await new ArchiveStartFinder(archive, math).FindFirstCheckpointAsync(math.CheckpointContaining(trusted.Ledger), cancellationToken);
        }
        catch (ArchiveException e)
        {
            var unanswered = Problems.From(VerificationProblem.FromException(e, e.Path)[0]);
            await console.Error.WriteLineAsync("error: " + unanswered);
            await new RunReport { Verb = "verify-checkpoints", Ok = false, Archive = archive.Location, Problems = [unanswered] }.WriteAsync(json, console, cancellationToken);
            return ExitCodes.ForFailure([unanswered.Kind]);
        }

        var starts = $"{"starts",-13}{HistoryRange.DescribeStart(startsAt, math)}";
        if (from is { } given && math.CheckpointContaining(given) < startsAt)
        {
            var before = Problems.From(ArchiveStartFinder.BeforeStartProblem(given, startsAt, math));
            await console.Error.WriteLineAsync(starts);
            await console.Error.WriteLineAsync("error: " + before);
            await new RunReport { Verb = "verify-checkpoints", Ok = false, Archive = archive.Location, StartsAt = startsAt, Problems = [before] }.WriteAsync(json, console, cancellationToken);
            return ExitCodes.Problems;
        }

        var fromLedger = math.FirstLedgerIn(math.CheckpointContaining(from ?? math.FirstLedgerIn(startsAt)));
        var work = new WriteVerifiedCheckpointHashesWork(archive, trusted, output.FullName, new WriteVerifiedCheckpointHashesOptions
        {
            Checkpoints = math,
            FromLedger = fromLedger,
            MaxConcurrentDownloads = concurrency,
        });
        var clock = System.Diagnostics.Stopwatch.StartNew();
        console.KeptOnCancel = $"{output.FullName} was left as it was (it is replaced only when every checkpoint verified).";
        WorkSchedulerResult result;
        await using (var scheduler = new WorkScheduler(new WorkSchedulerOptions { MaxConcurrency = 1 }))
        {
            scheduler.Add(work, maxRetries: retries);
            result = await ProgressDisplay.RunAsync(console, quiet, _ => Task.FromResult(Snapshot(work.Progress, clock.Elapsed)), scheduler.RunToCompletionAsync(cancellationToken), pool, cancellationToken);
        }

        cancellationToken.ThrowIfCancellationRequested();
        var elapsed = clock.Elapsed;
        var progress = work.Progress;
        var ledgerFiles = progress.Of(HistoryWorkStage.LedgerHeaders)!.Done;
        var problems = result.Works.Where(w => w.State == WorkState.Failed).SelectMany(Problems.From).ToArray();
        if (problems.Length == 0)
        {
            var rate = elapsed > TimeSpan.Zero ? progress.Bytes / elapsed.TotalSeconds : 0;
            await console.Output.WriteLineAsync(starts);
            var lines = new (string Label, string Value)[]
            {
                ("wrote", work.OutputPath),
                ("trusted", trusted.ToString()),
                ("checkpoints", string.Create(CultureInfo.InvariantCulture, $"{ledgerFiles} verified newest to oldest, each linked to the next newer one")),
                ("kept", string.Create(CultureInfo.InvariantCulture, $"{progress.FilesSkipped} entries of the existing file")),
                ("files", string.Create(CultureInfo.InvariantCulture, $"{ledgerFiles} ledger files, {ByteFormat.Size(progress.Bytes)} in {elapsed.TotalSeconds:0.00} s ({ByteFormat.Rate(rate)})")),
            };
            foreach (var (label, value) in lines)
            {
                await console.Output.WriteLineAsync($"{label,-13}{value}");
            }
        }
        else
        {
            await console.Error.WriteLineAsync($"error: {output.FullName} was not written:");
            await ReportProblem.WriteListAsync(console.Error, problems);
        }

        await new RunReport
        {
            Verb = "verify-checkpoints",
            Ok = problems.Length == 0,
            Archive = archive.Location,
            FromLedger = fromLedger,
            ToLedger = trusted.Ledger,
            TrustedUpTo = problems.Length == 0 ? trusted.Ledger : null,
            StartsAt = startsAt,
            Checkpoints = ledgerFiles,
            Files = ledgerFiles,
            FilesByKind = archive.CountByKind(),
            Bytes = progress.Bytes,
            Retries = pool.Retries + result.Works.Sum(w => Math.Max(0L, w.Attempts - 1L)),
            Duration = elapsed,
            Problems = problems,
            Extra = w => w.WriteString("out", work.OutputPath),
        }.WriteAsync(json, console, cancellationToken);
        return problems.Length == 0 ? ExitCodes.Ok : ExitCodes.ForFailure(problems.Select(p => p.Kind));
    }

    private static ProgressSnapshot Snapshot(HistoryWorkProgress p, TimeSpan elapsed)
    {
        var files = p.Of(HistoryWorkStage.LedgerHeaders)!;
        var rate = elapsed > TimeSpan.Zero ? p.Bytes / elapsed.TotalSeconds : 0;
        var item = new ProgressItem(
            string.Create(CultureInfo.InvariantCulture, $"checkpoints {files.Done}/{files.Total} ({(files.Total == 0 ? 0 : files.Done * 100 / files.Total)}%)"),
            files.Done,
            files.Total,
            files.Total > 0 && files.Done == files.Total);
        var footer = $"{ByteFormat.Size(p.Bytes)} at {ByteFormat.Rate(rate)}";
        return new ProgressSnapshot([item], $"{item.Description}; {footer}", footer);
    }
}
