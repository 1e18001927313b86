using System.CommandLine;
using System.Globalization;
using Stellar.HistoryWork.Cli.Archives;
using Stellar.HistoryWork.Cli.Progress;
using Stellar.HistoryWork.Cli.Reporting;
using Stellar.HistoryWork.Cli.Sharding;
using Stellar.HistoryWork.Publish;

namespace Stellar.HistoryWork.Cli.Commands;

/// <summary>
/// <c>mirror --archive A --to-archive DEST [--from L] [--to L]</c>: download, verify and publish in publish order
/// (the library's <see cref="ArchiveMirror"/>); a rerun skips what DEST already holds intact. With
/// <c>--shard-count N --stage buckets|checkpoints</c> one shard of a job (docs/SCALE-OUT.md): its slice's buckets, or its
/// checkpoint files and then HAS files, never <c>.well-known</c> (<c>merge-reports --to-archive</c> writes that).
/// </summary>
internal static class MirrorCommand
{
    public static Command Create(CliConsole console)
    {
        var archive = CommonOptions.Archive();
        var target = new Option<string>("--to-archive")
        {
            Description = "The archive to write: a directory or file:///abs/path (created when missing), s3://BUCKET[/PREFIX], or stellar-core command templates: cmd:@stellar-core.cfg[#NAME] (the [HISTORY.*] section with a put) or cmd:get=TEMPLATE;put=TEMPLATE;mkdir=TEMPLATE.",
            Required = true,
        };
        var from = CommonOptions.From();
        from.Description = "First ledger to copy (default: where the source archive starts; an earlier one stops before downloading, exit 1).";
        var to = CommonOptions.To();
        to.Description = "Last ledger to copy (default: the source's newest).";
        var retries = CommonOptions.Retries();
        var workDir = CommonOptions.WorkDir();
        var history = new HistoryOptions();
        var sharding = new ShardOptions();
        var stage = new Option<string?>("--stage")
        {
            Description = "With --shard-count: buckets (the buckets the shard owns), then, once every shard did that, checkpoints (checkpoint files, then HAS files, each only once the buckets it names are at the target). Never .well-known: merge-reports --to-archive writes it.",
        };
        stage.AcceptOnlyFromAmong(StageNames);
        var command = new Command("mirror", "Download, verify and publish a range of checkpoints to another archive, in publish order; reruns resume.")
        {
            archive, target, from, to, retries, workDir, stage,
        };
        history.AddTo(command);
        sharding.AddTo(command);
        command.SetAction(async (parse, ct) =>
        {
            var settings = await history.BindAsync(parse, ct);
            var shard = sharding.Resolve(parse, parse.GetValue(to), Environment.GetEnvironmentVariable);
            var staged = Stage(shard, parse.GetValue(stage));
            var reportDir = parse.GetValue(sharding.ReportDir) is { } dir ? ArchiveLocations.OpenWriter("--report-dir", dir) : null;
            return await RunAsync(
                console.ForReport(settings.Json), [.. NetworkPreset.ChooseArchives(parse.GetValue(archive), settings.Network)], parse.GetValue(target)!, parse.GetValue(from), parse.GetValue(to), parse.GetValue(retries), parse.GetValue(workDir), settings, (shard, staged, reportDir), ct);
        });
        return command;
    }

    /// <summary>The names of <c>--stage</c>, as <see cref="ArchiveMirrorStage"/> spells them in lower case.</summary>
    internal static readonly string[] StageNames = ["buckets", "checkpoints"];

    /// <summary>A sharded mirror runs in stages; an unsharded one publishes everything in order.</summary>
    private static ArchiveMirrorStage Stage(ArchiveShard? shard, string? stage) => (shard, stage) switch
    {
        (null, null) => ArchiveMirrorStage.Everything,
        (null, _) => throw new UsageException("--stage needs --shard-count (a single machine is --shard-count 1 --shard-index 0)."),
        (_, null) => throw new UsageException("--shard-count needs --stage buckets, then --stage checkpoints: the target must never show a HAS before its buckets."),
        _ => stage == "buckets" ? ArchiveMirrorStage.Buckets : ArchiveMirrorStage.Checkpoints,
    };

