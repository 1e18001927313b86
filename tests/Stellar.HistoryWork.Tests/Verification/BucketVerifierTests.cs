using System.IO.Compression;
using System.Security.Cryptography;
using Stellar.HistoryWork.Verification;
using Stellar.Xdr;
using Stellar.TestSupport;

namespace Stellar.HistoryWork.Tests.Verification;

public class BucketVerifierTests
{
    private static IEnumerable<string> BucketFiles(string archive) =>
        Directory.EnumerateFiles(Path.Combine(archive, "bucket"), "bucket-*.xdr.gz", SearchOption.AllDirectories);

    private static string HashOf(string file) => Path.GetFileName(file)["bucket-".Length..^".xdr.gz".Length];

    [Fact]
    public async Task VerifyFileAsync_EveryRealBucket_MatchesItsName()
    {
        var files = BucketFiles(Fixtures.TestnetSmall).Concat(BucketFiles(Fixtures.PubnetLegacy)).Concat(BucketFiles(Fixtures.TestnetHotArchive)).ToList();
        files.Should().HaveCountGreaterThan(100);
        foreach (var file in files)
        {
            var result = await BucketVerifier.VerifyFileAsync(file, HashOf(file));
            result.HashHex.Should().Be(HashOf(file));
            result.CompressedBytes.Should().Be(new FileInfo(file).Length);
            result.DecompressedBytes.Should().BeGreaterThan(0);
        }
    }

    [Fact]
    public async Task VerifyFileAsync_DecompressedBytes_HashLikeGunzipPipedToSha256()
    {
        var file = BucketFiles(Fixtures.PubnetLegacy).OrderByDescending(f => new FileInfo(f).Length).First();
        await using var gzip = new GZipStream(File.OpenRead(file), CompressionMode.Decompress);
        using var plain = new MemoryStream();
        await gzip.CopyToAsync(plain);

        var result = await BucketVerifier.VerifyFileAsync(file, HashOf(file));

        result.DecompressedBytes.Should().Be(plain.Length);
        Convert.ToHexStringLower(SHA256.HashData(plain.ToArray())).Should().Be(HashOf(file));
    }

    [Fact]
    public async Task VerifyFileAsync_ModernBucket_ReportsMetaEntry()
    {
        var withMeta = BucketFiles(Fixtures.TestnetSmall).Select(f => BucketVerifier.VerifyFileAsync(f, HashOf(f)).Result).ToList();
        withMeta.Should().Contain(r => r.HasMetaEntry && r.MetaLedgerVersion >= 11);

        // Pubnet 2017 (protocol 8) predates METAENTRY.
        var old = BucketFiles(Fixtures.PubnetLegacy).Select(f => BucketVerifier.VerifyFileAsync(f, HashOf(f)).Result).ToList();
        old.Should().OnlyContain(r => !r.HasMetaEntry && r.MetaLedgerVersion == null);
    }

    [Fact]
    public async Task VerifyAsync_WithCopyTo_CopiesTheCompressedBytesExactly()
    {
        var file = BucketFiles(Fixtures.TestnetSmall).OrderByDescending(f => new FileInfo(f).Length).First();
        using var copy = new MemoryStream();
        await using var source = File.OpenRead(file);

        var result = await BucketVerifier.VerifyAsync(source, HashOf(file), copyTo: copy);

        copy.ToArray().Should().Equal(await File.ReadAllBytesAsync(file));
        result.CompressedBytes.Should().Be(copy.Length);
    }

    [Fact]
    public async Task VerifyAsync_ContentOfAnotherBucket_HashMismatchNamingTheBucketPath()
    {
        var files = BucketFiles(Fixtures.TestnetSmall).Take(2).ToList();
        await using var other = File.OpenRead(files[1]);

        var act = () => BucketVerifier.VerifyAsync(other, HashOf(files[0]));

        var e = (await act.Should().ThrowAsync<HistoryVerificationException>()).Which;
        e.Kind.Should().Be(ProblemKind.HashMismatch);
        e.IsTrustFailure.Should().BeFalse();
        e.Problem.Path.Should().Be(ArchivePaths.Bucket(HashOf(files[0])));
        e.Message.Should().Contain(HashOf(files[0])).And.Contain("rule");
    }

