using System.Text.Json;

namespace Stellar.HistoryWork.Cli.Reporting;

/// <summary>One entry of a report's <c>problems</c>: the file, the ledger (when one applies), the kind and a message.</summary>
/// <param name="Path">The archive-relative path (or local file) concerned.</param>
/// <param name="Ledger">The ledger concerned, if any.</param>
/// <param name="Kind">The library's JSON spelling: <c>missing</c>, <c>corrupt</c>, <c>hash-mismatch</c>, …</param>
/// <param name="Message">What rule failed.</param>
internal sealed record ReportProblem(string Path, uint? Ledger, string Kind, string Message)
{
    public override string ToString() =>
        Ledger is { } ledger ? $"{Kind}: {Path} (ledger {ledger}): {Message}" : $"{Kind}: {Path}: {Message}";

    public static void WriteArray(Utf8JsonWriter json, IEnumerable<ReportProblem> problems)
    {
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
}
