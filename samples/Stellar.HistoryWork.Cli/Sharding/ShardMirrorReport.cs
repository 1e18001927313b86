using System.Globalization;
using System.Security.Cryptography;
using Stellar.HistoryWork.Cli.Reporting;
using Stellar.HistoryWork.Publish;

namespace Stellar.HistoryWork.Cli.Sharding;

/// <summary>
/// The shard report of one stage of a sharded mirror (<c>mirror --shard-count N --stage S --report-dir LOC</c>): the
/// same <c>shard-I-of-N.json</c> a sharded verify writes, with the stage, the target and, after the checkpoints stage,
/// the hash of the newest HAS as the target holds it, which <c>merge-reports --to-archive</c> checks before it points
/// <c>.well-known</c> at it.
/// </summary>
internal static class ShardMirrorReport
{
    /// <summary>Prints the shard's line and, with a report location, writes its report there (one put: never half a report).</summary>
    public static async Task WriteAsync(
        CliConsole console,
        ArchiveShard shard,
        ArchiveMirrorStage stage,
        string archive,
        IArchiveWriter target,
        IArchiveWriter? reportDir,
        ArchiveMirrorResult result,
        IReadOnlyList<ReportProblem> problems,
        HistorySettings settings,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(console);
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(result);
        ArgumentNullException.ThrowIfNull(settings);
        var stageName = StageName(stage);
        string? lastState = null;
        if (stage == ArchiveMirrorStage.Checkpoints && result.Succeeded && result.Shard?.Slice is { } slice && target.Reader is { } reader)
        {
            lastState = await HashAsync(reader, ArchivePaths.HistoryState(slice.Last), cancellationToken);
        }

        var report = ShardReport.FromMirror(shard, archive, new MirrorShard(stageName, target.ToString()!, lastState), result, problems, settings.TrustedHash, settings.Checkpoints);
        var what = report.Slice is { } s
            ? string.Create(CultureInfo.InvariantCulture, $"{shard.Index} of {shard.Count}, stage {stageName}: checkpoints {s.First}..{s.Last}{(stage == ArchiveMirrorStage.Buckets ? $", {report.BucketsLeftBelow} buckets left to the shard below" : string.Empty)}")
            : string.Create(CultureInfo.InvariantCulture, $"{shard.Index} of {shard.Count}, stage {stageName}: no checkpoints (the range has fewer than {shard.Count})");
        await console.Output.WriteLineAsync($"{"shard",-13}{what}");
        if (reportDir is not null)
        {
            await reportDir.PutBytesAsync(ShardReport.FileName(shard.Index, shard.Count), report.ToJson(), cancellationToken);
        }
    }

    /// <summary>The stage as <c>--stage</c> and the report spell it.</summary>
    public static string StageName(ArchiveMirrorStage stage) => stage == ArchiveMirrorStage.Buckets ? "buckets" : "checkpoints";

    /// <summary>The SHA-256 (lowercase hex) of a file as <paramref name="archive"/> serves it; null when it is not there.</summary>
    public static async Task<string?> HashAsync(IArchiveReader archive, string path, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(archive);
        try
        {
            var stream = await archive.OpenReadAsync(path, cancellationToken);
            await using (stream)
            {
                return HashHex.ToHex(await SHA256.HashDataAsync(stream, cancellationToken));
            }
        }
        catch (ArchiveFileNotFoundException)
        {
            return null;
        }
    }
}
