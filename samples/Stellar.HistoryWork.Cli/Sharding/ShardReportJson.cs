using System.Text.Json;
using Stellar.HistoryWork.Cli.Archives;
using Stellar.HistoryWork.Cli.Reporting;

namespace Stellar.HistoryWork.Cli.Sharding;

/// <summary>The JSON form of <see cref="ShardReport"/> (docs/shard-report.schema.json), written and read in one place.</summary>
internal static class ShardReportJson
{
    public static void Write(Utf8JsonWriter json, ShardReport report)
    {
        json.WriteStartObject();
        json.WriteNumber("version", ShardReport.FormatVersion);
        json.WriteString("verb", report.Mirror is null ? "verify" : "mirror");
        if (report.Mirror is { } mirror)
        {
            json.WriteStartObject("mirror");
            json.WriteString("stage", mirror.Stage);
            json.WriteString("target", mirror.Target);
            Nullable(json, "lastStateSha256", mirror.LastStateSha256);
            json.WriteEndObject();
        }

        json.WriteStartObject("shard");
        json.WriteNumber("index", report.Index);
        json.WriteNumber("count", report.Count);
        json.WriteEndObject();
        Nullable(json, "archive", report.Archive);
        json.WriteBoolean("ok", report.Ok);
        json.WriteNumber("checkpointFrequency", report.CheckpointFrequency);
        Pair(json, "range", "fromLedger", report.Range?.First, "toLedger", report.Range?.Last);
        Pair(json, "slice", "firstCheckpoint", report.Slice?.First, "lastCheckpoint", report.Slice?.Last);
        Nullable(json, "startsAt", report.StartsAt);
        json.WriteNumber("checkpoints", report.Checkpoints);
        json.WriteNumber("files", report.Files);
        json.WriteStartObject("filesByKind");
        foreach (var kind in FileKindCounter.Kinds)
        {
            json.WriteNumber(kind, report.FilesByKind.TryGetValue(kind, out var count) ? count : 0);
        }

        json.WriteEndObject();
        json.WriteNumber("bytes", report.Bytes);
        json.WriteNumber("bucketsLeftBelow", report.BucketsLeftBelow);
        json.WriteStartObject("trust");
        Nullable(json, "trustedHash", report.TrustedHash);
        Nullable(json, "trustedUpTo", report.TrustedUpTo);
        json.WriteEndObject();
        json.WriteStartObject("boundary");
        Nullable(json, "firstLedger", report.First?.Ledger);
        Nullable(json, "firstPreviousLedgerHash", report.First?.PreviousLedgerHash);
        Nullable(json, "lastLedger", report.Last?.Ledger);
        Nullable(json, "lastLedgerHash", report.Last?.Hash);
        json.WriteEndObject();
        Runs(json, "absentRuns", report.AbsentRuns);
        json.WriteStartObject("scp");
        Nullable(json, "firstCheckpoint", report.FirstWithScp);
        Runs(json, "absentBeforeFirst", report.ScpAbsentBeforeFirst);
        json.WriteEndObject();
        ReportProblem.WriteArray(json, report.Problems);
        json.WriteEndObject();
    }

