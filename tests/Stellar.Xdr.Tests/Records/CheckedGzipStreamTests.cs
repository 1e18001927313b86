using System.IO.Compression;
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
    public void Read_ValidGzipFollowedByACopyOfItsTrailer_Throws()
    {
        // The trailer check used to look at "the last 8 bytes read", which the copy satisfies.
        var compressed = Gzip(Pattern(10_000, 4), CompressionLevel.Optimal);

        var act = () => Decompress([.. compressed, .. compressed[^8..]], 4096);

        act.Should().Throw<XdrStreamException>().Where(e => e.Rule == XdrRule.CorruptCompression).WithMessage("*follow the end of gzip member 1*");
    }

    [Theory]
    [InlineData(new byte[] { 0 })]
    [InlineData(new byte[] { 0x1f })]
    [InlineData(new byte[] { 0x1f, 0x8b, 8, 0 })]
    public void Read_ValidGzipFollowedByAFewBytes_Throws(byte[] tail)
    {
        var compressed = Gzip(Pattern(10_000, 4), CompressionLevel.Optimal);

        var act = () => Decompress([.. compressed, .. tail], 4096);

        act.Should().Throw<XdrStreamException>().Where(e => e.Rule == XdrRule.CorruptCompression);
    }

    [Fact]
    public void Read_ValidGzipFollowedByEndlessJunk_ThrowsWithoutReadingOn()
    {
        var source = new EndlessStream(Gzip(Pattern(10_000, 4), CompressionLevel.Optimal), [0x42]);

        var act = () => Drain(new CheckedGzipStream(source, "test.xdr.gz"));

        act.Should().Throw<XdrStreamException>().Where(e => e.Rule == XdrRule.CorruptCompression);
        source.Position.Should().BeLessThan(1 << 20);
    }

    [Fact]
    public void Read_HeaderThenEndlessEmptyStoredBlocks_ThrowsAfterABoundedRead()
    {
        // Each empty stored block (header bits, LEN 0, NLEN 0xffff) is 5 bytes that produce nothing.
        var source = new EndlessStream([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3], [0, 0, 0, 0xff, 0xff]);

        var act = () => Drain(new CheckedGzipStream(source, "test.xdr.gz"));

        act.Should().Throw<XdrStreamException>().Where(e => e.Rule == XdrRule.CorruptCompression).WithMessage("*more than deflate can need*");
        source.Position.Should().BeLessThan(CheckedGzipStream.CompressedSlackBytes + (1 << 17));
    }

    [Fact]
    public void Read_EndlessFileNameInTheHeader_ThrowsAfterABoundedRead()
    {
        var source = new EndlessStream([0x1f, 0x8b, 8, 8, 0, 0, 0, 0, 0, 3], "a"u8.ToArray());

        var act = () => Drain(new CheckedGzipStream(source, "test.xdr.gz"));

        act.Should().Throw<XdrStreamException>().Where(e => e.Rule == XdrRule.CorruptCompression);
        source.Position.Should().BeLessThan(CheckedGzipStream.CompressedSlackBytes + (1 << 17));
    }

    [Fact]
    public void Read_EndlessEmptyMembers_ThrowsAfterABoundedRead()
    {
        // A whole gzip of nothing: header, a final empty fixed-Huffman block, CRC-32 0 and size 0.
        byte[] empty = [0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3, 3, 0, 0, 0, 0, 0, 0, 0, 0, 0];
        Decompress(empty, 16).Should().BeEmpty();
        var source = new EndlessStream(Gzip(Pattern(1000, 2), CompressionLevel.Optimal), empty);

        var act = () => Drain(new CheckedGzipStream(source, "test.xdr.gz"));

        act.Should().Throw<XdrStreamException>().Where(e => e.Rule == XdrRule.CorruptCompression);
        source.Position.Should().BeLessThan(CheckedGzipStream.CompressedSlackBytes + (1 << 17));
    }

    [Fact]
    public async Task ReadAsync_ValidGzipFollowedByACopyOfItsTrailer_Throws()
    {
        var compressed = Gzip(Pattern(10_000, 4), CompressionLevel.Optimal);
        await using var gzip = new CheckedGzipStream(new MemoryStream([.. compressed, .. compressed[^8..]]), "test.xdr.gz");

        var act = () => gzip.CopyToAsync(Stream.Null);

        await act.Should().ThrowAsync<XdrStreamException>();
    }

    private static void Drain(Stream stream)
    {
        using (stream)
        {
            stream.CopyTo(Stream.Null);
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

    /// <summary>A prefix, then <see cref="_repeat"/> without end (what a hostile server can send).</summary>
    private sealed class EndlessStream(byte[] prefix, byte[] repeat) : Stream
    {
        private readonly byte[] _repeat = repeat;
        private long _position;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => _position;
            set => throw new NotSupportedException();
        }

        public override int Read(byte[] buffer, int offset, int count)
        {
            for (var i = 0; i < count; i++)
            {
                buffer[offset + i] = _position < prefix.Length ? prefix[_position] : _repeat[(_position - prefix.Length) % _repeat.Length];
                _position++;
            }

            return count;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
