using System.Globalization;
using Stellar.HistoryWork.Cli.Reporting;
using Stellar.HistoryWork.Verification;

namespace Stellar.HistoryWork.Cli.Archives;

/// <summary>
/// The one range resolution of the verbs that download (<c>catchup</c>, <c>mirror</c>): the archive's root state
/// read and sanity-checked, where the archive starts (<see cref="ArchiveStartFinder"/>), the range checked against
/// both, and the trusted hash checked against the range (<see cref="LedgerRange.TrustedHashOutsideMessage"/>, the
/// library's own rule) — all before anything is downloaded.
/// </summary>
internal static class HistoryRange
{
    /// <summary>
    /// The range of FROM..TO by <paramref name="rule"/>; TO defaults to the archive's newest ledger. No range when it
    /// cannot be worked on (reported; the exit code follows the problem's kind — 3 when the root state could not be
    /// reached, else 1): the root state is unreadable or claims what the archive does not hold, or the range begins
    /// before the archive's start.
    /// </summary>
    public static async Task<RangeResolution> ResolveAsync(
        string verb, CliConsole console, IArchiveReader archive, uint? from, uint? to, RangeRule rule, HistorySettings settings, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(console);
        ArgumentNullException.ThrowIfNull(archive);
        ArgumentNullException.ThrowIfNull(settings);
        if (to == 0 || from == 0)
        {
            throw new UsageException("ledgers start at 1.");
        }

        if (from > to)
        {
            throw new UsageException(string.Create(CultureInfo.InvariantCulture, $"--from {from} is after --to {to}."));
        }

        var (root, problem) = await RootState.ReadAsync(archive, settings.NetworkPassphrase, cancellationToken);
        var math = settings.Checkpoints;
        var finder = new ArchiveStartFinder(archive, math);
        if (root is not null && await finder.CheckRootClaimAsync(root, cancellationToken) is { } claim)
        {
            problem = Problems.From(claim);
        }

        if (root is null || problem is not null)
        {
            return await FailAsync(verb, console, archive, settings, problem!, null, cancellationToken);
        }

        var last = to ?? root.CurrentLedger;
        if (math.CheckpointContaining(last) > root.CurrentLedger)
        {
            throw new UsageException(string.Create(
                CultureInfo.InvariantCulture,
                $"--to {last} needs checkpoint {math.CheckpointContaining(last)}, but {archive.Location} has published up to checkpoint {root.CurrentLedger}."));
        }

        uint startsAt;
        try
        {
            startsAt = await finder.FindFirstCheckpointAsync(math.CheckpointContaining(last), cancellationToken);
        }
        catch (ArchiveException e)
        {
            return await FailAsync(verb, console, archive, settings, Problems.From(VerificationProblem.FromException(e, e.Path)[0]), null, cancellationToken);
        }

        var first = from ?? math.FirstLedgerIn(startsAt);
        if (first > last)
        {
            throw new UsageException(string.Create(CultureInfo.InvariantCulture, $"--from {first} is after the archive's newest ledger {last}."));
        }

        CatchupRange? catchup = null;
        if (rule == RangeRule.Catchup)
        {
            if (last <= 1)
            {
                throw new UsageException("--to: a catchup ends after the genesis ledger 1.");
            }

            catchup = CatchupRange.For(last, from, math);
        }

        var ledgers = catchup?.Ledgers ?? new LedgerRange(first, last);
        var checkpoints = catchup?.Checkpoints ?? ledgers.ToCheckpoints(math);
        if (ledgers.TrustedHashOutsideMessage(settings.TrustedHash) is { } outside)
        {
            throw new UsageException("--trusted-hash: " + outside + ".");
        }

        if (checkpoints.First < startsAt)
        {
            var before = ArchiveStartFinder.BeforeStartProblem(Math.Max(ledgers.First, checkpoints.FirstLedger), startsAt, math);
            return await FailAsync(verb, console, archive, settings, Problems.From(before), startsAt, cancellationToken);
        }

        return new RangeResolution(new ResolvedRange(ledgers, checkpoints, startsAt, catchup), ExitCodes.Ok);
    }

    /// <summary>The line every verb prints about where the archive starts.</summary>
    public static string DescribeStart(uint startsAt, CheckpointMath math) =>
        string.Create(CultureInfo.InvariantCulture, $"archive starts at checkpoint {startsAt} (ledger {math.FirstLedgerIn(startsAt)}; found by searching its HAS files)");

    private static async Task<RangeResolution> FailAsync(
        string verb, CliConsole console, IArchiveReader archive, HistorySettings settings, ReportProblem problem, uint? startsAt, CancellationToken cancellationToken)
    {
        if (startsAt is { } start)
        {
            await console.Error.WriteLineAsync($"{"starts",-10}{DescribeStart(start, settings.Checkpoints)}");
        }

        await console.Error.WriteLineAsync("error: " + problem);
        await new RunReport { Verb = verb, Ok = false, Archive = archive.Location, StartsAt = startsAt, Problems = [problem] }.WriteAsync(settings.Json, console, cancellationToken);
        return new RangeResolution(null, ExitCodes.ForFailure([problem.Kind]));
    }
}

/// <summary>How a verb turns FROM..TO into a range.</summary>
internal enum RangeRule
{
    /// <summary><c>mirror</c>: FROM..TO, FROM defaulting to where the archive starts.</summary>
    FromStart,

    /// <summary><c>catchup</c>: the reference node's minimal catchup to TO, widened to replay from FROM (<see cref="CatchupRange"/>).</summary>
    Catchup,
}

/// <summary>
/// What a verb works on: the ledgers it establishes, the checkpoints whose files it reads, where the archive starts,
/// and for <c>catchup</c> which checkpoint's buckets it applies.
/// </summary>
internal sealed record ResolvedRange(LedgerRange Ledgers, CheckpointRange Checkpoints, uint StartsAt, CatchupRange? Catchup);

/// <summary>What <see cref="HistoryRange.ResolveAsync"/> found: the range, or none and the exit code of the problem already reported.</summary>
internal sealed record RangeResolution(ResolvedRange? Range, int ExitCode);
