using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;
using System.Text.RegularExpressions;
using Stellar.TestSupport;

namespace Stellar.HistoryWork.Tests.BadInput;

/// <summary>
/// A small real archive to damage: checkpoints 63 and 127 of the testnet fixture (their HAS, checkpoint files
/// and buckets) with a root HAS at 127, copied to a temporary folder. The helpers work on raw bytes
/// (gzip and record marks read here, not by the code under test) so that a damage is exactly what it says.
/// </summary>
internal sealed partial class BadArchive : IDisposable
{
    /// <summary>The damaged checkpoint and the newest one of the archive.</summary>
    public const uint Checkpoint = 127;

    public static readonly uint[] Checkpoints = [63, Checkpoint];

    /// <summary>A bucket that only checkpoint 127's HAS references (level 1 curr).</summary>
    public const string BucketHash = "8083b875e6e6d55fc8c96d2a94c094682007d03417999d79cf51bb7ffdaab43f";

    public BadArchive()
    {
        Root = Path.Combine(Path.GetTempPath(), "bad-input-" + Guid.NewGuid().ToString("N"));
        foreach (var checkpoint in Checkpoints)
        {
            var state = ArchivePaths.HistoryState(checkpoint);
            Copy(state);
            foreach (var kind in new[] { HistoryFileKind.Ledger, HistoryFileKind.Transactions, HistoryFileKind.Results, HistoryFileKind.Scp })
            {
                Copy(ArchivePaths.CheckpointFile(kind, checkpoint));
            }

            foreach (Match hash in HashPattern().Matches(File.ReadAllText(Source(state))))
            {
                if (hash.Value.Any(c => c != '0'))
                {
                    Copy(ArchivePaths.Bucket(hash.Value));
                }
            }
        }

        Directory.CreateDirectory(Path.GetDirectoryName(this[ArchivePaths.WellKnownState])!);
        File.Copy(Source(ArchivePaths.HistoryState(Checkpoint)), this[ArchivePaths.WellKnownState]);
    }

    public string Root { get; }

    /// <summary>The local file of an archive path.</summary>
    public string this[string archivePath] => Path.Combine(Root, archivePath.Replace('/', Path.DirectorySeparatorChar));

    public static string Ledger => ArchivePaths.CheckpointFile(HistoryFileKind.Ledger, Checkpoint);

    public static string Transactions => ArchivePaths.CheckpointFile(HistoryFileKind.Transactions, Checkpoint);

    public static string Results => ArchivePaths.CheckpointFile(HistoryFileKind.Results, Checkpoint);

    public static string Scp => ArchivePaths.CheckpointFile(HistoryFileKind.Scp, Checkpoint);

    public static string State => ArchivePaths.HistoryState(Checkpoint);

    public static string Bucket => ArchivePaths.Bucket(BucketHash);

    public byte[] Bytes(string archivePath) => File.ReadAllBytes(this[archivePath]);

    public void Write(string archivePath, byte[] bytes)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(this[archivePath])!);
        File.WriteAllBytes(this[archivePath], bytes);
    }

    public void WriteText(string archivePath, string text) => File.WriteAllText(this[archivePath], text);

    public string Text(string archivePath) => File.ReadAllText(this[archivePath]);

    /// <summary>The record bodies of a gzipped record-marked file.</summary>
    public List<byte[]> Records(string archivePath) => SplitRecords(Gunzip(Bytes(archivePath)));

    /// <summary>Rewrites a file as gzip of <paramref name="records"/>, each marked with its length and (by default) the last-fragment bit.</summary>
    public void WriteRecords(string archivePath, IEnumerable<byte[]> records, bool lastFragmentBit = true) =>
        Write(archivePath, Gzip(Mark(records, lastFragmentBit)));

    public static byte[] Mark(IEnumerable<byte[]> records, bool lastFragmentBit = true)
    {
        using var plain = new MemoryStream();
        Span<byte> header = stackalloc byte[4];
        foreach (var record in records)
        {
            BinaryPrimitives.WriteUInt32BigEndian(header, (uint)record.Length | (lastFragmentBit ? 0x8000_0000u : 0));
            plain.Write(header);
            plain.Write(record);
        }

        return plain.ToArray();
    }

    public static List<byte[]> SplitRecords(byte[] plain)
    {
        var records = new List<byte[]>();
        for (var at = 0; at < plain.Length;)
        {
            var length = (int)(BinaryPrimitives.ReadUInt32BigEndian(plain.AsSpan(at)) & 0x7FFF_FFFF);
            records.Add(plain.AsSpan(at + 4, length).ToArray());
            at += 4 + length;
        }

        return records;
    }

    public static byte[] Gzip(byte[] data)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest, leaveOpen: true))
        {
            gzip.Write(data);
        }

        return output.ToArray();
    }

    public static byte[] Gunzip(byte[] data)
    {
        using var input = new GZipStream(new MemoryStream(data), CompressionMode.Decompress);
        using var output = new MemoryStream();
        input.CopyTo(output);
        return output.ToArray();
    }

    /// <summary>A multi-member gzip of <paramref name="members"/> × 1 MiB of zeros: about 1 KiB per MiB.</summary>
    public static byte[] ZeroBomb(int members)
    {
        var member = Gzip(new byte[1 << 20]);
        var bomb = new byte[member.Length * members];
        for (var i = 0; i < members; i++)
        {
            member.CopyTo(bomb, i * member.Length);
        }

        return bomb;
    }

    public static byte[] Ascii(string text) => Encoding.ASCII.GetBytes(text);

    /// <summary>
    /// Replaces a file with a FIFO (nobody ever writes to it: opening it for reading blocks forever). Returns false
    /// where there are no FIFOs (Windows).
    /// </summary>
    public bool TryReplaceWithFifo(string archivePath)
    {
        if (OperatingSystem.IsWindows())
        {
            return false;
        }

        File.Delete(this[archivePath]);
        using var mkfifo = System.Diagnostics.Process.Start("mkfifo", [this[archivePath]]);
        mkfifo.WaitForExit();
        return mkfifo.ExitCode == 0;
    }

    public static byte[] BigEndian(params uint[] words)
    {
        var bytes = new byte[words.Length * 4];
        for (var i = 0; i < words.Length; i++)
        {
            BinaryPrimitives.WriteUInt32BigEndian(bytes.AsSpan(i * 4), words[i]);
        }

        return bytes;
    }

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

    private static string Source(string archivePath) => Path.Combine(Fixtures.TestnetSmall, archivePath.Replace('/', Path.DirectorySeparatorChar));

    private void Copy(string archivePath)
    {
        var target = this[archivePath];
        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        File.Copy(Source(archivePath), target);
    }

    [GeneratedRegex("[0-9a-f]{64}")]
    private static partial Regex HashPattern();
}
