using System.IO.Compression;
using System.IO.Hashing;
using Stellar.TestSupport;

namespace Stellar.Xdr.Tests.Records;

public class CheckedGzipStreamTests
{
    private static readonly string RealBucket = Directory
        .EnumerateFiles(Path.Combine(Fixtures.TestnetSmall, "bucket"), "*.xdr.gz", SearchOption.AllDirectories)
        .OrderByDescending(f => new FileInfo(f).Length)
        .First();

    [Fact]
    public void Read_RealBucket_DecompressesLikeGZipStream()
    {
        var compressed = File.ReadAllBytes(RealBucket);

        Decompress(compressed, 64 * 1024).Should().Equal(PlainGunzip(compressed));
    }

    [Theory]
    [InlineData(8)]
    [InlineData(1)]
    [InlineData(4)]
    public void Read_RealBucketMissingItsLastBytes_Throws(int cut)
    {
        var compressed = File.ReadAllBytes(RealBucket);

        var act = () => Decompress(compressed[..^cut], 64 * 1024);

        act.Should().Throw<XdrStreamException>().Where(e => e.Rule == XdrRule.CorruptCompression && e.SourceName == "test.xdr.gz");
    }

    [Fact]
    public void Read_EveryPrefixEndingAtABlockBoundary_IsRejected()
    {
        // Cutting at the end of a full deflate block is what GZipStream alone cannot see.
        var data = Pattern(300_000, seed: 3);
        var compressed = Gzip(data, CompressionLevel.Fastest);
        var accepted = 0;
        for (var keep = 18; keep < compressed.Length; keep += 97)
        {
            try
            {
                Decompress(compressed[..keep], 4096);
                accepted++;
            }
            catch (XdrStreamException)
            {
            }
        }

        accepted.Should().Be(0);
    }

    [Theory]
    [InlineData(4096)]
    [InlineData(1 << 16)]
    [InlineData(7)]
    public void Read_MultiMemberFile_IsAcceptedWhole(int bufferSize)
    {
        var parts = new[] { Pattern(100_000, 1), Pattern(4096, 2), [], Pattern(70_001, 3) };
        var compressed = parts.SelectMany(p => Gzip(p, CompressionLevel.Optimal)).ToArray();

        Decompress(compressed, bufferSize).Should().Equal(parts.SelectMany(p => p));
    }

    [Fact]
    public void Read_MultiMemberFileWithItsLastMemberCut_Throws()
    {
        var first = Gzip(Pattern(50_000, 1), CompressionLevel.Optimal);
        var last = Gzip(Pattern(200_000, 2), CompressionLevel.Fastest);
        for (var keep = 18; keep < last.Length; keep += 211)
        {
            var act = () => Decompress([.. first, .. last[..keep]], 4096);
            act.Should().Throw<XdrStreamException>($"the last member was cut to {keep} of {last.Length} bytes");
        }
    }

    [Fact]
    public void Read_ZeroByteFile_Throws()
    {
        var act = () => Decompress([], 4096);

        act.Should().Throw<XdrStreamException>().WithMessage("*0-byte*");
    }

    [Fact]
    public void Read_RealTransactionsFileOfACheckpointWithoutTransactions_IsEmpty()
    {
        // A real gzip (made by the gzip tool, with a file name) of 0 bytes: valid, unlike a 0-byte file.
        var path = Path.Combine(Fixtures.TestnetSmall, "transactions", "00", "00", "00", "transactions-0000003f.xdr.gz");

        Decompress(File.ReadAllBytes(path), 4096).Should().BeEmpty();
    }

    [Fact]
    public void Read_DamagedDeflateData_ThrowsTypedException()
    {
        var compressed = Gzip(Pattern(100_000, 5), CompressionLevel.Optimal);
        compressed[compressed.Length / 2] ^= 0x55;

        var act = () => Decompress(compressed, 4096);

        act.Should().Throw<XdrStreamException>().Where(e => e.Rule == XdrRule.CorruptCompression);
    }

    [Fact]
    public void Crc32Math_SuffixAndCombine_AgreeWithDirectCrc()
    {
        var random = new Random(7);
        for (var i = 0; i < 200; i++)
        {
            var data = new byte[random.Next(0, 5000)];
            random.NextBytes(data);
            var split = random.Next(0, data.Length + 1);
            var whole = Crc32.HashToUInt32(data);
            var prefix = Crc32.HashToUInt32(data.AsSpan(0, split));
            var suffix = Crc32.HashToUInt32(data.AsSpan(split));

            Crc32Math.Combine(prefix, suffix, data.Length - split).Should().Be(whole);
            Crc32Math.Suffix(whole, prefix, data.Length - split).Should().Be(suffix);
        }
    }

    private static byte[] Decompress(byte[] compressed, int bufferSize)
    {
        using var gzip = new CheckedGzipStream(new MemoryStream(compressed), "test.xdr.gz");
        var output = new MemoryStream();
        var buffer = new byte[bufferSize];
        int read;
        while ((read = gzip.Read(buffer)) > 0)
        {
            output.Write(buffer, 0, read);
        }

        return output.ToArray();
    }

    private static byte[] PlainGunzip(byte[] compressed)
    {
        using var gzip = new GZipStream(new MemoryStream(compressed), CompressionMode.Decompress);
        var output = new MemoryStream();
        gzip.CopyTo(output);
        return output.ToArray();
    }

    private static byte[] Gzip(byte[] data, CompressionLevel level)
    {
        var output = new MemoryStream();
        using (var gzip = new GZipStream(output, level, leaveOpen: true))
        {
            gzip.Write(data);
        }

        return output.ToArray();
    }

    // Compressible but not trivial, like XDR.
    private static byte[] Pattern(int length, int seed)
    {
        var random = new Random(seed);
        var data = new byte[length];
        for (var i = 0; i < length; i++)
        {
            data[i] = (byte)(random.Next(6) == 0 ? random.Next(256) : i % 7);
        }

        return data;
    }
}
