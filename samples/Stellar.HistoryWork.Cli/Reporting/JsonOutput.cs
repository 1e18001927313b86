using System.Text;
using System.Text.Json;

namespace Stellar.HistoryWork.Cli.Reporting;

/// <summary>Where <c>--json FILE</c> goes: a file written whole, or standard output for <c>-</c>.</summary>
internal static class JsonOutput
{
    private static readonly JsonWriterOptions Options = new()
    {
        Indented = true,
        // Messages quote paths and hashes; keep them readable rather than \u-escaped.
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>True for <c>--json -</c>: the report goes to standard output, and nothing else may.</summary>
    public static bool IsStandardOutput(FileInfo? file) => file?.ToString() == "-";

    /// <summary>The JSON <paramref name="write"/> writes, indented as every report, with a final newline.</summary>
    public static byte[] ToBytes(Action<Utf8JsonWriter> write)
    {
        ArgumentNullException.ThrowIfNull(write);
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, Options))
        {
            write(json);
        }

        buffer.WriteByte((byte)'\n');
        return buffer.ToArray();
    }

    public static async Task WriteAsync(FileInfo file, CliConsole console, Action<Utf8JsonWriter> write, CancellationToken cancellationToken)
    {
        var bytes = ToBytes(write);
        if (IsStandardOutput(file))
        {
            await console.Data.WriteAsync(Encoding.UTF8.GetString(bytes));
            return;
        }

        try
        {
            await File.WriteAllBytesAsync(file.FullName, bytes, cancellationToken);
        }
        catch (Exception e) when (ExitCodes.IsLocalError(e))
        {
            throw new LocalErrorException($"cannot write the report to '{file.FullName}': {e.Message}", e);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new UsageException($"cannot write the report to '{file.FullName}': {e.Message}", e);
        }
    }
}
