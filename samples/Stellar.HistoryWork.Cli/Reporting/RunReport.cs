using System.Text.Json;

namespace Stellar.HistoryWork.Cli.Reporting;

/// <summary>
/// The machine-readable outcome of a verb (DESIGN.md §3, <c>--json FILE</c>), format <see cref="FormatVersion"/>,
/// described by docs/report.schema.json: what was proved (<c>ok</c>, <c>trusted</c>, <c>trustedUpTo</c>), over which
/// ledgers, from how many files of each kind, how long it took, and every problem.
/// </summary>
internal sealed class RunReport
{
    /// <summary>The <c>version</c> of the report format; raised when a field changes meaning or goes away.</summary>
    public const int FormatVersion = 1;

    /// <summary>The verb that wrote the report (<c>verify</c>, <c>catchup</c>, …).</summary>
    public required string Verb { get; init; }

    public bool Ok { get; init; }

    /// <summary>Where the archive (or the pool) is.</summary>
    public string? Archive { get; init; }

    /// <summary>The highest ledger a trusted hash anchors, or null when none does (or nothing verified).</summary>
    public uint? TrustedUpTo { get; init; }

    /// <summary>The first ledger of the range covered; null when no range was resolved.</summary>
    public uint? FromLedger { get; init; }

    /// <summary>The last ledger of the range covered; null when no range was resolved.</summary>
    public uint? ToLedger { get; init; }

    /// <summary>True exactly when a trusted hash anchors the whole range (<c>trustedUpTo</c> = <c>toLedger</c>).</summary>
    public bool Trusted => TrustedUpTo is { } anchored && anchored == ToLedger;

    /// <summary>Where the archive starts, when the verb searched for it (no <c>--from</c>); null otherwise.</summary>
    public uint? StartsAt { get; init; }

    public long Checkpoints { get; init; }

    public long Files { get; init; }

    /// <summary>Files read from the archive by kind (each path once); every kind of <see cref="Archives.FileKindCounter.Kinds"/> is listed.</summary>
    public IReadOnlyDictionary<string, long> FilesByKind { get; init; } = new Dictionary<string, long>();

    public long Bytes { get; init; }

    /// <summary>Downloads tried again after a failure, when the verb counts them; null when it does not.</summary>
    public long? Retries { get; init; }

    public TimeSpan Duration { get; init; }

    public IReadOnlyList<ReportProblem> Problems { get; init; } = [];

    /// <summary>Failures that are not problems of the archive (a target that cannot be written); listed only when there are some.</summary>
    public IReadOnlyList<string> Errors { get; init; } = [];

    /// <summary>Fields of one verb only (e.g. <c>status</c>'s view of the root HAS), written after the common ones.</summary>
    public Action<Utf8JsonWriter>? Extra { get; init; }

    /// <summary>Writes the report to <paramref name="file"/> (nothing when null); <c>-</c> means standard output.</summary>
    public async Task WriteAsync(FileInfo? file, CliConsole console, CancellationToken cancellationToken)
    {
        if (file is null)
        {
            return;
        }

        await JsonOutput.WriteAsync(file, console, Write, cancellationToken);
    }

    private void Write(Utf8JsonWriter json)
    {
        json.WriteStartObject();
        json.WriteNumber("version", FormatVersion);
        json.WriteString("verb", Verb);
        json.WriteBoolean("ok", Ok);
        WriteNullable(json, "archive", Archive);
        json.WriteBoolean("trusted", Trusted);
        WriteNullable(json, "trustedUpTo", TrustedUpTo);
        WriteNullable(json, "fromLedger", FromLedger);
        WriteNullable(json, "toLedger", ToLedger);
        WriteNullable(json, "startsAt", StartsAt);
        json.WriteNumber("checkpoints", Checkpoints);
        json.WriteNumber("files", Files);
        json.WriteStartObject("filesByKind");
        foreach (var kind in Archives.FileKindCounter.Kinds)
        {
            json.WriteNumber(kind, FilesByKind.TryGetValue(kind, out var count) ? count : 0);
        }

        json.WriteEndObject();
        json.WriteNumber("bytes", Bytes);
        if (Retries is { } retries)
        {
            json.WriteNumber("retries", retries);
        }
        else
        {
            json.WriteNull("retries");
        }

        json.WriteNumber("durationSeconds", Math.Round(Duration.TotalSeconds, 3));
        ReportProblem.WriteArray(json, Problems);
        if (Errors.Count > 0)
        {
            json.WriteStartArray("errors");
            foreach (var error in Errors)
            {
                json.WriteStringValue(error);
            }

            json.WriteEndArray();
        }

        Extra?.Invoke(json);
        json.WriteEndObject();
    }

    private static void WriteNullable(Utf8JsonWriter json, string name, uint? value)
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

    private static void WriteNullable(Utf8JsonWriter json, string name, string? value)
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
