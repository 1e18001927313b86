using Stellar.TestSupport;

namespace Stellar.Xdr.Tests.Records;

public class XdrRecordWriterTests
{
    [Fact]
    public void WriteRecord_Body_SetsBit31InTheMark()
    {
        using var output = new MemoryStream();
        using (var writer = new XdrRecordWriter(output, leaveOpen: true))
        {
            writer.WriteRecord([1, 2, 3, 4]);
        }

        output.ToArray().Should().Equal(0x80, 0, 0, 4, 1, 2, 3, 4);
    }

    [Fact]
    public async Task WriteAsync_RealLedgerRecords_ReproducesTheDecompressedFile()
    {
        var path = ArchiveFiles.Files(Fixtures.TestnetSmall, "ledger").Last();
        using var original = new MemoryStream();
        await using (var gzip = new System.IO.Compression.GZipStream(File.OpenRead(path), System.IO.Compression.CompressionMode.Decompress))
        {
            await gzip.CopyToAsync(original);
        }

        using var output = new MemoryStream();
        await using (var writer = new XdrRecordWriter(output, leaveOpen: true))
        {
            foreach (var record in ArchiveFiles.Records(path))
            {
                await writer.WriteAsync(LedgerHeaderHistoryEntry.FromXdr(record));
            }
        }

        output.ToArray().Should().Equal(original.ToArray());
    }
}
