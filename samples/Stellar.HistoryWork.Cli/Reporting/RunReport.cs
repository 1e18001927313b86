using System.Text.Json;

namespace Stellar.HistoryWork.Cli.Reporting;

/// <summary>
/// The machine-readable outcome of a verb (DESIGN.md §3, <c>--json FILE</c>):
/// <c>{"ok", "checkpoints", "files", "bytes", "problems": [{"path", "ledger", "kind", "message"}]}</c>, plus
/// <c>"startsAt"</c> (the archive's first checkpoint) when <c>verify</c> searched for it.
/// </summary>
internal sealed class RunReport
{
    public bool Ok { get; init; }

    public long Checkpoints { get; init; }

    public long Files { get; init; }

    public long Bytes { get; init; }

    /// <summary>Where the archive starts, when the verb searched for it (no <c>--from</c>); written only then.</summary>
    public uint? StartsAt { get; init; }

    public IReadOnlyList<ReportProblem> Problems { get; init; } = [];

    /// <summary>Failures that are not problems of the archive (a target that cannot be written); listed only when there are some.</summary>
    public IReadOnlyList<string> Errors { get; init; } = [];

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
        json.WriteBoolean("ok", Ok);
        json.WriteNumber("checkpoints", Checkpoints);
        json.WriteNumber("files", Files);
        json.WriteNumber("bytes", Bytes);
        if (StartsAt is { } startsAt)
        {
            json.WriteNumber("startsAt", startsAt);
        }

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

        json.WriteEndObject();
    }
}
