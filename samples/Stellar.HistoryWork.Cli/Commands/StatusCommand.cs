using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Stellar.HistoryWork.Cli.Archives;
using Stellar.HistoryWork.Cli.Reporting;

namespace Stellar.HistoryWork.Cli.Commands;

/// <summary><c>status --archive A</c>: a summary of the archive's root History Archive State.</summary>
internal static class StatusCommand
{
    public static Command Create(CliConsole console)
    {
        var archive = CommonOptions.SingleArchive();
        var passphrase = CommonOptions.NetworkPassphrase();
        var frequency = CommonOptions.CheckpointFrequency();
        var json = CommonOptions.Json();
        var network = CommonOptions.Network();
        var command = new Command("status", "Summarise an archive's root History Archive State (.well-known/stellar-history.json).")
        {
            archive, network, passphrase, frequency, json,
        };
        command.SetAction((parse, ct) => RunAsync(
            console.ForReport(parse.GetValue(json)),
            NetworkPreset.ChooseArchives(parse.GetValue(archive) is { } one ? [one] : null, parse.GetValue(network))[0],
            NetworkPreset.ChoosePassphrase(parse.GetValue(passphrase), parse.GetValue(network)),
            new CheckpointMath(parse.GetValue(frequency)),
            parse.GetValue(json),
            ct));
        return command;
    }

    private static async Task<int> RunAsync(CliConsole console, string location, string? passphrase, CheckpointMath math, FileInfo? json, CancellationToken cancellationToken)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var reader = new FileKindCounter(ArchiveLocations.Open([location]));
        var (state, problem) = await RootState.ReadAsync(reader, passphrase, cancellationToken);

        // A root state that claims an unpublished or impossible ledger is a problem of the archive, not a crash.
        if (state is not null && await new ArchiveStartFinder(reader, math).CheckRootClaimAsync(state, cancellationToken) is { } claim)
        {
            problem = Problems.From(claim);
        }

        if (state is not null)
        {
            await WriteSummaryAsync(console.Output, reader.Location, state, math);
        }

        if (problem is not null)
        {
            await console.Error.WriteLineAsync("error: " + problem);
        }

        // status reads the root HAS and verifies no ledger: the report covers no range and trusts nothing.
        await new RunReport
        {
            Verb = "status",
            Ok = problem is null,
            Archive = reader.Location,
            Files = state is null ? 0 : 1,
            FilesByKind = reader.CountByKind(),
            Duration = clock.Elapsed,
            Problems = problem is null ? [] : [problem],
            Extra = state is null ? null : w => WriteJson(w, state, math),
        }.WriteAsync(json, console, cancellationToken);
        return problem is null ? ExitCodes.Ok : ExitCodes.Problems;
    }

    private static async Task WriteSummaryAsync(TextWriter output, string archive, HistoryArchiveState state, CheckpointMath math)
    {
        var live = state.GetReferencedLiveBuckets();
        var lines = new List<(string, string)>
        {
            ("archive", archive),
            ("server", state.Server),
            ("current ledger", state.CurrentLedger.ToString(CultureInfo.InvariantCulture)),
            ("checkpoint", DescribeCheckpoint(state.CurrentLedger, math)),
            ("network passphrase", state.NetworkPassphrase ?? "(none in this HAS)"),
            ("HAS version", state.Version.ToString(CultureInfo.InvariantCulture)),
            ("live buckets", DescribeList(state.CurrentBuckets, live.Count)),
            ("hot archive", state.HotArchiveBuckets is { } hot
                ? DescribeList(hot, state.GetReferencedHotArchiveBuckets().Count)
                : state.Version >= HistoryArchiveState.VersionWithHotArchive
                    ? "none listed, although this is a version 2 HAS (a damaged or hand-edited file?)"
                    : "none (HAS version 1)"),
        };
        foreach (var (label, value) in lines)
        {
            await output.WriteLineAsync($"{label,-20}{value}");
        }

        await output.WriteLineAsync();
        await WriteLevelsAsync(output, "live bucket list", state.CurrentBuckets);
        if (state.HotArchiveBuckets is { } hotLevels)
        {
            await output.WriteLineAsync();
            await WriteLevelsAsync(output, "hot archive bucket list", hotLevels);
        }
    }

    private static async Task WriteLevelsAsync(TextWriter output, string title, IReadOnlyList<HistoryStateBucket> levels)
    {
        await output.WriteLineAsync($"{title}:");
        await output.WriteLineAsync("  level  curr      snap      next");
        for (var i = 0; i < levels.Count; i++)
        {
            var level = levels[i];
            await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"  {i,5}  {Short(level.Curr)}  {Short(level.Snap)}  {DescribeNext(level.Next)}"));
        }
    }

    private static string DescribeCheckpoint(uint ledger, CheckpointMath math) =>
        math.IsCheckpoint(ledger)
            ? string.Create(CultureInfo.InvariantCulture, $"{ledger}: checkpoint {((ulong)ledger + 1) / math.Frequency} at {math.Frequency} ledgers per checkpoint; next {(ledger == math.LastCheckpoint ? "none (2^32 ledgers)" : math.Next(ledger))}")
            : string.Create(CultureInfo.InvariantCulture, $"{ledger} is not a checkpoint at {math.Frequency} ledgers per checkpoint (check --checkpoint-frequency)");

    private static string DescribeList(IReadOnlyList<HistoryStateBucket> levels, int files)
    {
        var merges = levels.Count(l => l.Next.State != FutureBucketState.Clear);
        return string.Create(CultureInfo.InvariantCulture, $"{files} bucket files over {levels.Count} levels, {merges} pending merge{(merges == 1 ? "" : "s")}");
    }

    private static string DescribeNext(FutureBucket next) => next.State switch
    {
        FutureBucketState.Clear => "-",
        FutureBucketState.HashOutput => "merged: " + Short(next.Output!),
        FutureBucketState.HashInputs => $"merging {Short(next.InputCurr!)} + {Short(next.InputSnap!)} ({next.InputShadows.Count} shadows)",
        _ => next.State.ToString(),
    };

    /// <summary>The first 8 hex digits, or a dash for the empty bucket (it has no file).</summary>
    private static string Short(string hash) => HashHex.IsZero(hash) ? "-       " : hash[..8];

    private static void WriteJson(Utf8JsonWriter json, HistoryArchiveState state, CheckpointMath math)
    {
        json.WriteString("server", state.Server);
        json.WriteNumber("currentLedger", state.CurrentLedger);
        json.WriteBoolean("isCheckpoint", math.IsCheckpoint(state.CurrentLedger));
        json.WriteNumber("checkpointFrequency", math.Frequency);
        if (state.NetworkPassphrase is { } passphrase)
        {
            json.WriteString("networkPassphrase", passphrase);
        }
        else
        {
            json.WriteNull("networkPassphrase");
        }

        json.WriteNumber("hasVersion", state.Version);
        json.WriteNumber("liveBuckets", state.GetReferencedLiveBuckets().Count);
        if (state.HotArchiveBuckets is null)
        {
            json.WriteNull("hotArchiveBuckets");
        }
        else
        {
            json.WriteNumber("hotArchiveBuckets", state.GetReferencedHotArchiveBuckets().Count);
        }

        json.WriteNumber("pendingMerges", state.CurrentBuckets.Concat(state.HotArchiveBuckets ?? []).Count(l => l.Next.State != FutureBucketState.Clear));
    }
}
