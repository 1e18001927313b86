using System.IO.Compression;
using Stellar.HistoryWork.Verification;
using Stellar.TestSupport;
using Stellar.Xdr;

namespace Stellar.HistoryWork.Tests.Verification;

/// <summary>Opens real archive files and makes tampered copies of them for the verification tests.</summary>
internal static class VerificationFixtures
{
    public static string FilePath(string archive, string path) => Path.Combine(archive, path.Replace('/', Path.DirectorySeparatorChar));

    /// <summary>The decompressed stream of a gzip file of an archive.</summary>
    public static Stream OpenDecompressed(string archive, string path) =>
        new GZipStream(File.OpenRead(FilePath(archive, path)), CompressionMode.Decompress);

    public static Task<LedgerHeaderFileResult> VerifyHeadersAsync(string archive, uint checkpoint, CheckpointMath? math = null)
    {
        var path = ArchivePaths.CheckpointFile(HistoryFileKind.Ledger, checkpoint);
        return VerifyHeadersAsync(OpenDecompressed(archive, path), path, checkpoint, math);
    }

    public static async Task<LedgerHeaderFileResult> VerifyHeadersAsync(Stream decompressed, string path, uint checkpoint, CheckpointMath? math = null)
    {
        await using (decompressed)
        {
            return await LedgerHeaderVerifier.VerifyAsync(decompressed, path, checkpoint, math ?? CheckpointMath.Default);
        }
    }

    /// <summary>Checkpoints of an archive, oldest first, from its history/ files.</summary>
    public static IReadOnlyList<uint> Checkpoints(string archive) =>
        Directory.EnumerateFiles(Path.Combine(archive, "history"), "*.json", SearchOption.AllDirectories)
            .Select(f => Convert.ToUInt32(Path.GetFileNameWithoutExtension(f)["history-".Length..], 16))
            .Order()
            .ToList();

    /// <summary>Every record of a gzip record-marked file, as raw bodies.</summary>
    public static List<byte[]> ReadRecords(string file)
    {
        using var reader = XdrRecordReader.OpenFile(file);
        var records = new List<byte[]>();
        while (reader.ReadNext())
        {
            records.Add(reader.CurrentSpan.ToArray());
        }

        return records;
    }

    /// <summary>Writes records, record-marked and gzipped, over <paramref name="file"/>.</summary>
    public static void WriteRecords(string file, IEnumerable<byte[]> records)
    {
        using var stream = File.Create(file);
        using var gzip = new GZipStream(stream, CompressionLevel.Fastest);
        using var writer = new XdrRecordWriter(gzip);
        foreach (var record in records)
        {
            writer.WriteRecord(record);
        }
    }

    /// <summary>Decodes, changes and rewrites every record of one gzip file.</summary>
    public static void Rewrite<T>(string file, Func<T, T?> change)
        where T : class, IXdrType<T>
    {
        var records = new List<byte[]>();
        foreach (var raw in ReadRecords(file))
        {
            var reader = new XdrReader(raw);
            if (change(T.Decode(ref reader)) is { } changed)
            {
                var buffer = new System.Buffers.ArrayBufferWriter<byte>();
                changed.Encode(new XdrWriter(buffer));
                records.Add(buffer.WrittenSpan.ToArray());
            }
        }

        WriteRecords(file, records);
    }

    /// <summary>A temporary copy of a fixture archive, deleted on dispose.</summary>
    public sealed class TempArchive : IDisposable
    {
        public TempArchive(string source)
        {
            Root = Path.Combine(Path.GetTempPath(), "verify-" + Guid.NewGuid().ToString("N"));
            foreach (var file in Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories))
            {
                var target = Path.Combine(Root, Path.GetRelativePath(source, file));
                Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                File.Copy(file, target);
            }
        }

        public string Root { get; }

        public string this[string path] => FilePath(Root, path);

        public void Dispose()
        {
            try
            {
                Directory.Delete(Root, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }
}
