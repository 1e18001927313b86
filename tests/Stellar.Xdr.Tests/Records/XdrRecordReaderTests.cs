using System.IO.Compression;
using Stellar.TestSupport;

namespace Stellar.Xdr.Tests.Records;

public class XdrRecordReaderTests
{
    [Fact]
    public void ReadNext_TwoRecords_YieldsBodiesThenCleanEnd()
    {
        using var reader = new XdrRecordReader(new MemoryStream([0x80, 0, 0, 4, 1, 2, 3, 4, 0, 0, 0, 0]));
        reader.ReadNext().Should().BeTrue();
        reader.CurrentSpan.ToArray().Should().Equal(1, 2, 3, 4);
        reader.CurrentOffset.Should().Be(0);
        reader.ReadNext().Should().BeTrue("bit 31 is masked, an unset bit is accepted");
        reader.CurrentSpan.Length.Should().Be(0);
        reader.CurrentOffset.Should().Be(8);
        reader.ReadNext().Should().BeFalse();
    }

    [Fact]
    public void ReadNext_EmptyStream_IsCleanEnd()
    {
        using var reader = new XdrRecordReader(new MemoryStream());
        reader.ReadNext().Should().BeFalse();
    }

    [Fact]
    public void ReadNext_PartialHeader_ThrowsTruncatedRecordHeader()
    {
        using var reader = new XdrRecordReader(new MemoryStream([0x80, 0, 0, 4, 1, 2, 3, 4, 0x80, 0]), sourceName: "x.xdr");
        reader.ReadNext().Should().BeTrue();
        var error = ((Action)(() => reader.ReadNext())).Should().Throw<XdrStreamException>().Which;
        error.Rule.Should().Be(XdrRule.TruncatedRecordHeader);
        error.Offset.Should().Be(8);
        error.Message.Should().Contain("x.xdr");
    }

    [Fact]
    public void ReadNext_LengthPastEnd_ThrowsTruncatedRecordBody()
    {
        using var reader = new XdrRecordReader(new MemoryStream([0x80, 0, 0, 16, 1, 2, 3, 4]));
        var act = () => reader.ReadNext();
        act.Should().Throw<XdrStreamException>().Which.Rule.Should().Be(XdrRule.TruncatedRecordBody);
    }

    [Fact]
    public void ReadNext_HugeLength_ThrowsRecordTooLargeWithoutAllocating()
    {
        using var reader = new XdrRecordReader(new MemoryStream([0xFF, 0xFF, 0xFF, 0xFF]));
        var before = GC.GetAllocatedBytesForCurrentThread();
        var act = () => reader.ReadNext();
        act.Should().Throw<XdrStreamException>().Which.Rule.Should().Be(XdrRule.RecordTooLarge);
        (GC.GetAllocatedBytesForCurrentThread() - before).Should().BeLessThan(1 << 20);
    }

    [Fact]
    public async Task ReadNextAsync_RealLedgerFile_MatchesSyncReader()
    {
        var path = ArchiveFiles.Files(Fixtures.TestnetSmall, "ledger").First();
        var sync = ArchiveFiles.Records(path);
        await using var reader = XdrRecordReader.OpenFile(path);
        var index = 0;
        while (await reader.ReadNextAsync())
        {
            reader.CurrentSpan.ToArray().Should().Equal(sync[index++]);
            reader.DecodeCurrent<LedgerHeaderHistoryEntry>().Header.LedgerSeq.Should().BeGreaterThan(0);
        }

        index.Should().Be(sync.Count).And.Be(63, "the first checkpoint holds ledgers 1..63");
    }

    [Fact]
    public void ReadNext_GzipCutShort_ThrowsTypedStreamException()
    {
        var path = ArchiveFiles.Files(Fixtures.TestnetSmall, "ledger").First();
        var compressed = File.ReadAllBytes(path);
        foreach (var keep in new[] { compressed.Length / 2, compressed.Length - 8, compressed.Length - 1 })
        {
            using var reader = XdrRecordReader.OpenGzip(new MemoryStream(compressed[..keep]), sourceName: path);
            var act = () =>
            {
                while (reader.ReadNext())
                {
                }
            };
            act.Should().Throw<XdrStreamException>("{0} of {1} bytes", keep, compressed.Length);
        }
    }

    [Fact]
    public void OpenGzip_MultiMemberGzip_ReadsAllRecords()
    {
        var first = Gzip([0x80, 0, 0, 4, 1, 2, 3, 4]);
        var second = Gzip([0x80, 0, 0, 4, 5, 6, 7, 8]);
        using var reader = XdrRecordReader.OpenGzip(new MemoryStream([.. first, .. second]));
        reader.ReadNext().Should().BeTrue();
        reader.ReadNext().Should().BeTrue();
        reader.CurrentSpan.ToArray().Should().Equal(5, 6, 7, 8);
        reader.ReadNext().Should().BeFalse();
    }

    [Fact]
    public void DecodeCurrent_BadRecord_ReportsStreamOffset()
    {
        using var reader = new XdrRecordReader(new MemoryStream([0x80, 0, 0, 4, 0, 0, 0, 0, 0x80, 0, 0, 4, 0, 0, 0, 9]));
        reader.ReadNext().Should().BeTrue();
        reader.ReadNext().Should().BeTrue();
        var act = () => reader.DecodeCurrent<TransactionHistoryResultEntryExt>();
        act.Should().Throw<XdrFormatException>().Which.Offset.Should().Be(12);
    }

    private static byte[] Gzip(byte[] data)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest, leaveOpen: true))
        {
            gzip.Write(data);
        }

        return output.ToArray();
    }
}