    private static async Task<int> RunAsync(
        CliConsole console,
        string[] locations,
        string targetLocation,
        uint? from,
        uint? to,
        int retries,
        DirectoryInfo? workDir,
        HistorySettings settings,
        (ArchiveShard? Shard, ArchiveMirrorStage Stage, IArchiveWriter? ReportDir) sharding,
        CancellationToken cancellationToken)
    {
        var target = ArchiveLocations.OpenWriter("--to-archive", targetLocation);
        var source = ArchiveLocations.OpenCounted(locations, settings, retries, out var counter);
        var resolution = await HistoryRange.ResolveAsync("mirror", console, source, from, to, RangeRule.FromStart, settings, cancellationToken);
        if (resolution.Range is not { } resolved)
        {
            return resolution.ExitCode;
        }

        var range = resolved.Checkpoints;
        // The same source and target resume the same private directory: what an interrupted run verified is checked
        // again and reused, never downloaded again.
        using var work = RunDirectory.Create(workDir, resumeKey: $"mirror\n{source.Location}\n{target}" + (sharding.Shard is { } s ? $"\n{s}\n{sharding.Stage}" : string.Empty));
        if (work.Resumed)
        {
            await console.Output.WriteLineAsync($"resuming: an interrupted run's verified files in {work.Path} are checked again and reused");
        }

        console.KeptOnCancel = $"verified files are kept in {work.Path} and every checkpoint already published to {target} stays (data before its HAS); run the same command again to resume without downloading them again.";
        var mirror = new ArchiveMirror(source, target, new ArchiveMirrorOptions
        {
            FromLedger = resolved.Ledgers.First,
            ToLedger = resolved.Ledgers.Last,
            MaxConcurrency = settings.Concurrency,
            Shard = sharding.Shard,
            Stage = sharding.Stage,
            History = new HistoryWorkOptions
            {
                Checkpoints = settings.Checkpoints,
                WorkDirectory = work.Path,
                TrustedHash = settings.TrustedHash,
                TrustedCheckpointHashes = settings.TrustedCheckpointHashes,
                NetworkPassphrase = settings.NetworkPassphrase,
                MaxConcurrentDownloads = settings.Concurrency,
                DownloadRetries = retries,
            },
        });
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var result = await ProgressDisplay.RunAsync(
            console, settings.Quiet, async ct => Snapshot(await mirror.GetProgressAsync(ct), range, clock.Elapsed), mirror.RunAsync(cancellationToken), source, cancellationToken);
        cancellationToken.ThrowIfCancellationRequested();
        if (result.Succeeded)
        {
            work.Complete();
        }

        var elapsed = clock.Elapsed;
        var problems = result.Problems.Select(Problems.From).ToArray();
        var trustedUpTo = result.TrustedUpTo is { } upTo ? Math.Min(upTo, resolved.Ledgers.Last) : (uint?)null;
        await WriteSummaryAsync(console, source.Location, target.ToString()!, result, problems, elapsed, source.Retries, resolved, trustedUpTo, settings.Checkpoints);
        if (sharding.Shard is { } shard)
        {
            await ShardMirrorReport.WriteAsync(console, shard, sharding.Stage, source.Location, target, sharding.ReportDir, result, problems, settings, cancellationToken);
        }

        await new RunReport
        {
            Verb = "mirror",
            Ok = result.Succeeded,
            Archive = source.Location,
            TrustedUpTo = trustedUpTo,
            FromLedger = resolved.Ledgers.First,
            ToLedger = resolved.Ledgers.Last,
            StartsAt = resolved.StartsAt,
            Checkpoints = result.CheckpointsMirrored,
            Files = result.FilesWritten,
            FilesByKind = counter.CountByKind(),
            Bytes = result.BytesWritten,
            Retries = source.Retries,
            Duration = elapsed,
            Problems = problems,
            Errors = result.Errors,
            Extra = json =>
            {
                json.WriteString("target", target.ToString()!);
                json.WriteNumber("filesSkipped", result.FilesSkipped);
            },
        }.WriteAsync(settings.Json, console, cancellationToken);
        return result.Succeeded ? ExitCodes.Ok : ExitCodes.ForFailure(problems.Select(p => p.Kind));
    }

