using System.Diagnostics;
using Stellar.HistoryWork.Cli.Archives;
using Stellar.HistoryWork.Cli.Progress;
using Stellar.HistoryWork.Cli.Reporting;
using Stellar.HistoryWork.Scheduling;

namespace Stellar.HistoryWork.Cli.Catchup;

/// <summary>
/// One verified download of a checkpoint range into a directory, shared by <c>catchup</c> and the demo:
/// the library's <see cref="HistoryWorkBuilder"/> on a <see cref="WorkScheduler"/>, with progress shown.
/// </summary>
internal static class CatchupRun
{
    public static Task<CatchupOutcome> RunAsync(
        IArchiveReader archive, CheckpointRange range, HistoryWorkOptions options, int concurrency, CliConsole console, bool quiet, CancellationToken cancellationToken) =>
        RunAsync(archive, null, range, (reader, state) => new HistoryWorkBuilder(reader, range, state, options), options, concurrency, console, quiet, cancellationToken);

    /// <summary>
    /// The reference node's minimal catchup (<see cref="CatchupRange"/>). <paramref name="counter"/>: the counter inside
    /// <paramref name="archive"/>'s pool (<see cref="ArchiveLocations.OpenCounted"/>), or null to count around the archive.
    /// </summary>
    public static Task<CatchupOutcome> RunAsync(
        IArchiveReader archive, CatchupRange catchup, HistoryWorkOptions options, int concurrency, CliConsole console, bool quiet, CancellationToken cancellationToken, FileKindCounter? counter = null) =>
        RunAsync(archive, counter, catchup.Checkpoints, (reader, state) => new HistoryWorkBuilder(reader, catchup, state, options), options, concurrency, console, quiet, cancellationToken);

    private static async Task<CatchupOutcome> RunAsync(
        IArchiveReader archive,
        FileKindCounter? counted,
        CheckpointRange range,
        Func<IArchiveReader, SharedHistoryState, HistoryWorkBuilder> createBuilder,
        HistoryWorkOptions options,
        int concurrency,
        CliConsole console,
        bool quiet,
        CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var counter = counted ?? new FileKindCounter(archive);
        using var state = new SharedHistoryState();
        var builder = createBuilder(counted is null ? counter : archive, state);
        console.KeptOnCancel = $"every file that verified is kept under {builder.WorkDirectory}; run again to resume.";
        await using var scheduler = new WorkScheduler(new WorkSchedulerOptions
        {
            MaxConcurrency = concurrency,
            DefaultMaxRetries = options.DownloadRetries,
        });
        builder.Register(scheduler);
        var result = await ProgressDisplay.RunAsync(
            console,
            quiet,
            async ct => ProgressSnapshot.From(await state.GetProgressAsync(ct)),
            scheduler.RunToCompletionAsync(cancellationToken),
            archive as ArchivePool,
            cancellationToken);
        cancellationToken.ThrowIfCancellationRequested();
        var elapsed = clock.Elapsed;
        var progress = await state.GetProgressAsync(cancellationToken);
        // Archive reads the pool retried, and works the scheduler ran again.
        var retries = ((archive as ArchivePool)?.Retries ?? 0) + result.Works.Sum(w => Math.Max(0L, w.Attempts - 1L));
        if (!result.Succeeded)
        {
            var problems = result.Works
                .Where(w => w.State == WorkState.Failed)
                .SelectMany(Problems.From)
                .ToArray();
            return new CatchupOutcome(range, builder.WorkDirectory, null, problems, progress, elapsed, counter.CountByKind(), retries);
        }

        // The summary shows counts only: decoding every file back (BuildCheckpointDataAsync) is not needed.
        var summary = await state.GetSummaryAsync(cancellationToken);
        return new CatchupOutcome(range, builder.WorkDirectory, summary, [], progress, elapsed, counter.CountByKind(), retries);
    }
}

/// <summary>What a catchup did: the counts of what verified when it succeeded, the problems when it did not.</summary>
internal sealed record CatchupOutcome(
    CheckpointRange Range,
    string Directory,
    HistoryWorkSummary? Summary,
    IReadOnlyList<ReportProblem> Problems,
    HistoryWorkProgress Progress,
    TimeSpan Elapsed,
    IReadOnlyDictionary<string, long> FilesByKind,
    long Retries)
{
    public bool Succeeded => Summary is not null && Problems.Count == 0;

    /// <summary>Where the archive starts, when the range resolution searched for it.</summary>
    public uint? StartsAt { get; init; }

    /// <summary>The reference node's catchup plan this run followed; null for a plain checkpoint range (the demo).</summary>
    public CatchupRange? Plan { get; init; }

    /// <summary>The ledgers asked for (the checkpoints may hold more); default: all the range holds.</summary>
    public LedgerRange Ledgers { get; init; } = LedgerRange.Of(Range);

    /// <summary>The highest ledger asked for that a trusted hash anchors; null when none is.</summary>
    public uint? TrustedUpTo =>
        Summary?.TrustedUpTo is { } upTo && upTo >= Ledgers.First ? Math.Min(upTo, Ledgers.Last) : null;

    /// <summary>Checkpoint files plus bucket files verified.</summary>
    public long FileCount => Summary is null ? 0 : Summary.CheckpointFiles + Summary.LiveBuckets + Summary.HotArchiveBuckets;

    public RunReport ToReport(string archive) => new()
    {
        Verb = "catchup",
        Ok = Succeeded,
        Archive = archive,
        TrustedUpTo = TrustedUpTo,
        FromLedger = Ledgers.First,
        ToLedger = Ledgers.Last,
        StartsAt = StartsAt,
        Checkpoints = Succeeded ? Range.Count : 0,
        Files = FileCount,
        FilesByKind = FilesByKind,
        Bytes = Progress.Bytes,
        Retries = Retries,
        Duration = Elapsed,
        Problems = Problems,
    };
}
