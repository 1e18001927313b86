using System.Buffers.Binary;
using System.IO.Compression;

namespace Stellar.HistoryWork.Tests.Support;

/// <summary>
/// A test-only hand parser for the few header fields the archive tests need, so they do not
/// depend on the XDR layer: it walks a gzipped, record-marked stream of LedgerHeaderHistoryEntry.
/// </summary>
internal static class LedgerHeaderTestReader
{
    public sealed record HeaderFields(uint LedgerSeq, uint ProtocolVersion, byte[] BucketListHash);

    public static IEnumerable<HeaderFields> ReadGzipFile(string path)
    {
        using var file = File.OpenRead(path);
        using var gzip = new GZipStream(file, CompressionMode.Decompress);
        var mark = new byte[4];
        while (true)
        {
            var got = gzip.ReadAtLeast(mark, 4, throwOnEndOfStream: false);
            if (got == 0)
            {
                yield break;
            }

            if (got != 4)
            {
                throw new InvalidDataException($"{path}: partial record mark");
            }

            var length = (int)(BinaryPrimitives.ReadUInt32BigEndian(mark) & 0x7FFFFFFF);
            var record = new byte[length];
            gzip.ReadExactly(record);
            yield return Parse(record);
        }
    }

    private static HeaderFields Parse(ReadOnlySpan<byte> entry)
    {
        var at = 32; // LedgerHeaderHistoryEntry.hash
        var protocol = U32(entry, ref at);
        at += 32; // previousLedgerHash
        at += 32 + 8; // scpValue.txSetHash, closeTime
        var upgrades = U32(entry, ref at);
        for (var i = 0; i < upgrades; i++)
        {
            var length = Padded(U32(entry, ref at));
            at += length;
        }

        var ext = U32(entry, ref at);
        if (ext == 1)
        {
            at += 4 + 32; // nodeID: key type + ed25519
            var signatureLength = Padded(U32(entry, ref at));
            at += signatureLength;
        }
        else if (ext != 0)
        {
            throw new InvalidDataException($"unknown StellarValue ext {ext}");
        }

        at += 32; // txSetResultHash
        var bucketListHash = entry.Slice(at, 32).ToArray();
        at += 32;
        var ledgerSeq = U32(entry, ref at);
        return new HeaderFields(ledgerSeq, protocol, bucketListHash);
    }

    private static int Padded(uint length) => (int)((length + 3) & ~3u);

    private static uint U32(ReadOnlySpan<byte> data, ref int at)
    {
        var value = BinaryPrimitives.ReadUInt32BigEndian(data.Slice(at, 4));
        at += 4;
        return value;
    }
}