    /// <summary>
    /// Bars for the checkpoints published and, while a batch is in flight, its download stages (files and bytes);
    /// the line and footer add bytes/s and an ETA from the checkpoints done plus the batch's share downloaded.
    /// </summary>
    internal static ProgressSnapshot Snapshot(HistoryWorkProgress? p, CheckpointRange range, TimeSpan elapsed)
    {
        if (p?.Of(HistoryWorkStage.Publishing) is not { } publishing)
        {
            var waiting = new ProgressItem(string.Create(CultureInfo.InvariantCulture, $"checkpoints 0/{range.Count} (0%)"), 0, range.Count, false);
            return new ProgressSnapshot([waiting], $"{waiting.Description}; resolving the range", "resolving the range");
        }

        var done = publishing.Done;
        var total = publishing.Total;
        var items = new List<ProgressItem>
        {
            new(string.Create(CultureInfo.InvariantCulture, $"checkpoints {done}/{total} ({done * 100 / total}%)"), done, total, done == total),
        };
        var progressed = (double)done;
        string? batch = null;
        if (p.Batch is { } inFlight)
        {
            var stages = p.Stages.Where(s => s.Stage != HistoryWorkStage.Publishing && s.Total > 0).ToList();
            progressed += inFlight.Count * (stages.Count == 0 ? 0 : stages.Sum(s => (double)s.Done) / stages.Sum(s => (double)s.Total));
            var label = string.Create(CultureInfo.InvariantCulture, $"batch {inFlight.First}..{inFlight.Last}");
            items.AddRange(stages.Select(s => new ProgressItem($"{label} {s}", s.Done, s.Total, s.Status == StageStatus.Succeeded)));
            batch = $"{label}: {string.Join("; ", stages.Where(s => s.Status == StageStatus.Running))}";
        }

        var rate = elapsed > TimeSpan.Zero ? p.Bytes / elapsed.TotalSeconds : 0;
        var eta = progressed > 0 && progressed < total ? "; ETA " + Duration(elapsed * ((total - progressed) / progressed)) : string.Empty;
        var footer = string.Create(CultureInfo.InvariantCulture, $"{p.Files} files written, {p.FilesSkipped} already there, {ByteFormat.Size(p.Bytes)} at {ByteFormat.Rate(rate)}{eta}");
        var line = batch is null ? $"{items[0].Description}; {footer}" : $"{items[0].Description}; {batch}; {footer}";
        return new ProgressSnapshot(items, line, footer);
    }

    private static string Duration(TimeSpan span) => span.TotalHours >= 1
        ? string.Create(CultureInfo.InvariantCulture, $"{(int)span.TotalHours}h {span.Minutes:00}m")
        : string.Create(CultureInfo.InvariantCulture, $"{span.Minutes}m {span.Seconds:00}s");

    private static async Task WriteSummaryAsync(
        CliConsole console,
        string source,
        string target,
        ArchiveMirrorResult result,
        IReadOnlyList<ReportProblem> problems,
        TimeSpan elapsed,
        long retries,
        ResolvedRange resolved,
        uint? trustedUpTo,
        CheckpointMath math)
    {
        var output = result.Succeeded ? console.Output : console.Error;
        var lines = new (string Label, string Value)[]
        {
            ("source", source),
            ("starts", HistoryRange.DescribeStart(resolved.StartsAt, math)),
            ("target", target),
            ("checkpoints", string.Create(CultureInfo.InvariantCulture, $"{result.CheckpointsMirrored} of {result.Range.Count} mirrored ({result.Range.First}..{result.Range.Last})")),
            ("files", string.Create(CultureInfo.InvariantCulture, $"{result.FilesWritten} written ({ByteFormat.Size(result.BytesWritten)}), {result.FilesSkipped} already there and intact")),
            ("time", string.Create(CultureInfo.InvariantCulture, $"{elapsed.TotalSeconds:0.00} s, {RetryCount.Describe(retries)}")),
            ("trust", TrustDescription.Describe(trustedUpTo, resolved.Ledgers.Last, result.Succeeded)),
        };
        if (!result.Succeeded)
        {
            await output.WriteLineAsync("mirror FAILED:");
        }

        foreach (var (label, value) in lines)
        {
            await output.WriteLineAsync($"{label,-13}{value}");
        }

        await ReportProblem.WriteListAsync(output, problems);

        // Work errors repeat the problems; they are shown only when the failure was not the source's (e.g. the target).
        if (result.Problems.Count == 0)
        {
            foreach (var error in result.Errors.Take(ReportProblem.MaxShown))
            {
                await output.WriteLineAsync("  " + error);
            }
        }
    }
}