    [Fact]
    public async Task VerifyAsync_TruncatedGzip_Corrupt()
    {
        var file = BucketFiles(Fixtures.PubnetLegacy).OrderByDescending(f => new FileInfo(f).Length).First();
        var bytes = await File.ReadAllBytesAsync(file);
        using var truncated = new MemoryStream(bytes, 0, bytes.Length / 2);

        var act = () => BucketVerifier.VerifyAsync(truncated, HashOf(file));

        (await act.Should().ThrowAsync<HistoryVerificationException>()).Which.Kind.Should().Be(ProblemKind.Corrupt);
    }

    [Fact]
    public async Task VerifyAsync_ZeroBytes_Corrupt()
    {
        var act = () => BucketVerifier.VerifyAsync(new MemoryStream(), new string('a', 64));

        var e = (await act.Should().ThrowAsync<HistoryVerificationException>()).Which;
        e.Kind.Should().Be(ProblemKind.Corrupt);
        e.Message.Should().Contain("0-byte");
    }

    [Fact]
    public async Task VerifyAsync_NotGzip_Corrupt()
    {
        var act = () => BucketVerifier.VerifyAsync(new MemoryStream(new byte[1000]), new string('a', 64));

        (await act.Should().ThrowAsync<HistoryVerificationException>()).Which.Kind.Should().Be(ProblemKind.Corrupt);
    }

    [Fact]
    public async Task VerifyAsync_GzipBombOverTheCap_CorruptBeforeReadingItAll()
    {
        using var bomb = new MemoryStream();
        await using (var gzip = new GZipStream(bomb, CompressionLevel.SmallestSize, leaveOpen: true))
        {
            var zeros = new byte[1 << 20];
            for (var i = 0; i < 64; i++)
            {
                await gzip.WriteAsync(zeros);
            }
        }

        bomb.Position = 0;
        var options = new HistoryVerificationOptions { MaxBucketDecompressedBytes = 8 << 20 };

        var act = () => BucketVerifier.VerifyAsync(bomb, new string('a', 64), options: options);

        var e = (await act.Should().ThrowAsync<HistoryVerificationException>()).Which;
        e.Kind.Should().Be(ProblemKind.Corrupt);
        e.Message.Should().Contain("cap");
    }

    [Fact]
    public async Task VerifyAsync_MultiMemberGzip_HashesAllMembers()
    {
        var plain = Gunzip(BucketFiles(Fixtures.PubnetLegacy).OrderByDescending(f => new FileInfo(f).Length).First());
        using var twoMembers = new MemoryStream();
        foreach (var part in new[] { plain[..(plain.Length / 3)], plain[(plain.Length / 3)..] })
        {
            await using var gzip = new GZipStream(twoMembers, CompressionLevel.Fastest, leaveOpen: true);
            await gzip.WriteAsync(part);
        }

        twoMembers.Position = 0;
        var result = await BucketVerifier.VerifyAsync(twoMembers, Convert.ToHexStringLower(SHA256.HashData(plain)));

        result.DecompressedBytes.Should().Be(plain.Length);
    }

    [Fact]
    public async Task VerifyAsync_HotArchiveBuckets_ReadAsHotArchiveEntries()
    {
        // The fixture archives hold no hot-archive bucket file; the derived streams from stellar-core captures do.
        var files = Directory.EnumerateFiles(Path.Combine(Fixtures.Xdr, "derived"), "bucket-hot-archive.xdr", SearchOption.AllDirectories).Take(20).ToList();
        files.Should().NotBeEmpty();
        var entries = 0L;
        foreach (var file in files)
        {
            var plain = File.ReadAllBytes(file);

            var result = await BucketVerifier.VerifyAsync(new MemoryStream(GzipOf(plain)), Convert.ToHexStringLower(SHA256.HashData(plain)));

            result.IsHotArchive.Should().BeTrue(file);
            entries += result.Entries - 1;
        }

        entries.Should().BeGreaterThan(0, "the streams hold archived and restored entries besides their METAENTRY");
    }

