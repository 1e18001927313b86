using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Stellar.HistoryWork.Cli.Archives;
using Stellar.HistoryWork.Cli.Progress;
using Stellar.HistoryWork.Cli.Reporting;
using Stellar.HistoryWork.Cli.Sharding;
using Stellar.HistoryWork.Verification;

namespace Stellar.HistoryWork.Cli.Commands;

/// <summary><c>verify --archive A [--from L] [--to L]</c>: every file of the range verified in place, every problem reported.</summary>
internal static class VerifyCommand
{
    public static Command Create(CliConsole console)
    {
        var archive = CommonOptions.Archive();
        var from = CommonOptions.From();
        var to = CommonOptions.To();
        var retries = CommonOptions.Retries();
        var history = new HistoryOptions();
        var sharding = new ShardOptions();
        var command = new Command(
            "verify",
            "Verify every file of an archive range (default: the whole archive): HAS, buckets, header chain, transactions, results, SCP, bucket-list hash. Reports every problem.")
        {
            archive, from, to, retries,
        };
        history.AddTo(command);
        sharding.AddTo(command);
        command.SetAction(async (parse, ct) =>
        {
            var settings = await history.BindAsync(parse, ct);
            var shard = sharding.Resolve(parse, parse.GetValue(to), Environment.GetEnvironmentVariable);
            var reportDir = parse.GetValue(sharding.ReportDir) is { } dir ? ArchiveLocations.OpenWriter("--report-dir", dir) : null;
            var locations = NetworkPreset.ChooseArchives(parse.GetValue(archive), settings.Network);
            return await RunAsync(console.ForReport(settings.Json), [.. locations], parse.GetValue(from), parse.GetValue(to), parse.GetValue(retries), settings, (shard, reportDir), ct);
        });
        return command;
    }

    private static async Task<int> RunAsync(
        CliConsole console, string[] locations, uint? from, uint? to, int retries, HistorySettings settings, (ArchiveShard? Shard, IArchiveWriter? ReportDir) sharding, CancellationToken cancellationToken)
    {
        if (from > to)
        {
            throw new UsageException(string.Create(CultureInfo.InvariantCulture, $"--from {from} is after --to {to}."));
        }

        // The library's rule and message; a range that ends at the root state's ledger is checked once that is read
        // (an untrusted problem then).
        if (to is not null && new LedgerRange(from ?? 1, to.Value).TrustedHashOutsideMessage(settings.TrustedHash) is { } outside)
        {
            throw new UsageException("--trusted-hash: " + outside + ".");
        }

        console.KeptOnCancel = "verify writes nothing; nothing to clean up.";
        // Counted inside the pool, so that the verifier reads through this pool (its retries, --retries) and no other.
        var archive = ArchiveLocations.OpenCounted(locations, settings, retries, out var counter);
        var verifier = new ArchiveVerifier(archive, new ArchiveVerifierOptions
        {
            FromLedger = from,
            ToLedger = to,
            Checkpoints = settings.Checkpoints,
            TrustedHash = settings.TrustedHash,
            TrustedCheckpointHashes = settings.TrustedCheckpointHashes,
            NetworkPassphrase = settings.NetworkPassphrase,
            MaxConcurrency = settings.Concurrency,
            Shard = sharding.Shard,
        });
        var clock = Stopwatch.StartNew();
        var report = await ProgressDisplay.RunAsync(
            console,
            settings.Quiet,
            _ => Task.FromResult(Snapshot(verifier.Progress, clock.Elapsed)),
            verifier.VerifyAsync(cancellationToken),
            archive,
            cancellationToken);
        var elapsed = clock.Elapsed;

        cancellationToken.ThrowIfCancellationRequested();
        var problems = report.Problems.Select(Problems.From).ToArray();
        await WriteSummaryAsync(console, archive.Location, report, problems, elapsed, archive.Retries, settings.Checkpoints);
        if (sharding.Shard is { } shard)
        {
            var shardReport = ShardReport.From(shard, archive.Location, report, problems, counter.CountByKind(), settings.TrustedHash, settings.Checkpoints);
            await console.Output.WriteLineAsync($"{"shard",-10}{DescribeShard(shardReport)}");
            if (sharding.ReportDir is { } reportDir)
            {
                // One put of the whole report: a local directory renames it into place, so a reader never sees half of one.
                await reportDir.PutBytesAsync(ShardReport.FileName(shard.Index, shard.Count), shardReport.ToJson(), cancellationToken);
            }
        }

        await new RunReport
        {
            Verb = "verify",
            Ok = report.Ok,
            Archive = archive.Location,
            TrustedUpTo = report.TrustedUpTo,
            FromLedger = report.FromLedger,
            ToLedger = report.ToLedger,
            Checkpoints = report.Checkpoints,
            Files = report.Files,
            FilesByKind = counter.CountByKind(),
            Bytes = report.Bytes,
            Retries = archive.Retries,
            StartsAt = report.StartsAt,
            Duration = elapsed,
            Problems = problems,
            Extra = json =>
            {
                // Present and well-formed, but no header binds them (issue 10 row 8): never counted as vouched for.
                json.WriteStartArray("unboundBuckets");
                foreach (var hash in report.UnboundBuckets)
                {
                    json.WriteStringValue(hash);
                }

                json.WriteEndArray();
            },
        }.WriteAsync(settings.Json, console, cancellationToken);
        return report.Ok ? ExitCodes.Ok : ExitCodes.ForFailure(problems.Select(p => p.Kind));
    }

