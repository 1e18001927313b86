using System.Buffers.Binary;
using System.IO.Compression;
using System.Text.Json;
using Stellar.HistoryWork.Cli.Tests.Support;
using Stellar.TestSupport;

namespace Stellar.HistoryWork.Cli.Tests.Commands;

public class DumpXdrCommandTests
{
    private static readonly string FirstLedgerFile = Path.Combine(Fixtures.TestnetSmall, "ledger", "00", "00", "00", "ledger-0000003f.xdr.gz");

    [Fact]
    public async Task Run_LedgerFile_PrintsLedgers1To63ChainedOnePerLine()
    {
        var run = await CliRun.RunAsync("dump-xdr", FirstLedgerFile);

        run.ExitCode.Should().Be(0, run.ToString());
        run.OutputLines.Should().HaveCount(63, "the first checkpoint holds ledgers 1..63");
        using var first = JsonDocument.Parse(run.OutputLines[0]);
        first.RootElement.GetProperty("header").GetProperty("ledgerSeq").GetUInt32().Should().Be(1);
        using var last = JsonDocument.Parse(run.OutputLines[^1]);
        last.RootElement.GetProperty("header").GetProperty("ledgerSeq").GetUInt32().Should().Be(63);
        last.RootElement.GetProperty("header").GetProperty("previousLedgerHash").GetString()
            .Should().Be(JsonDocument.Parse(run.OutputLines[^2]).RootElement.GetProperty("hash").GetString());
    }

    [Theory]
    [InlineData("transactions", "txSet")]
    [InlineData("results", "txResultSet")]
    [InlineData("scp", "v0")]
    public async Task Run_CheckpointFileOfEachKind_InfersTheTypeFromTheName(string kind, string fieldOfTheType)
    {
        var file = Directory.EnumerateFiles(Path.Combine(Fixtures.TestnetSmall, kind), "*.xdr.gz", SearchOption.AllDirectories)
            .OrderByDescending(f => new FileInfo(f).Length)
            .First();

        var run = await CliRun.RunAsync("dump-xdr", file);

        run.ExitCode.Should().Be(0, run.ToString());
        run.OutputLines.Should().NotBeEmpty();
        foreach (var line in run.OutputLines)
        {
            using var record = JsonDocument.Parse(line);
            record.RootElement.TryGetProperty(fieldOfTheType, out _).Should().BeTrue(line[..Math.Min(200, line.Length)]);
        }
    }

    [Fact]
    public async Task Run_BucketFile_StartsWithTheMetaEntryAndPrintsEveryRecord()
    {
        var file = Directory.EnumerateFiles(Path.Combine(Fixtures.TestnetSmall, "bucket"), "*.xdr.gz", SearchOption.AllDirectories)
            .OrderByDescending(f => new FileInfo(f).Length)
            .First();

        var run = await CliRun.RunAsync("dump-xdr", file);

        run.ExitCode.Should().Be(0, run.ToString());
        JsonDocument.Parse(run.OutputLines[0]).RootElement.GetProperty("type").GetString().Should().Be("METAENTRY");
        run.OutputLines.Length.Should().Be(CountRecords(file));
    }

    [Fact]
    public async Task Run_HotArchiveBucket_IsReadAsHotArchiveEntries()
    {
        var file = Directory.EnumerateFiles(Path.Combine(Fixtures.Xdr, "derived"), "bucket-hot-archive.xdr", SearchOption.AllDirectories)
            .First(f => new FileInfo(f).Length > 0);

        var run = await CliRun.RunAsync("dump-xdr", file);

        run.ExitCode.Should().Be(0, run.ToString());
        JsonDocument.Parse(run.OutputLines[0]).RootElement.GetProperty("type").GetString().Should().Be("HOT_ARCHIVE_METAENTRY");
    }

    [Fact]
    public async Task Run_ExplicitTypeOnAnUnguessableName_DecodesWithThatType()
    {
        using var temp = new TempDirectory();
        var copy = temp.Combine("headers.bin");
        File.Copy(FirstLedgerFile, copy);

        var run = await CliRun.RunAsync("dump-xdr", copy, "--type", "LedgerHeaderHistoryEntry");

        run.ExitCode.Should().Be(0, run.ToString());
        run.OutputLines.Should().HaveCount(63);
    }

