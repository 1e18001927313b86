using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using Stellar.HistoryWork.Cli.Archives;
using Stellar.HistoryWork.Cli.Reporting;
using Stellar.HistoryWork.Cli.Sharding;
using Stellar.HistoryWork.S3;
using Stellar.HistoryWork.Verification;

namespace Stellar.HistoryWork.Cli.Commands;

/// <summary>
/// <c>merge-reports LOC [--shard-count N] [--to-archive T] [--json FILE]</c>: the reports of shards 0..N−1
/// (<c>shard-I-of-N.json</c>, written by <c>verify|mirror --shard-count N --report-dir LOC</c>) merged into the report of
/// one run over the job's range (<see cref="ShardMerge"/>). Exit codes as <c>verify</c>. LOC is a directory,
/// file:///abs/path or s3://BUCKET[/PREFIX] (object storage is not listed, so there N must be given). With
/// <c>--to-archive</c>, the end of a sharded mirror: <c>.well-known</c> written at T only when all is well
/// (<see cref="WellKnownFromShards"/>).
/// </summary>
internal static partial class MergeReportsCommand
{
    public static Command Create(CliConsole console)
    {
        var location = new Argument<string>("LOC") { Description = "Where the shards wrote their reports (--report-dir): a directory, file:///abs/path or s3://BUCKET[/PREFIX]." };
        var count = new Option<int?>("--shard-count")
        {
            Description = "How many shards the job had. Default: read from the report names in a directory (one count only); required for s3://.",
            CustomParser = r => int.TryParse(r.Tokens[0].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n >= 1 ? n : Fail(r),
        };
        var json = CommonOptions.Json();
        var toArchive = new Option<string?>("--to-archive")
        {
            Description = "The archive a sharded mirror wrote (its --to-archive): once every shard's checkpoints stage is ok and the links hold, point its .well-known at the range's newest HAS; otherwise write nothing.",
        };
        var command = new Command("merge-reports", "Merge the reports of a sharded verify or mirror (shard-I-of-N.json) into one: every shard present, slices tiling the range and linked by hash, counts summed, problems joined, trust carried down the links.")
        {
            location, count, toArchive, json,
        };
        command.SetAction((parse, ct) =>
        {
            var target = parse.GetValue(toArchive) is { } t ? ArchiveLocations.OpenWriter("--to-archive", t) : null;
            return RunAsync(console.ForReport(parse.GetValue(json)), parse.GetValue(location)!, parse.GetValue(count), target, parse.GetValue(json), ct);
        });
        return command;
    }

    private static int? Fail(System.CommandLine.Parsing.ArgumentResult result)
    {
        result.AddError($"--shard-count: '{result.Tokens[0].Value}' is not a whole number of at least 1.");
        return null;
    }

    private static async Task<int> RunAsync(CliConsole console, string location, int? count, IArchiveWriter? target, FileInfo? json, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        string directory;
        IArchiveReader store;
        if (S3ArchiveLocation.IsS3(location))
        {
            if (count is null)
            {
                throw new UsageException($"merge-reports {location}: give --shard-count (object storage is not listed for report names).");
            }

            directory = location;
            store = S3Locations.OpenReader(location);
        }
        else
        {
            directory = LocalDirectory(location);
            count ??= CountFromNames(directory);
            store = new LocalArchiveReader(directory);
        }

        var reports = new ShardReport?[count.Value];
        var unreadable = new List<ReportProblem>();
        using (store as IDisposable)
        {
            for (var i = 0; i < reports.Length; i++)
            {
                var name = ShardReport.FileName(i, count.Value);
                (reports[i], var problem) = await ReadReportAsync(store, name, cancellationToken);
                if (problem is not null)
                {
                    unreadable.Add(problem);
                }
            }
        }

        var merged = ShardMerge.Merge(reports);
        IReadOnlyList<ReportProblem> problems = unreadable.Count == 0 ? merged.Problems : [.. unreadable, .. merged.Problems.Where(p => !unreadable.Any(u => u.Path == p.Path))];
        var ok = merged.Ok && unreadable.Count == 0;
        string? wellKnown = null;
        if (target is not null)
        {
            problems = [.. problems, .. WellKnownFromShards.Check(reports, target)];
            ok = ok && problems.Count == 0;
            if (ok)
            {
                (wellKnown, var failed) = await WellKnownFromShards.WriteAsync(reports, target, cancellationToken);
                if (failed is not null)
                {
                    ok = false;
                    problems = [.. problems, failed];
                }
            }

            wellKnown ??= $"{ArchivePaths.WellKnownState} not written: the merge found problems";
        }

        var output = console.Output;
        await output.WriteLineAsync($"{"reports",-10}{directory}: {reports.Count(r => r is not null)} of {count} shards");
        await output.WriteLineAsync($"{"archive",-10}{merged.Archive ?? "unknown"}");
        await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"{"range",-10}{(merged.FromLedger is { } f && merged.ToLedger is { } t ? $"ledgers {f}..{t}" : "unknown")}: {merged.Checkpoints} checkpoints, {merged.Files} files, {ByteFormat.Size(merged.Bytes)}"));
        await output.WriteLineAsync($"{"problems",-10}{(problems.Count == 0 ? "none" : problems.Count.ToString(CultureInfo.InvariantCulture))}");
        await output.WriteLineAsync($"{"trust",-10}{TrustDescription.Describe(merged.TrustedUpTo, merged.ToLedger, ok)}");
        if (wellKnown is not null)
        {
            await output.WriteLineAsync($"{"target",-10}{target}: {wellKnown}");
        }