    private static string DescribeShard(ShardReport report) =>
        report.Slice is { } slice
            ? string.Create(CultureInfo.InvariantCulture, $"{report.Index} of {report.Count}: checkpoints {slice.First}..{slice.Last}, {report.BucketsLeftBelow} buckets left to the shard below")
            : string.Create(CultureInfo.InvariantCulture, $"{report.Index} of {report.Count}: no checkpoints (the range has fewer than {report.Count})");

    private static ProgressSnapshot Snapshot(HistoryWorkProgress? p, TimeSpan elapsed)
    {
        if (p?.Of(HistoryWorkStage.Checkpoints) is not { Total: > 0 } c || p.Of(HistoryWorkStage.Buckets) is not { } b)
        {
            return new ProgressSnapshot([], "reading the root history archive state", string.Empty);
        }

        var rate = elapsed > TimeSpan.Zero ? p.Bytes / elapsed.TotalSeconds : 0;
        var checkpoints = new ProgressItem(Count("checkpoints", c.Done, c.Total), c.Done, c.Total, c.Status == StageStatus.Succeeded);
        var buckets = new ProgressItem(Count("buckets", b.Done, b.Total), b.Done, b.Total, false);
        var footer = string.Create(CultureInfo.InvariantCulture, $"{p.Files} files, {ByteFormat.Size(p.Bytes)} at {ByteFormat.Rate(rate)}, {p.Problems} problem{(p.Problems == 1 ? "" : "s")}");
        return new ProgressSnapshot([checkpoints, buckets], $"{checkpoints.Description}; {buckets.Description}; {footer}", footer);
    }

    private static string Count(string what, long done, long total) =>
        string.Create(CultureInfo.InvariantCulture, $"{what} {done}/{total} ({(total == 0 ? 0 : done * 100 / total)}%)");

    private static async Task WriteSummaryAsync(
        CliConsole console, string archive, VerificationReport report, IReadOnlyList<ReportProblem> problems, TimeSpan elapsed, long retries, CheckpointMath math)
    {
        var output = console.Output;
        var rate = elapsed > TimeSpan.Zero ? report.Bytes / elapsed.TotalSeconds : 0;
        var lines = new List<(string Label, string Value)>
        {
            ("archive", archive),
        };
        if (report.StartsAt is { } start)
        {
            lines.Add(("starts", HistoryRange.DescribeStart(start, math)));
        }

        var range = report.FromLedger is { } first && report.ToLedger is { } last
            ? string.Create(CultureInfo.InvariantCulture, $"ledgers {first}..{last}")
            : "no ledgers";
        lines.AddRange(
        [
            ("range", string.Create(CultureInfo.InvariantCulture, $"{range}: {report.Checkpoints} checkpoints")),
            ("files", string.Create(CultureInfo.InvariantCulture, $"{report.Files} verified, {ByteFormat.Size(report.Bytes)} in {elapsed.TotalSeconds:0.00} s ({ByteFormat.Rate(rate)}), {RetryCount.Describe(retries)}")),
            ("problems", report.Problems.Count == 0 ? "none" : report.Problems.Count.ToString(CultureInfo.InvariantCulture)),
            ("trust", TrustDescription.Describe(report.TrustedUpTo, report.ToLedger, report.Ok)),
        ]);
        if (report.UnboundBuckets.Count > 0)
        {
            lines.Add(("unbound", string.Create(CultureInfo.InvariantCulture,
                $"{report.UnboundBuckets.Count} bucket{(report.UnboundBuckets.Count == 1 ? " is" : "s are")} present and well-formed but bound by no header: only the next.output of a level in state 1 names {(report.UnboundBuckets.Count == 1 ? "it" : "them")}, which the bucket-list hash does not cover")));
        }

        foreach (var (label, value) in lines)
        {
            await output.WriteLineAsync($"{label,-10}{value}");
        }

        await ReportProblem.WriteListAsync(output, problems);

        if (!report.Ok)
        {
            await console.Error.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"error: {archive} did not verify: {report.Problems.Count} problem{(report.Problems.Count == 1 ? "" : "s")}."));
        }
    }
}
