using System.Globalization;
using Stellar.HistoryWork.Cli.Archives;
using Stellar.HistoryWork.Cli.Reporting;
using Stellar.HistoryWork.Verification;

namespace Stellar.HistoryWork.Cli.Sharding;

/// <summary>
/// Joins the reports of shards 0..N−1 of one job into what one run over the whole range reports
/// (docs/SCALE-OUT.md): every report present and of the same job, the slices as the library cuts them
/// (<see cref="ArchiveShard"/>), each slice's chain linked to the next by hash (the library's rule,
/// <see cref="LedgerFileLink.VerifyFollows"/>), counts summed, problems concatenated with runs of absent
/// checkpoints joined across slices, and trust flowing down the links.
/// </summary>
internal static class ShardMerge
{
    /// <summary>A report the merge needs is absent.</summary>
    public const string MissingShard = "missing-shard";

    /// <summary>A report is not of the job the others are (another archive, range, count, trusted hash or slice), or unreadable.</summary>
    public const string ShardMismatch = "shard-mismatch";

    /// <summary>Merges <paramref name="reports"/>, indexed by shard (null where a report is absent).</summary>
    public static MergedShards Merge(IReadOnlyList<ShardReport?> reports)
    {
        ArgumentNullException.ThrowIfNull(reports);
        var count = reports.Count;
        var problems = new List<ReportProblem>();
        var present = reports.Where(r => r is not null).Select(r => r!).ToArray();
        for (var i = 0; i < count; i++)
        {
            if (reports[i] is null)
            {
                var name = ShardReport.FileName(i, count);
                problems.Add(new ReportProblem(name, null, MissingShard, string.Create(CultureInfo.InvariantCulture, $"{name}: shard {i} of {count} wrote no report (rule: every shard 0..{count - 1} reports)")));
            }
        }

        var reference = present.FirstOrDefault(r => r.Range is not null) ?? present.FirstOrDefault();
        var math = new CheckpointMath(reference?.CheckpointFrequency ?? CheckpointMath.DefaultFrequency);
        var job = reference?.Range;
        foreach (var report in present)
        {
            if (Mismatch(report, reference!, job, math) is { } why)
            {
                var name = ShardReport.FileName(report.Index, report.Count);
                problems.Add(new ReportProblem(name, null, ShardMismatch, $"{name}: {why} (rule: the shards of a job cut one range the same way)"));
            }
        }

        problems.AddRange(Links(reports, math));
        problems.AddRange(present.SelectMany(r => r.Problems).Where(p => !present.Any(r => r.AbsentRuns.Any(run => IsRunProblem(p, run)))));
        // Runs of absent checkpoints that meet at a slice boundary are one run, as one process would report it.
        var absentRuns = CheckpointRange.JoinAdjacent(present.SelectMany(r => r.AbsentRuns).Select(run => new CheckpointRange(run.First, run.Last, math)));
        problems.AddRange(absentRuns.Select(run => Problems.From(VerificationProblem.AbsentRun(run))));
        problems.AddRange(ScpAcrossSlices(present, math));
        var ordered = problems.OrderBy(p => p.Path, StringComparer.Ordinal).ThenBy(p => p.Ledger).ThenBy(p => p.Kind, StringComparer.Ordinal).ToArray();
        var ok = ordered.Length == 0 && present.All(r => r.Ok);
        return new MergedShards(
            ok,
            count,
            reference?.Archive,
            job is { } range ? range.ToCheckpoints(math).FirstLedger : null,
            job?.Last,
            present.Select(r => r.StartsAt).FirstOrDefault(s => s is not null),
            present.Sum(r => r.Checkpoints),
            present.Sum(r => r.Files),
            FileKindCounter.Kinds.ToDictionary(k => k, k => present.Sum(r => r.FilesByKind.GetValueOrDefault(k)), StringComparer.Ordinal),
            present.Sum(r => r.Bytes),
            // A trusted hash anchors every ledger below it when every link between holds: with no problem anywhere, as in one run.
            ok ? present.Max(r => r.TrustedUpTo) : null,
            ordered);
    }