        await ReportProblem.WriteListAsync(output, problems);
        if (!ok)
        {
            await console.Error.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"error: the shards of {merged.Archive ?? directory} did not verify: {problems.Count} problem{(problems.Count == 1 ? "" : "s")}."));
        }

        await new RunReport
        {
            Verb = "merge-reports",
            Ok = ok,
            Archive = merged.Archive,
            TrustedUpTo = ok ? merged.TrustedUpTo : null,
            FromLedger = merged.FromLedger,
            ToLedger = merged.ToLedger,
            StartsAt = merged.StartsAt,
            Checkpoints = merged.Checkpoints,
            Files = merged.Files,
            FilesByKind = merged.FilesByKind,
            Bytes = merged.Bytes,
            Duration = clock.Elapsed,
            Problems = problems,
            Extra = w => w.WriteNumber("shards", count.Value),
        }.WriteAsync(json, console, cancellationToken);
        return ok ? ExitCodes.Ok : ExitCodes.ForFailure(problems.Select(p => p.Kind));
    }

    /// <summary>
    /// The largest shard report read (256 MiB): a slice of 100,000 checkpoints each with several problems stays far below
    /// it, and a store that serves an endless or huge object cannot push the merge out of memory.
    /// </summary>
    internal const int MaxReportBytes = 256 * 1024 * 1024;

    /// <summary>
    /// One shard's report: null without a problem when there is none (the merge calls that <c>missing-shard</c>);
    /// a report that does not parse is a <c>shard-mismatch</c>, a store that could not be read <c>unreachable</c>.
    /// </summary>
    private static async Task<(ShardReport? Report, ReportProblem? Problem)> ReadReportAsync(IArchiveReader store, string name, CancellationToken cancellationToken)
    {
        try
        {
            var stream = await store.OpenReadAsync(name, cancellationToken);
            await using (stream)
            {
                if (stream.CanSeek && stream.Length > MaxReportBytes)
                {
                    throw new FormatException($"{stream.Length} bytes, more than {MaxReportBytes}, the most a shard report may hold");
                }

                using var bytes = new MemoryStream();
                var buffer = new byte[81920];
                int read;
                while ((read = await stream.ReadAsync(buffer, cancellationToken)) > 0)
                {
                    if (bytes.Length + read > MaxReportBytes)
                    {
                        throw new FormatException($"more than {MaxReportBytes} bytes, the most a shard report may hold");
                    }

                    bytes.Write(buffer, 0, read);
                }

                return (ShardReport.Parse(bytes.GetBuffer().AsSpan(0, (int)bytes.Length)), null);
            }
        }
        catch (ArchiveFileNotFoundException)
        {
            return (null, null);
        }
        catch (ArchiveException e)
        {
            return (null, new ReportProblem(name, null, ProblemKind.Unreachable.ToJsonName(), $"{name}: could not be read: {e.Detail} (rule: every shard 0..N-1 reports)"));
        }
        catch (FormatException e)
        {
            return (null, new ReportProblem(name, null, ShardMerge.ShardMismatch, $"{name}: {e.Message} (rule: a shard report as verify --report-dir writes it)"));
        }
    }

    private static string LocalDirectory(string location)
    {
        var path = location;
        if (location.StartsWith("file:", StringComparison.OrdinalIgnoreCase))
        {
            if (!Uri.TryCreate(location, UriKind.Absolute, out var uri) || !uri.IsFile)
            {
                throw new UsageException($"merge-reports {location} is not a file:///absolute/path URI.");
            }

            path = uri.LocalPath;
        }

        if (!Directory.Exists(path))
        {
            throw new UsageException($"merge-reports {location}: the directory '{path}' does not exist.");
        }

        return path;
    }

    private static int CountFromNames(string directory)
    {
        var counts = Directory.EnumerateFiles(directory, "shard-*-of-*.json")
            .Select(f => ReportName().Match(Path.GetFileName(f)))
            .Where(m => m.Success)
            .Select(m => int.Parse(m.Groups["count"].Value, CultureInfo.InvariantCulture))
            .Distinct()
            .Order()
            .ToArray();
        return counts.Length switch
        {
            0 => throw new UsageException($"merge-reports {directory}: no shard-I-of-N.json reports there."),
            1 => counts[0],
            _ => throw new UsageException($"merge-reports {directory}: reports of {string.Join(", ", counts)} shards; give --shard-count."),
        };
    }

    [GeneratedRegex("^shard-(?<index>[0-9]{1,9})-of-(?<count>[1-9][0-9]{0,8})\\.json$", RegexOptions.CultureInvariant)]
    private static partial Regex ReportName();
}
