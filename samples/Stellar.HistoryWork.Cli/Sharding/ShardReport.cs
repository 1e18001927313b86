using System.Globalization;
using System.Text.Json;
using Stellar.HistoryWork.Cli.Reporting;
using Stellar.HistoryWork.Publish;
using Stellar.HistoryWork.Verification;

namespace Stellar.HistoryWork.Cli.Sharding;

/// <summary>
/// The report one shard writes (<c>shard-I-of-N.json</c>, docs/shard-report.schema.json) and <c>merge-reports</c>
/// reads: the job's range and this shard's slice, ok, counts, problems, trust, and the boundary record that links
/// the slice to its neighbours by hash. Nothing in it depends on when or how fast the shard ran, so a rerun of the
/// same shard over the same archive writes the same bytes.
/// </summary>
internal sealed record ShardReport
{
    /// <summary>The <c>version</c> of the shard report format.</summary>
    public const int FormatVersion = 1;

    public required int Index { get; init; }

    public required int Count { get; init; }

    public string? Archive { get; init; }

    /// <summary>What a sharded mirror adds (stage, target, the newest HAS's hash there); null for a sharded verify.</summary>
    public MirrorShard? Mirror { get; init; }

    public bool Ok { get; init; }

    /// <summary>The job's range (the same for every shard); null when the shard could not resolve it.</summary>
    public LedgerRange? Range { get; init; }

    public uint CheckpointFrequency { get; init; } = CheckpointMath.DefaultFrequency;

    /// <summary>This shard's checkpoints; null when it has none or could not resolve the range.</summary>
    public (uint First, uint Last)? Slice { get; init; }

    public uint? StartsAt { get; init; }

    public long Checkpoints { get; init; }

    public long Files { get; init; }

    public IReadOnlyDictionary<string, long> FilesByKind { get; init; } = new Dictionary<string, long>();

    public long Bytes { get; init; }

    public int BucketsLeftBelow { get; init; }

    public IReadOnlyList<ReportProblem> Problems { get; init; } = [];

    /// <summary>Runs of checkpoints that lack every file (each also one problem), joined across slices by the merge.</summary>
    public IReadOnlyList<(uint First, uint Last)> AbsentRuns { get; init; } = [];

    /// <summary>The slice's first checkpoint with an SCP file; null when none has one.</summary>
    public uint? FirstWithScp { get; init; }

    /// <summary>Runs of checkpoints before <see cref="FirstWithScp"/> with no SCP file, which the merge judges (<see cref="ShardVerification.ScpAbsentBeforeFirst"/>).</summary>
    public IReadOnlyList<(uint First, uint Last)> ScpAbsentBeforeFirst { get; init; } = [];

    /// <summary>The job's trusted hash as LEDGER:HEX, whether or not this slice holds it.</summary>
    public string? TrustedHash { get; init; }

    public uint? TrustedUpTo { get; init; }

    /// <summary>The slice's first ledger and its <c>previousLedgerHash</c>; null when its first header file did not verify.</summary>
    public (uint Ledger, string PreviousLedgerHash)? First { get; init; }

    /// <summary>The slice's last ledger and its hash; null when its last header file did not verify.</summary>
    public (uint Ledger, string Hash)? Last { get; init; }

    /// <summary>The report's name for shard <paramref name="index"/> of <paramref name="count"/>.</summary>
    public static string FileName(int index, int count) => string.Create(CultureInfo.InvariantCulture, $"shard-{index}-of-{count}.json");

    /// <summary>The report of a shard's verification.</summary>
    public static ShardReport From(ArchiveShard shard, string archive, VerificationReport report, IReadOnlyList<ReportProblem> problems, IReadOnlyDictionary<string, long> filesByKind, TrustedLedgerHash? trusted, CheckpointMath math)
    {
        ArgumentNullException.ThrowIfNull(report);
        ArgumentNullException.ThrowIfNull(math);
        return Of(shard, archive, report.Shard, trusted, math) with
        {
            Ok = report.Ok,
            StartsAt = report.StartsAt,
            Checkpoints = report.Checkpoints,
            Files = report.Files,
            FilesByKind = filesByKind,
            Bytes = report.Bytes,
            Problems = problems,
            AbsentRuns = [.. report.AbsentRuns.Select(r => (r.First, r.Last))],
            FirstWithScp = report.Shard?.FirstCheckpointWithScp,
            ScpAbsentBeforeFirst = [.. (report.Shard?.ScpAbsentBeforeFirst ?? []).Select(r => (r.First, r.Last))],
            TrustedUpTo = report.TrustedUpTo,
        };
    }

    /// <summary>
    /// The report of a sharded mirror's stage. Its counts are what is at the target for the slice (written or found
    /// intact), so a rerun writes the same report; files are not counted by kind (the source is not read again on a rerun).
    /// </summary>
    public static ShardReport FromMirror(ArchiveShard shard, string archive, MirrorShard mirror, ArchiveMirrorResult result, IReadOnlyList<ReportProblem> problems, TrustedLedgerHash? trusted, CheckpointMath math)
    {
        ArgumentNullException.ThrowIfNull(result);
        ArgumentNullException.ThrowIfNull(math);
        return Of(shard, archive, result.Shard, trusted, math) with
        {
            Mirror = mirror,
            Ok = result.Succeeded,
            StartsAt = result.StartsAt,
            Checkpoints = result.CheckpointsMirrored,
            Files = result.FilesWritten + result.FilesSkipped,
            Bytes = result.BytesPublished,
            Problems = problems,
            TrustedUpTo = result.TrustedUpTo,
        };
    }

    /// <summary>What every shard report says of its shard, verify's or a mirror stage's: the slice and its boundary record.</summary>
    private static ShardReport Of(ArchiveShard shard, string archive, ShardVerification? part, TrustedLedgerHash? trusted, CheckpointMath math) => new()
    {
        Index = shard.Index,
        Count = shard.Count,
        Archive = archive,
        Range = part?.JobLedgers,
        CheckpointFrequency = math.Frequency,
        Slice = part?.Slice is { } slice ? (slice.First, slice.Last) : null,
        BucketsLeftBelow = part?.BucketsLeftBelow ?? 0,
        TrustedHash = trusted?.ToString(),
        First = part?.FirstFile is { } first ? (first.FirstLedger, HashHex.ToHex(first.FirstPreviousHash)) : null,
        Last = part?.LastFile is { } last ? (last.LastLedger, HashHex.ToHex(last.LastHash)) : null,
    };

    public byte[] ToJson() => JsonOutput.ToBytes(Write);

    /// <summary>Reads a report written by <see cref="ToJson"/>.</summary>
    /// <exception cref="FormatException">The JSON is not a shard report of this format.</exception>
    public static ShardReport Parse(ReadOnlySpan<byte> utf8)
    {
        try
        {
            using var json = JsonDocument.Parse(utf8.ToArray());
            return ShardReportJson.Read(json.RootElement);
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or ArgumentException or FormatException)
        {
            throw new FormatException("not a shard report: " + e.Message, e);
        }
    }

    private void Write(Utf8JsonWriter json) => ShardReportJson.Write(json, this);
}

/// <summary>What a sharded mirror's report adds to a shard report.</summary>
/// <param name="Stage">buckets or checkpoints.</param>
/// <param name="Target">The archive written, as the command names it.</param>
/// <param name="LastStateSha256">The SHA-256 (lowercase hex) of the HAS at the slice's last checkpoint as the target holds it after the checkpoints stage; null otherwise.</param>
internal sealed record MirrorShard(string Stage, string Target, string? LastStateSha256);
