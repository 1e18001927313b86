using System.Diagnostics;
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
    public static async Task<CatchupOutcome> RunAsync(
        IArchiveReader archive,
        CheckpointRange range,
        HistoryWorkOptions options,
        int concurrency,
        CliConsole console,
        bool quiet,
        CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        using var state = new SharedHistoryState();
        var builder = new HistoryWorkBuilder(archive, range, state, options);
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
            cancellationToken);
        cancellationToken.ThrowIfCancellationRequested();
        var elapsed = clock.Elapsed;
        var progress = await state.GetProgressAsync(cancellationToken);
        if (!result.Succeeded)
        {
            var problems = result.Works
                .Where(w => w.State == WorkState.Failed)
                .SelectMany(Problems.From)
                .ToArray();
            return new CatchupOutcome(range, builder.WorkDirectory, null, problems, progress, elapsed);
        }

        var data = await state.BuildCheckpointDataAsync(cancellationToken);
        return new CatchupOutcome(range, builder.WorkDirectory, data, [], progress, elapsed);
    }
}

/// <summary>What a catchup did: the verified data when it succeeded, the problems when it did not.</summary>
internal sealed record CatchupOutcome(
    CheckpointRange Range,
    string Directory,
    CheckpointData? Data,
    IReadOnlyList<ReportProblem> Problems,
    HistoryWorkProgress Progress,
    TimeSpan Elapsed)
{
    // Elapsed covers download and verification; reading the verified data back for the summary is not counted.

    public bool Succeeded => Data is not null && Problems.Count == 0;

    /// <summary>Checkpoint files plus bucket files verified.</summary>
    public long FileCount => Data is null ? 0 : Data.Files.Count + Data.LiveBuckets.Count + Data.HotArchiveBuckets.Count;

    public RunReport ToReport() => new()
    {
        Ok = Succeeded,
        Checkpoints = Succeeded ? Range.Count : 0,
        Files = FileCount,
        Bytes = Progress.Bytes,
        Problems = Problems,
    };
}
