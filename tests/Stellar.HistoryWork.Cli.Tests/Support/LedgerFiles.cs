using System.Buffers.Binary;
using System.IO.Compression;

namespace Stellar.HistoryWork.Cli.Tests.Support;

/// <summary>Reads header hashes straight from a ledger file's bytes, independently of the code under test.</summary>
internal static class LedgerFiles
{
    /// <summary>The hash of entry <paramref name="index"/> (0 = the file's first ledger).</summary>
    public static string HashAt(string gzipLedgerFile, int index)
    {
        using var input = new GZipStream(File.OpenRead(gzipLedgerFile), CompressionMode.Decompress);
        using var plain = new MemoryStream();
        input.CopyTo(plain);
        var bytes = plain.ToArray();
        var at = 0;
        for (var i = 0; i < index; i++)
        {
            at += 4 + (int)(BinaryPrimitives.ReadUInt32BigEndian(bytes.AsSpan(at)) & 0x7FFF_FFFF);
        }

        return Convert.ToHexStringLower(bytes.AsSpan(at + 4, 32));
    }

    /// <summary>The hash of the last entry (the checkpoint ledger): a LedgerHeaderHistoryEntry starts with its 32-byte hash.</summary>
    public static string LastHash(string gzipLedgerFile)
    {
        using var input = new GZipStream(File.OpenRead(gzipLedgerFile), CompressionMode.Decompress);
        using var plain = new MemoryStream();
        input.CopyTo(plain);
        var bytes = plain.ToArray();
        var last = -1;
        for (var at = 0; at < bytes.Length; at += 4 + (int)(BinaryPrimitives.ReadUInt32BigEndian(bytes.AsSpan(at)) & 0x7FFF_FFFF))
        {
            last = at;
        }

        return Convert.ToHexStringLower(bytes.AsSpan(last + 4, 32));
    }
}
