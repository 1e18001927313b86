using System.Text.Json;
using Stellar.HistoryWork.Cli.Tests.Support;
using Stellar.TestSupport;

namespace Stellar.HistoryWork.Cli.Tests.Range;

/// <summary>Issue 11: <c>catchup --to N</c> follows the reference node's minimal catchup (stellar-core CatchupRange).</summary>
public class CatchupRangeCommandTests
{
    [Fact]
    public async Task Catchup_ToALedgerInsideACheckpoint_BucketsAtTheCheckpointBeforeAndFilesToReplayToIt()
    {
        using var temp = new TempDirectory();
        var output = temp.Combine("out");
        var report = temp.Combine("report.json");

        var run = await CliRun.RunAsync("catchup", "--archive", Fixtures.TestnetSmall, "--to", "100", "--out", output, "--json", report, "--quiet");

        run.ExitCode.Should().Be(0, run.ToString());
        run.Output.Should().Contain("buckets at 63, replay 64..100");
        File.Exists(Path.Combine(output, "history", "00", "00", "00", "history-0000003f.json")).Should().BeTrue("the buckets applied are those of checkpoint 63");
        File.Exists(Path.Combine(output, "history", "00", "00", "00", "history-0000007f.json")).Should().BeFalse("the state at 127 is newer than ledger 100");
        File.Exists(Path.Combine(output, "transactions", "00", "00", "00", "transactions-0000007f.xdr.gz")).Should().BeTrue("ledgers 64..100 are replayed");
        File.Exists(ArchiveFixtures.LedgerFile(output, 63)).Should().BeTrue("checkpoint 63's headers bind its HAS");
        using var json = JsonDocument.Parse(File.ReadAllText(report));
        json.RootElement.GetProperty("fromLedger").GetUInt32().Should().Be(63);
        json.RootElement.GetProperty("toLedger").GetUInt32().Should().Be(100);
    }

    [Fact]
    public async Task Catchup_ToACheckpoint_OnlyThatCheckpointsStateAndHeaders()
    {
        using var temp = new TempDirectory();
        var output = temp.Combine("out");

        var run = await CliRun.RunAsync("catchup", "--archive", Fixtures.TestnetSmall, "--to", "127", "--out", output, "--quiet");

        run.ExitCode.Should().Be(0, run.ToString());
        run.Output.Should().Contain("buckets at 127 (");
        ArchiveFixtures.CountFiles(Path.Combine(output, "history"), "*.json").Should().Be(1);
        File.Exists(ArchiveFixtures.LedgerFile(output, 63)).Should().BeFalse();
    }
}