    [Fact]
    public async Task Run_MissingFile_IsAUsageErrorWithoutStackTrace()
    {
        var run = await CliRun.RunAsync("dump-xdr", "/no/such/ledger-0000003f.xdr.gz");

        run.ExitCode.Should().Be(2);
        run.Error.Should().Contain("does not exist").And.NotContain("   at ");
        run.Output.Should().BeEmpty();
    }

    [Fact]
    public async Task Run_NameWithoutAKnownPrefix_AsksForType()
    {
        using var temp = new TempDirectory();
        var copy = temp.Combine("mystery.xdr.gz");
        File.Copy(FirstLedgerFile, copy);

        var run = await CliRun.RunAsync("dump-xdr", copy);

        run.ExitCode.Should().Be(2);
        run.Error.Should().Contain("--type").And.Contain("mystery.xdr.gz").And.NotContain("   at ");
    }

    [Fact]
    public async Task Run_UnknownType_IsAUsageErrorSuggestingNames()
    {
        var run = await CliRun.RunAsync("dump-xdr", FirstLedgerFile, "--type", "LedgerHeaderHistory");

        run.ExitCode.Should().Be(2);
        run.Error.Should().Contain("unknown XDR type 'LedgerHeaderHistory'").And.Contain("LedgerHeaderHistoryEntry").And.NotContain("   at ");
    }

    [Fact]
    public async Task Run_NoFileArgument_IsAUsageError()
    {
        var run = await CliRun.RunAsync("dump-xdr");

        run.ExitCode.Should().Be(2);
        run.Error.Should().Contain("error:").And.NotContain("   at ");
    }

    [Fact]
    public async Task Run_TruncatedGzip_ExitsOneNamingTheFileAndOffset()
    {
        using var temp = new TempDirectory();
        var cut = temp.Combine("ledger-0000003f.xdr.gz");
        var bytes = File.ReadAllBytes(FirstLedgerFile);
        File.WriteAllBytes(cut, bytes[..(bytes.Length / 2)]);

        var run = await CliRun.RunAsync("dump-xdr", cut);

        run.ExitCode.Should().Be(1);
        run.Error.Should().Contain(cut).And.MatchRegex("at byte [0-9]+").And.NotContain("   at ");
    }

    [Fact]
    public async Task Run_RecordWithAnUnknownUnionArm_ExitsOneNamingTheRecordAndOffset()
    {
        using var temp = new TempDirectory();
        var plain = Decompress(FirstLedgerFile);
        var firstLength = (int)(BinaryPrimitives.ReadUInt32BigEndian(plain) & 0x7FFF_FFFF);
        // The last field of LedgerHeaderHistoryEntry is its ext union; arm 7 does not exist.
        BinaryPrimitives.WriteInt32BigEndian(plain.AsSpan(4 + firstLength - 4), 7);
        var bad = temp.Combine("ledger-0000003f.xdr");
        File.WriteAllBytes(bad, plain);

        var run = await CliRun.RunAsync("dump-xdr", bad);

        run.ExitCode.Should().Be(1);
        run.Error.Should().Contain(bad).And.Contain("record 1").And.Contain($"at byte {firstLength} ").And.NotContain("   at ");
        run.Output.Should().BeEmpty();
    }

    private static byte[] Decompress(string gzipFile)
    {
        using var input = new GZipStream(File.OpenRead(gzipFile), CompressionMode.Decompress);
        using var output = new MemoryStream();
        input.CopyTo(output);
        return output.ToArray();
    }

    private static int CountRecords(string gzipFile)
    {
        var plain = Decompress(gzipFile);
        var count = 0;
        for (var at = 0; at < plain.Length; count++)
        {
            at += 4 + (int)(BinaryPrimitives.ReadUInt32BigEndian(plain.AsSpan(at)) & 0x7FFF_FFFF);
        }

        return count;
    }
}
