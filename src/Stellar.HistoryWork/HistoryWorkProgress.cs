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
/// A snapshot of a download: the least advanced stage still running (stages run in parallel, so a single
/// "current" stage would be misleading), a message covering every active stage, and per-stage counters.
/// </summary>
public sealed class HistoryWorkProgress
{
    internal HistoryWorkProgress(HistoryWorkStage stage, IReadOnlyList<StageProgress> stages, TimeSpan elapsed, string? failure)
    {
        Stage = stage;
        Stages = stages;
        Elapsed = elapsed;
        Bytes = stages.Sum(s => s.Bytes);
        BytesPerSecond = elapsed > TimeSpan.Zero ? Bytes / elapsed.TotalSeconds : 0;
        Message = BuildMessage(stage, stages, failure, BytesPerSecond);
    }

    /// <summary>The earliest stage (in data-flow order) that has not finished; Completed or Failed at the end.</summary>
    public HistoryWorkStage Stage { get; }

    /// <summary>A one-line description, e.g. <c>buckets 3/10 (30%); ledger headers 5/5 (100%); 1.2 MB/s</c>.</summary>
    public string Message { get; }

    /// <summary>Every registered stage with its counters.</summary>
    public IReadOnlyList<StageProgress> Stages { get; }

    /// <summary>Total bytes fetched so far.</summary>
    public long Bytes { get; }

    /// <summary>Time since the first stage started.</summary>
    public TimeSpan Elapsed { get; }

    /// <summary>Average rate since the first stage started.</summary>
    public double BytesPerSecond { get; }

    /// <inheritdoc />
    public override string ToString() => Message;

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
