using System.Diagnostics;
using System.Text.Json;
using Json.Schema;
using Stellar.TestSupport;

namespace Stellar.HistoryWork.Cli.Tests.Support;

/// <summary>The report's JSON Schema (docs/report.schema.json) and the external parsers an operator pipes reports into.</summary>
internal static class JsonTools
{
    private static readonly Lazy<JsonSchema> Schema = new(() => JsonSchema.FromFile(SchemaPath));

    public static string SchemaPath => Path.Combine(Fixtures.RepositoryRoot, "docs", "report.schema.json");

    // Loaded after the report's schema, whose problem definition it refers to.
    private static readonly Lazy<JsonSchema> ShardSchema = new(() => Schema.Value is not null ? JsonSchema.FromFile(Path.Combine(Fixtures.RepositoryRoot, "docs", "shard-report.schema.json")) : null!);

    /// <summary>The schema's errors for <paramref name="json"/>, one line each (empty when it validates).</summary>
    public static IReadOnlyList<string> SchemaErrors(string json) => SchemaErrors(json, "report.schema.json");

    /// <summary>The errors of <paramref name="json"/> against docs/<paramref name="schemaFile"/> (report or shard-report schema).</summary>
    public static IReadOnlyList<string> SchemaErrors(string json, string schemaFile)
    {
        using var document = JsonDocument.Parse(json);
        var schema = schemaFile == "shard-report.schema.json" ? ShardSchema.Value : Schema.Value;
        var result = schema.Evaluate(document.RootElement, new EvaluationOptions { OutputFormat = OutputFormat.List });
        if (result.IsValid)
        {
            return [];
        }

        return (result.Details ?? [])
            .Where(d => d.Errors is { Count: > 0 })
            .SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation}: {e.Key}: {e.Value}"))
            .DefaultIfEmpty("invalid")
            .ToArray();
    }

    /// <summary>
    /// Pipes <paramref name="json"/> into <c>jq FILTER</c> (or, where jq is not installed, <c>python3 -m json.tool</c>,
    /// and then the filter's result is null) and returns what it printed; a parse failure throws.
    /// </summary>
    public static async Task<string?> PipeAsync(string json, string filter)
    {
        var jq = FindOnPath("jq");
        var (file, args) = jq is not null ? (jq, new[] { "-r", filter }) : ("python3", new[] { "-m", "json.tool" });
        var start = new ProcessStartInfo(file) { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.StandardInput.WriteAsync(json);
        process.StandardInput.Close();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidDataException($"{file} rejected the report (exit {process.ExitCode}): {await stderr}\n{json}");
        }

        return jq is not null ? (await stdout).Trim() : null;
    }

    /// <summary>The JSON a report carries, parsed strictly (a single value, nothing before or after it).</summary>
    public static JsonDocument ParseStrict(string text) => JsonDocument.Parse(text, new JsonDocumentOptions { AllowTrailingCommas = false, CommentHandling = JsonCommentHandling.Disallow });

    private static string? FindOnPath(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? string.Empty)
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, name))
            .FirstOrDefault(File.Exists);
}