    [Fact]
    public async Task VerifyAsync_HtmlPageNamedByItsHash_CorruptNotABucket()
    {
        var page = "<html><body>This archive has moved.</body></html>\n"u8.ToArray();

        var act = () => BucketVerifier.VerifyAsync(new MemoryStream(GzipOf(page)), Convert.ToHexStringLower(SHA256.HashData(page)));

        var e = (await act.Should().ThrowAsync<HistoryVerificationException>()).Which;
        e.Kind.Should().Be(ProblemKind.Corrupt);
        e.Message.Should().Contain("bucket/").And.Contain("rule: a bucket is well-formed bucket XDR");
    }

    [Fact]
    public async Task VerifyAsync_MetaEntryAfterTheFirstRecord_Corrupt()
    {
        var records = Records(Gunzip(BucketFiles(Fixtures.TestnetSmall).OrderByDescending(f => new FileInfo(f).Length).First()));
        records.Count.Should().BeGreaterThan(2);
        byte[] plain = [.. records[1], .. records[0], .. records.Skip(2).SelectMany(r => r)];

        var act = () => BucketVerifier.VerifyAsync(new MemoryStream(GzipOf(plain)), Convert.ToHexStringLower(SHA256.HashData(plain)));

        (await act.Should().ThrowAsync<HistoryVerificationException>()).Which.Message.Should().Contain("METAENTRY, which may only be the first entry");
    }

    [Fact]
    public async Task VerifyAsync_LastRecordCutShort_Corrupt()
    {
        var plain = Gunzip(BucketFiles(Fixtures.TestnetSmall).OrderByDescending(f => new FileInfo(f).Length).First())[..^3];

        var act = () => BucketVerifier.VerifyAsync(new MemoryStream(GzipOf(plain)), Convert.ToHexStringLower(SHA256.HashData(plain)));

        (await act.Should().ThrowAsync<HistoryVerificationException>()).Which.Message.Should().Contain("at the end of the file");
    }

    [Fact]
    public async Task BucketRecordScanner_OneByteAtATime_ReadsEveryEntryLikeWholeRecords()
    {
        var file = BucketFiles(Fixtures.TestnetSmall).OrderByDescending(f => new FileInfo(f).Length).First();
        var plain = Gunzip(file);
        using var scanner = new BucketRecordScanner(file, 1 << 20, new XdrDecodeBudget(1 << 24));

        for (var i = 0; i < plain.Length; i++)
        {
            await scanner.ConsumeAsync(plain.AsMemory(i, 1), CancellationToken.None);
        }

        scanner.Complete();
        scanner.Entries.Should().Be(Records(plain).Count);
        scanner.MetaLedgerVersion.Should().NotBeNull();
    }

    private static byte[] Gunzip(string file)
    {
        using var gzip = new GZipStream(File.OpenRead(file), CompressionMode.Decompress);
        using var plain = new MemoryStream();
        gzip.CopyTo(plain);
        return plain.ToArray();
    }

    private static byte[] GzipOf(byte[] plain)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest, leaveOpen: true))
        {
            gzip.Write(plain);
        }

        return output.ToArray();
    }

    /// <summary>The records of a record-marked stream, each with its mark.</summary>
    private static List<byte[]> Records(byte[] plain)
    {
        var records = new List<byte[]>();
        for (var at = 0; at < plain.Length;)
        {
            var length = 4 + (int)(System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(plain.AsSpan(at)) & 0x7FFF_FFFF);
            records.Add(plain[at..(at + length)]);
            at += length;
        }

        return records;
    }

    [Fact]
    public async Task VerifyFileAsync_MissingFile_Missing()
    {
        var act = () => BucketVerifier.VerifyFileAsync(Path.Combine(Path.GetTempPath(), Guid.NewGuid() + ".xdr.gz"), new string('b', 64));

        (await act.Should().ThrowAsync<HistoryVerificationException>()).Which.Kind.Should().Be(ProblemKind.Missing);
    }

    [Fact]
    public async Task VerifyAsync_Cancelled_Throws()
    {
        var file = BucketFiles(Fixtures.PubnetLegacy).First();
        await using var source = File.OpenRead(file);
        using var cts = new CancellationTokenSource();
        await cts.CancelAsync();

        var act = () => BucketVerifier.VerifyAsync(source, HashOf(file), cancellationToken: cts.Token);

        await act.Should().ThrowAsync<OperationCanceledException>();
    }
}
