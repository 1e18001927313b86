using System.Globalization;
using System.Text;

namespace Stellar.HistoryWork;

/// <summary>Progress of one stage: how many of its items are done and how many bytes it moved.</summary>
/// <param name="Stage">The stage.</param>
/// <param name="Done">Items finished (files, buckets).</param>
/// <param name="Total">Items known so far; 0 while the stage has not sized its work.</param>
/// <param name="Bytes">Bytes fetched or written by the stage.</param>
/// <param name="Status">Whether the stage waits, runs, finished or failed.</param>
public sealed record StageProgress(HistoryWorkStage Stage, long Done, long Total, long Bytes, StageStatus Status)
{
    /// <summary>Percent done, 0 to 100 (100 for a finished stage with nothing to do).</summary>
    public int Percent => Total == 0 ? (Status == StageStatus.Succeeded ? 100 : 0) : (int)(Done * 100 / Total);

    /// <summary>The reference node's form: <c>{task} {done}/{total} ({pct}%)</c>.</summary>
    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"{StageNames.Describe(Stage)} {Done}/{Total} ({Percent}%)");
}

/// <summary>Where a stage is.</summary>
public enum StageStatus
{
    /// <summary>Registered, not started.</summary>
    Pending,

    /// <summary>Running.</summary>
    Running,

    /// <summary>Finished successfully.</summary>
    Succeeded,

    /// <summary>Failed; see <see cref="HistoryWorkProgress.Message"/>.</summary>
    Failed,
}

/// <summary>
/// The one progress shape of the library, for a download, a verification, a mirror or a trusted-hashes run: the
/// least advanced stage still running (stages run in parallel, so a single "current" stage would be misleading), a
/// message covering every active stage, per-stage counters and the run's totals. Every producer hands it out on
/// demand (<see cref="SharedHistoryState.GetProgressAsync"/>, <c>ArchiveMirror.GetProgressAsync</c>,
/// <c>ArchiveVerifier.Progress</c>, <c>WriteVerifiedCheckpointHashesWork.Progress</c>) and raises it as it changes
/// through the <see cref="IProgress{T}"/> it is given (<see cref="SharedHistoryState(TimeProvider, IProgress{HistoryWorkProgress})"/>,
/// <c>ArchiveVerifierOptions.Progress</c>, <c>ArchiveMirrorOptions.Progress</c>, <c>WriteVerifiedCheckpointHashesOptions.Progress</c>).
/// </summary>
public sealed class HistoryWorkProgress
{
    private readonly string? _failure;
    private string? _message;

    /// <summary>
    /// A snapshot of <paramref name="stages"/>; <see cref="Stage"/> follows from them: <see cref="HistoryWorkStage.Failed"/>
    /// when one failed (or <paramref name="failure"/> is given), NotStarted, Completed, or the first unfinished one.
    /// </summary>
    /// <param name="stages">Every stage of the run with its counters, in data-flow order.</param>
    /// <param name="elapsed">Time since the run started.</param>
    /// <param name="failure">Why the run failed ("stage: reason"); null while it has not.</param>
    public HistoryWorkProgress(IReadOnlyList<StageProgress> stages, TimeSpan elapsed, string? failure = null)
    {
        ArgumentNullException.ThrowIfNull(stages);
        Stages = stages;
        Elapsed = elapsed;
        _failure = failure;
        Stage = CurrentStage(stages, failure);
        Bytes = stages.Sum(s => s.Bytes);
    }

    /// <summary>The earliest stage (in data-flow order) that has not finished; Completed or Failed at the end.</summary>
    public HistoryWorkStage Stage { get; }

    /// <summary>A one-line description, e.g. <c>buckets 3/10 (30%); ledger headers 5/5 (100%); 1.2 MB/s</c>.</summary>
    public string Message => _message ??= BuildMessage(Stage, Stages, _failure, BytesPerSecond);

    /// <summary>Every stage of the run with its counters.</summary>
    public IReadOnlyList<StageProgress> Stages { get; }

    /// <summary>Bytes fetched (or, by a mirror's publishing stage, written) so far: by default the stages' sum.</summary>
    public long Bytes { get; init; }

    /// <summary>Time since the run started.</summary>
    public TimeSpan Elapsed { get; }

