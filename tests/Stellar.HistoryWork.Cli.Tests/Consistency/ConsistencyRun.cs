using System.Text.Json;
using Stellar.HistoryWork.Cli.Tests.Support;
using Stellar.HistoryWork.Scheduling;
using Stellar.HistoryWork.Verification;

namespace Stellar.HistoryWork.Cli.Tests.Consistency;

/// <summary>
/// What one entry point said about one input, reduced to what the matrix compares: the exit code (for the library:
/// 0 succeeded, 1 failed, 2 rejected at construction, 3 failed only because the archive could not be reached), the problem kinds and the files they name, and the highest
/// ledger a trusted hash anchors.
/// </summary>
internal sealed record Outcome(int Exit, string[] Kinds, string[] Paths, uint? TrustedUpTo)
{
    public static Outcome Ok(uint? trustedUpTo = null) => new(0, [], [], trustedUpTo);

    public static Outcome Problems(string kind, params string[] paths) => new(1, [kind], paths.Order(StringComparer.Ordinal).ToArray(), null);

    public static Outcome Problems(string[] kinds, params string[] paths) =>
        new(1, kinds.Order(StringComparer.Ordinal).ToArray(), paths.Order(StringComparer.Ordinal).ToArray(), null);

    public static Outcome Rejected { get; } = new(2, [], [], null);

    /// <summary>The run could not finish: every problem is <c>unreachable</c> (exit 3; for the library, a failed run).</summary>
    public static Outcome Unreachable(params string[] paths) => new(3, ["unreachable"], paths.Order(StringComparer.Ordinal).ToArray(), null);

    public override string ToString() =>
        $"exit {Exit}, kinds [{string.Join(", ", Kinds)}], paths [{string.Join(", ", Paths)}], trustedUpTo {TrustedUpTo?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "null"}";
}

/// <summary>Runs the entry points the way a user does: the command's real entry point, and the library's builder.</summary>
internal static class ConsistencyRun
{
    /// <summary>Runs <c>stellar-history ARGS --json REPORT --quiet</c> and reads the report back (none on a usage error).</summary>
    public static async Task<(Outcome Outcome, CliRun Run)> CommandAsync(TempDirectory temp, string name, params string[] args)
    {
        var report = temp.Combine(name + ".json");
        var run = await CliRun.RunAsync([.. args, "--json", report, "--quiet"]);
        if (!File.Exists(report))
        {
            return (new Outcome(run.ExitCode, [], [], null), run);
        }

        using var json = JsonDocument.Parse(File.ReadAllText(report));
        var problems = json.RootElement.GetProperty("problems").EnumerateArray().ToArray();
        var trustedUpTo = json.RootElement.TryGetProperty("trustedUpTo", out var upTo) && upTo.ValueKind == JsonValueKind.Number ? upTo.GetUInt32() : (uint?)null;
        return (new Outcome(
            run.ExitCode,
            problems.Select(p => p.GetProperty("kind").GetString()!).Distinct().Order(StringComparer.Ordinal).ToArray(),
            problems.Select(p => p.GetProperty("path").GetString()!).Distinct().Order(StringComparer.Ordinal).ToArray(),
            trustedUpTo), run);
    }

    /// <summary>Downloads <paramref name="range"/> with the library's builder, no retries, and reduces what it says.</summary>
    public static async Task<Outcome> LibraryAsync(string archive, CheckpointRange range, TrustedLedgerHash? trustedHash, TempDirectory temp)
    {
        using var state = new SharedHistoryState();
        var options = new HistoryWorkOptions { WorkDirectory = temp.Combine("library-work"), TrustedHash = trustedHash, DownloadRetries = 0 };
        HistoryWorkBuilder builder;
        try
        {
            builder = new HistoryWorkBuilder(ArchiveReader.FromLocation(archive), range, state, options);
        }
        catch (ArgumentException)
        {
            return Outcome.Rejected;
        }

        await using var scheduler = new WorkScheduler(new WorkSchedulerOptions { DefaultMaxRetries = 0 });
        builder.Register(scheduler);
        var result = await scheduler.RunToCompletionAsync();
        if (result.Succeeded)
        {
            return Outcome.Ok((await state.GetSummaryAsync()).TrustedUpTo);
        }

        var problems = result.Works.Where(w => w.State == WorkState.Failed).SelectMany(w => Flatten(w.Error)).ToArray();
        var kinds = problems.Select(p => p.Kind).Distinct().Order(StringComparer.Ordinal).ToArray();
        return new Outcome(
            kinds is ["unreachable"] ? 3 : 1,
            kinds,
            problems.Select(p => p.Path).Distinct().Order(StringComparer.Ordinal).ToArray(),
            null);
    }

    /// <summary>The library's typed exceptions, as kind and file (the library's own names for them).</summary>
    private static IEnumerable<(string Kind, string Path)> Flatten(Exception? error) => error switch
    {
        AggregateException several => several.InnerExceptions.SelectMany(Flatten),
        HistoryVerificationException e => [(e.Problem.Kind.ToJsonName(), e.Problem.Path)],
        ArchiveFileNotFoundException e => [(ProblemKind.Missing.ToJsonName(), e.Path)],
        HistoryArchiveStateException e => [(ProblemKind.Corrupt.ToJsonName(), e.FileName)],
        ArchiveTransientException e => [(ProblemKind.Unreachable.ToJsonName(), e.Path)],
        ArchiveException e => [("unreadable", e.Path)],
        null => [],
        _ => [("unexpected:" + error.GetType().Name, error.Message)],
    };
}