    public static ShardReport Read(JsonElement root)
    {
        if (root.GetProperty("version").GetInt32() != ShardReport.FormatVersion)
        {
            throw new FormatException($"version {root.GetProperty("version")} is not {ShardReport.FormatVersion}");
        }

        var shard = root.GetProperty("shard");
        var range = root.GetProperty("range");
        var slice = root.GetProperty("slice");
        var trust = root.GetProperty("trust");
        var boundary = root.GetProperty("boundary");
        var verb = root.GetProperty("verb").GetString();
        var mirror = verb switch
        {
            "verify" => null,
            "mirror" => ReadMirror(root.GetProperty("mirror")),
            _ => throw new FormatException($"verb {verb} is neither verify nor mirror"),
        };
        return new ShardReport
        {
            Mirror = mirror,
            Index = shard.GetProperty("index").GetInt32(),
            Count = shard.GetProperty("count").GetInt32(),
            Archive = root.GetProperty("archive").GetString(),
            Ok = root.GetProperty("ok").GetBoolean(),
            CheckpointFrequency = root.GetProperty("checkpointFrequency").GetUInt32(),
            Range = range.ValueKind == JsonValueKind.Null ? null : new LedgerRange(range.GetProperty("fromLedger").GetUInt32(), range.GetProperty("toLedger").GetUInt32()),
            Slice = slice.ValueKind == JsonValueKind.Null ? null : (slice.GetProperty("firstCheckpoint").GetUInt32(), slice.GetProperty("lastCheckpoint").GetUInt32()),
            StartsAt = UInt(root.GetProperty("startsAt")),
            Checkpoints = root.GetProperty("checkpoints").GetInt64(),
            Files = root.GetProperty("files").GetInt64(),
            FilesByKind = root.GetProperty("filesByKind").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetInt64(), StringComparer.Ordinal),
            Bytes = root.GetProperty("bytes").GetInt64(),
            BucketsLeftBelow = root.GetProperty("bucketsLeftBelow").GetInt32(),
            TrustedHash = trust.GetProperty("trustedHash").GetString(),
            TrustedUpTo = UInt(trust.GetProperty("trustedUpTo")),
            First = UInt(boundary.GetProperty("firstLedger")) is { } first && boundary.GetProperty("firstPreviousLedgerHash").GetString() is { } previous ? (first, previous) : null,
            Last = UInt(boundary.GetProperty("lastLedger")) is { } last && boundary.GetProperty("lastLedgerHash").GetString() is { } hash ? (last, hash) : null,
            AbsentRuns = ReadRuns(root.GetProperty("absentRuns")),
            FirstWithScp = root.TryGetProperty("scp", out var scp) ? UInt(scp.GetProperty("firstCheckpoint")) : null,
            ScpAbsentBeforeFirst = root.TryGetProperty("scp", out scp) ? ReadRuns(scp.GetProperty("absentBeforeFirst")) : [],
            Problems = [.. root.GetProperty("problems").EnumerateArray().Select(p => new ReportProblem(
                p.GetProperty("path").GetString()!,
                UInt(p.GetProperty("ledger")),
                p.GetProperty("kind").GetString()!,
                p.GetProperty("message").GetString()!))],
        };
    }

    private static MirrorShard ReadMirror(JsonElement mirror) =>
        new(mirror.GetProperty("stage").GetString()!, mirror.GetProperty("target").GetString()!, mirror.GetProperty("lastStateSha256").GetString());

    private static void Runs(Utf8JsonWriter json, string name, IReadOnlyList<(uint First, uint Last)> runs)
    {
        json.WriteStartArray(name);
        foreach (var (first, last) in runs)
        {
            json.WriteStartObject();
            json.WriteNumber("firstCheckpoint", first);
            json.WriteNumber("lastCheckpoint", last);
            json.WriteEndObject();
        }

        json.WriteEndArray();
    }

    private static (uint First, uint Last)[] ReadRuns(JsonElement runs) =>
        [.. runs.EnumerateArray().Select(r => (r.GetProperty("firstCheckpoint").GetUInt32(), r.GetProperty("lastCheckpoint").GetUInt32()))];

    private static uint? UInt(JsonElement value) => value.ValueKind == JsonValueKind.Null ? null : value.GetUInt32();

    private static void Pair(Utf8JsonWriter json, string name, string firstName, uint? first, string lastName, uint? last)
    {
        if (first is null || last is null)
        {
            json.WriteNull(name);
            return;
        }

        json.WriteStartObject(name);
        json.WriteNumber(firstName, first.Value);
        json.WriteNumber(lastName, last.Value);
        json.WriteEndObject();
    }

    private static void Nullable(Utf8JsonWriter json, string name, uint? value)
    {
        if (value is { } v)
        {
            json.WriteNumber(name, v);
        }
        else
        {
            json.WriteNull(name);
        }
    }

    private static void Nullable(Utf8JsonWriter json, string name, string? value)
    {
        if (value is null)
        {
            json.WriteNull(name);
        }
        else
        {
            json.WriteString(name, value);
        }
    }
}