    private static string? Mismatch(ShardReport report, ShardReport reference, LedgerRange? job, CheckpointMath math)
    {
        if (report.Archive != reference.Archive)
        {
            return $"archive {report.Archive}, not {reference.Archive}";
        }

        if (report.Mirror?.Stage != reference.Mirror?.Stage || report.Mirror?.Target != reference.Mirror?.Target)
        {
            return $"{Describe(report)}, not {Describe(reference)}";
        }

        if (report.CheckpointFrequency != reference.CheckpointFrequency || (report.Range is not null && report.Range != job))
        {
            return string.Create(CultureInfo.InvariantCulture, $"range {report.Range} every {report.CheckpointFrequency}, not {job} every {reference.CheckpointFrequency}");
        }

        if (report.TrustedHash != reference.TrustedHash)
        {
            return $"trusted hash {report.TrustedHash ?? "none"}, not {reference.TrustedHash ?? "none"}";
        }

        var expected = job is { } range ? new ArchiveShard(report.Index, report.Count).SliceOf(range.ToCheckpoints(math)) : null;
        if (report.Slice is { } slice && (expected is null || expected.Value.First != slice.First || expected.Value.Last != slice.Last))
        {
            return string.Create(CultureInfo.InvariantCulture, $"slice {slice.First}..{slice.Last}, not {expected?.ToString() ?? "none"}");
        }

        return null;
    }

    private static string Describe(ShardReport report) =>
        report.Mirror is { } mirror ? $"a mirror's {mirror.Stage} stage into {mirror.Target}" : "a verify";

    /// <summary>Each slice's first header must continue the last header of the slice below (the newer file names the break).</summary>
    private static List<ReportProblem> Links(IReadOnlyList<ShardReport?> reports, CheckpointMath math)
    {
        var problems = new List<ReportProblem>();
        for (var i = 0; i + 1 < reports.Count; i++)
        {
            if (reports[i] is { Slice: { } slice, First: { } first } && reports[i + 1] is { Slice: { } olderSlice, Last: { } last })
            {
                var newer = new LedgerFileLink(ArchivePaths.CheckpointFile(HistoryFileKind.Ledger, slice.First), first.Ledger, HashHex.Parse(first.PreviousLedgerHash), first.Ledger, []);
                var older = new LedgerFileLink(ArchivePaths.CheckpointFile(HistoryFileKind.Ledger, olderSlice.Last), math.FirstLedgerIn(olderSlice.Last), [], last.Ledger, HashHex.Parse(last.Hash));
                try
                {
                    newer.VerifyFollows(older);
                }
                catch (HistoryVerificationException e)
                {
                    problems.Add(Problems.From(e.Problem));
                }
            }
        }

        return problems;
    }

    /// <summary>
    /// The SCP presence rule across slices (docs/ARCHIVE-FORMAT.md §4.7): once the archive has an SCP file, every later
    /// checkpoint has one. A shard judges only the checkpoints after its own first SCP file; those before it that lack
    /// one are missing when a slice below has an SCP file — each reported as one run over the range would.
    /// </summary>
    private static IEnumerable<ReportProblem> ScpAcrossSlices(IEnumerable<ShardReport> reports, CheckpointMath math)
    {
        uint? firstWithScp = null;
        foreach (var report in reports.Where(r => r.Slice is not null).OrderBy(r => r.Slice!.Value.First))
        {
            if (firstWithScp is { } first)
            {
                foreach (var (from, to) in report.ScpAbsentBeforeFirst)
                {
                    foreach (var checkpoint in new CheckpointRange(from, to, math))
                    {
                        yield return Problems.From(ScpVerifier.MissingFileProblem(checkpoint, first));
                    }
                }
            }

            firstWithScp ??= report.FirstWithScp;
        }
    }

    private static bool IsRunProblem(ReportProblem problem, (uint First, uint Last) run) =>
        problem.Kind == ProblemKind.Missing.ToJsonName() && problem.Ledger == run.First && problem.Path == ArchivePaths.HistoryState(run.First);
}

/// <summary>What the shards of one job found together, as one run over the whole range would report it.</summary>
internal sealed record MergedShards(
    bool Ok,
    int Count,
    string? Archive,
    uint? FromLedger,
    uint? ToLedger,
    uint? StartsAt,
    long Checkpoints,
    long Files,
    IReadOnlyDictionary<string, long> FilesByKind,
    long Bytes,
    uint? TrustedUpTo,
    IReadOnlyList<ReportProblem> Problems);
