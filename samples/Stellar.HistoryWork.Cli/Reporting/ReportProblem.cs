using System.Globalization;
using System.Text.Json;

namespace Stellar.HistoryWork.Cli.Reporting;

/// <summary>One entry of a report's <c>problems</c>: the file, the ledger (when one applies), the kind and a message.</summary>
/// <param name="Path">The archive-relative path (or local file) concerned.</param>
/// <param name="Ledger">The ledger concerned, if any.</param>
/// <param name="Kind">The library's JSON spelling: <c>missing</c>, <c>corrupt</c>, <c>hash-mismatch</c>, …</param>
/// <param name="Message">What rule failed.</param>
internal sealed record ReportProblem(string Path, uint? Ledger, string Kind, string Message)
{
    /// <summary>A damaged archive can have thousands of problems; the console shows this many, the JSON report all.</summary>
    public const int MaxShown = 20;

    /// <summary>
    /// What rule failed, without the path (and ledger) that the library's messages begin with: the path has its
    /// own field, so a problem line names it once.
    /// </summary>
    public string Message { get; } = WithoutLocation(Path, Ledger, Message);

    public override string ToString() =>
        Ledger is { } ledger
            ? string.Create(CultureInfo.InvariantCulture, $"{Kind}: {Path} (ledger {ledger}): {Message}")
            : $"{Kind}: {Path}: {Message}";

    /// <summary>Writes the first <see cref="MaxShown"/> problems, one a line, then how many more the JSON report holds.</summary>
    public static async Task WriteListAsync(TextWriter output, IReadOnlyCollection<ReportProblem> problems, string indent = "  ")
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(problems);
        foreach (var problem in problems.Take(MaxShown))
        {
            await output.WriteLineAsync(indent + problem);
        }

        if (problems.Count > MaxShown)
        {
            await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"{indent}… and {problems.Count - MaxShown} more; see --json"));
        }
    }

    public static void WriteArray(Utf8JsonWriter json, IEnumerable<ReportProblem> problems)
    {
        ArgumentNullException.ThrowIfNull(json);
        json.WriteStartArray("problems");
        foreach (var problem in problems)
        {
            json.WriteStartObject();
            json.WriteString("path", problem.Path);
            if (problem.Ledger is { } ledger)
            {
                json.WriteNumber("ledger", ledger);
            }
            else
            {
                json.WriteNull("ledger");
            }

            json.WriteString("kind", problem.Kind);
            json.WriteString("message", problem.Message);
            json.WriteEndObject();
        }

        json.WriteEndArray();
    }

    private static string WithoutLocation(string path, uint? ledger, string message)
    {
        var rest = message.AsSpan();
        if (path.Length > 0 && rest.StartsWith(path, StringComparison.Ordinal) && rest.Length > path.Length + 2
            && rest[path.Length] is ':' or ',' && rest[path.Length + 1] == ' ')
        {
            rest = rest[(path.Length + 2)..];
        }

        if (ledger is { } l)
        {
            var prefix = string.Create(CultureInfo.InvariantCulture, $"ledger {l}: ");
            if (rest.StartsWith(prefix, StringComparison.Ordinal))
            {
                rest = rest[prefix.Length..];
            }
        }

        return rest.Length == message.Length ? message : rest.ToString();
    }
}