    /// <summary>Average rate of <see cref="Bytes"/> since the run started.</summary>
    public double BytesPerSecond => Elapsed > TimeSpan.Zero ? Bytes / Elapsed.TotalSeconds : 0;

    /// <summary>Files read and checked (a verification) or written (a mirror); 0 where only the stages count them.</summary>
    public long Files { get; init; }

    /// <summary>
    /// Files not fetched or written because a good copy was already there: a mirror's target held them intact, or a
    /// trusted checkpoint hashes file being extended held the entries.
    /// </summary>
    public long FilesSkipped { get; init; }

    /// <summary>Problems a verification has found so far (0 for the other runs, which stop at a problem).</summary>
    public int Problems { get; init; }

    /// <summary>The checkpoints a mirror is downloading and publishing now; null between batches and for the other runs.</summary>
    public CheckpointRange? Batch { get; init; }

    /// <summary>The counters of <paramref name="stage"/>, or null when this run has no such stage.</summary>
    public StageProgress? Of(HistoryWorkStage stage) => Stages.FirstOrDefault(s => s.Stage == stage);

    /// <inheritdoc />
    public override string ToString() => Message;

    private static HistoryWorkStage CurrentStage(IReadOnlyList<StageProgress> stages, string? failure)
    {
        if (failure is not null || stages.Any(s => s.Status == StageStatus.Failed))
        {
            return HistoryWorkStage.Failed;
        }

        if (stages.Count == 0 || stages.All(s => s.Status == StageStatus.Pending))
        {
            return HistoryWorkStage.NotStarted;
        }

        return stages.All(s => s.Status == StageStatus.Succeeded) ? HistoryWorkStage.Completed : stages.First(s => s.Status != StageStatus.Succeeded).Stage;
    }

    private static string BuildMessage(HistoryWorkStage stage, IReadOnlyList<StageProgress> stages, string? failure, double rate)
    {
        if (stage == HistoryWorkStage.NotStarted)
        {
            return "not started";
        }

        if (stage == HistoryWorkStage.Failed)
        {
            return "failed: " + (failure ?? "unknown reason");
        }

        var text = new StringBuilder();
        foreach (var s in stages)
        {
            if (s.Status is StageStatus.Running || (stage == HistoryWorkStage.Completed && s.Status == StageStatus.Succeeded))
            {
                text.Append(text.Length == 0 ? string.Empty : "; ").Append(s);
            }
        }

        if (text.Length == 0)
        {
            text.Append(StageNames.Describe(stage));
        }

        text.Append("; ").Append(ByteFormat.Rate(rate));
        return text.ToString();
    }
}

/// <summary>Human names of the stages, used by progress messages and logs.</summary>
internal static class StageNames
{
    public static string Describe(HistoryWorkStage stage) => stage switch
    {
        HistoryWorkStage.HistoryArchiveState => "history archive state",
        HistoryWorkStage.LedgerHeaders => "ledger headers",
        HistoryWorkStage.Buckets => "buckets",
        HistoryWorkStage.Transactions => "transactions",
        HistoryWorkStage.Results => "results",
        HistoryWorkStage.ScpHistory => "scp history",
        HistoryWorkStage.Checkpoints => "checkpoints",
        HistoryWorkStage.Publishing => "publishing",
        HistoryWorkStage.Completed => "completed",
        HistoryWorkStage.Failed => "failed",
        _ => "not started",
    };
}

/// <summary>Bytes and rates for people: 1.5 MB, 12.3 MB/s (decimal units).</summary>
public static class ByteFormat
{
    private static readonly string[] Units = ["B", "kB", "MB", "GB", "TB"];

    /// <summary>Formats a byte count, e.g. <c>27.1 MB</c>.</summary>
    public static string Size(double bytes)
    {
        var unit = 0;
        while (bytes >= 1000 && unit < Units.Length - 1)
        {
            bytes /= 1000;
            unit++;
        }

        return unit == 0
            ? string.Create(CultureInfo.InvariantCulture, $"{bytes:0} {Units[unit]}")
            : string.Create(CultureInfo.InvariantCulture, $"{bytes:0.0} {Units[unit]}");
    }

    /// <summary>Formats a rate, e.g. <c>12.3 MB/s</c>.</summary>
    public static string Rate(double bytesPerSecond) => Size(bytesPerSecond) + "/s";
}
