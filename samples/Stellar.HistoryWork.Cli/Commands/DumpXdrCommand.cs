using System.Buffers;
using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Stellar.HistoryWork.Verification;
using Stellar.Xdr;

namespace Stellar.HistoryWork.Cli.Commands;

/// <summary><c>dump-xdr FILE [--type T]</c>: one JSON object per record of a record-marked <c>.xdr</c> or <c>.xdr.gz</c> file.</summary>
internal static class DumpXdrCommand
{
    private static readonly (string Prefix, string Type)[] TypesByFileName =
    [
        ("ledger", "LedgerHeaderHistoryEntry"),
        ("transactions", "TransactionHistoryEntry"),
        ("results", "TransactionHistoryResultEntry"),
        ("scp", "SCPHistoryEntry"),
        ("bucket", "BucketEntry"),
    ];

    public static Command Create(CliConsole console)
    {
        var file = new Argument<FileInfo>("FILE") { Description = "An .xdr or .xdr.gz file of records (gzip is recognised by its magic bytes or a .gz name, and must be whole)." };
        var type = new Option<string?>("--type")
        {
            Description = "The XDR type of each record (any type name in the schema). Default: from the file name — "
                + "ledger, transactions, results, scp, bucket (a bucket whose METAENTRY says HOT_ARCHIVE is read as HotArchiveBucketEntry).",
        };
        var command = new Command("dump-xdr", "Print an .xdr or .xdr.gz history file as JSON, one record per line.") { file, type };
        command.SetAction((parse, ct) => RunAsync(console, parse.GetValue(file)!, parse.GetValue(type), ct));
        return command;
    }

    /// <summary>The record type a history file's name implies, or null.</summary>
    internal static string? InferType(string fileName)
    {
        var name = Path.GetFileName(fileName).ToLowerInvariant();
        foreach (var (prefix, type) in TypesByFileName)
        {
            if (name.StartsWith(prefix, StringComparison.Ordinal))
            {
                return type;
            }
        }

        return null;
    }

    private static async Task<int> RunAsync(CliConsole console, FileInfo file, string? typeName, CancellationToken cancellationToken)
    {
        if (!file.Exists)
        {
            throw new UsageException($"'{file.FullName}' does not exist.");
        }

        var explicitType = typeName is not null;
        typeName ??= InferType(file.Name)
            ?? throw new UsageException(
                $"cannot tell the record type from the name '{file.Name}'; give --type (for example --type LedgerHeaderHistoryEntry).");
        if (!XdrTypes.TryGet(typeName, out var info))
        {
            throw new UsageException($"unknown XDR type '{typeName}'.{Suggest(typeName)}");
        }

        await using var stream = OpenMaybeGzip(file.FullName);
        await using var records = new XdrRecordReader(stream, sourceName: file.FullName);
        var buffer = new ArrayBufferWriter<byte>();
        await using var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = false });
        var first = true;
        try
        {
            while (await records.ReadNextAsync(cancellationToken))
            {
                if (first && !explicitType && info.Name == "BucketEntry" && IsHotArchiveBucket(records.CurrentSpan))
                {
                    info = XdrTypes.Get("HotArchiveBucketEntry");
                }

                first = false;
                object? value;
                try
                {
                    value = info.Decode(records.CurrentSpan, DecodeLimits);
                }
                catch (XdrFormatException e)
                {
                    // The decoder counts from the record body; the reader of the file wants the stream offset.
                    throw new ProblemException(string.Create(
                        CultureInfo.InvariantCulture,
                        $"{file.FullName}: record {records.RecordCount} (header at byte {records.CurrentOffset}) is not a valid {info.Name}, at byte {records.CurrentOffset + 4 + e.Offset} of the decompressed stream: {e.Message}"),
                        e);
                }

                json.Reset();
                buffer.ResetWrittenCount();
                info.WriteJson(json, value);
                await json.FlushAsync(cancellationToken);
                await console.Output.WriteLineAsync(Encoding.UTF8.GetString(buffer.WrittenSpan));
            }
        }
        catch (XdrStreamException e)
        {
            throw new ProblemException(e.Message, e);
        }

        return ExitCodes.Ok;
    }

    // One record at a time, but a few bytes can still decode into a large object graph (issue 10 row 12).
    private static readonly XdrReaderOptions DecodeLimits = new() { MaxDecodedBytes = HistoryVerificationOptions.DefaultDecodeBudgetBytes };

    /// <summary>Hot-archive buckets share the <c>bucket-HASH</c> name; their METAENTRY names the list they belong to.</summary>
    private static bool IsHotArchiveBucket(ReadOnlySpan<byte> firstRecord)
    {
        try
        {
            var entry = BucketEntry.FromXdr(firstRecord);
            return entry.MetaEntry?.Ext.BucketListType == BucketListType.HOT_ARCHIVE;
        }
        catch (XdrFormatException)
        {
            return false;
        }
    }

    private static Stream OpenMaybeGzip(string path)
    {
        var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.Asynchronous | FileOptions.SequentialScan);
        Span<byte> magic = stackalloc byte[2];
        var got = file.Read(magic);
        file.Position = 0;
        var gzip = (got == 2 && magic[0] == 0x1f && magic[1] == 0x8b) || path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase);

        // The checked stream, not GZipStream: a file cut at its trailer, or with bytes after it, must not print as a shorter, clean file.
        return gzip ? new BufferedStream(new CheckedGzipStream(file, path, leaveOpen: false), 1 << 16) : file;
    }

    private static string Suggest(string typeName)
    {
        var close = XdrTypes.Names
            .Where(n => n.Contains(typeName, StringComparison.OrdinalIgnoreCase) || typeName.Contains(n, StringComparison.OrdinalIgnoreCase))
            .Take(8)
            .ToArray();
        return close.Length == 0
            ? " Type names are the schema's, e.g. LedgerHeaderHistoryEntry, TransactionHistoryEntry, BucketEntry."
            : " Did you mean: " + string.Join(", ", close) + "?";
    }
}
