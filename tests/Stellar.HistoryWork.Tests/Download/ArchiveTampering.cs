using System.Buffers.Binary;
using System.IO.Compression;

namespace Stellar.HistoryWork.Tests.Download;

/// <summary>Damages real archive files in ways a bad mirror or a bit flip would, re-gzipping them validly.</summary>
internal static class ArchiveTampering
{
    /// <summary>Flips one byte near the end of the last record and returns that record's ledgerSeq (its first 4 bytes).</summary>
    public static uint FlipByteInLastRecord(string gzipPath)
    {
        var data = Gunzip(gzipPath);
        var offset = 0;
        var last = 0;
        while (offset < data.Length)
        {
            last = offset;
            offset += 4 + (int)(BinaryPrimitives.ReadUInt32BigEndian(data.AsSpan(offset)) & 0x7fffffff);
        }

        var ledger = BinaryPrimitives.ReadUInt32BigEndian(data.AsSpan(last + 4));
        data[offset - 40] ^= 0x01;
        Gzip(gzipPath, data);
        return ledger;
    }

    public static byte[] Gunzip(string path)
    {
        using var input = new GZipStream(File.OpenRead(path), CompressionMode.Decompress);
        using var output = new MemoryStream();
        input.CopyTo(output);
        return output.ToArray();
    }

    public static void Gzip(string path, byte[] data)
    {
        using var output = new GZipStream(File.Create(path), CompressionLevel.Optimal);
        output.Write(data);
    }
}
