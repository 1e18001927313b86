using System.Text.Json;
using Stellar.HistoryWork.Cli.Tests.Support;
using Stellar.TestSupport;

namespace Stellar.HistoryWork.Cli.Tests.Commands;

public class CatchupCommandTests
{
    private const uint NewestCheckpoint = 10047;

    private static string NewestTrustedHash =>
        $"{NewestCheckpoint}:{LedgerFiles.LastHash(ArchiveFixtures.LedgerFile(Fixtures.TestnetSmall, NewestCheckpoint))}";

    [Fact]
    public async Task Run_TestnetRange_WritesVerifiedFilesInArchiveLayoutAndAReport()
    {
        using var temp = new TempDirectory();
        var output = temp.Combine("out");
        var report = temp.Combine("report.json");

        var run = await CliRun.RunAsync(
            "catchup", "--archive", Fixtures.TestnetSmall, "--from", "9000", "--to", "10000", "--out", output, "--json", report);

        run.ExitCode.Should().Be(0, run.ToString());
        // The reference node's catchup 10000/1001: buckets at 8959 (the checkpoint before 9023, which holds 9000),
        // whose headers bind its HAS, then the files of 9023..10047 to replay 8960..10000.
        for (var checkpoint = 8959u; checkpoint <= NewestCheckpoint; checkpoint += 64)
        {
            File.Exists(ArchiveFixtures.LedgerFile(output, checkpoint)).Should().BeTrue($"checkpoint {checkpoint} is in the range");
        }

        File.Exists(ArchiveFixtures.LedgerFile(output, 8895)).Should().BeFalse("checkpoint 8895 is before the range");
        File.Exists(Path.Combine(output, "history", "00", "00", "22", "history-000022ff.json")).Should().BeTrue("the buckets are applied at 8959");
        using var json = JsonDocument.Parse(File.ReadAllText(report));
        json.RootElement.GetProperty("ok").GetBoolean().Should().BeTrue();
        json.RootElement.GetProperty("checkpoints").GetInt32().Should().Be(18);
        json.RootElement.GetProperty("files").GetInt32().Should().Be(ArchiveFixtures.CountFiles(output, "*.xdr.gz"));
        json.RootElement.GetProperty("bytes").GetInt64().Should().BeGreaterThan(0);
        json.RootElement.GetProperty("problems").GetArrayLength().Should().Be(0);
        run.Output.Should().Contain("UNTRUSTED", "no trusted hash was given");
    }

    [Fact]
    public async Task Run_TrustedHashOfTheNewestLedger_SaysTheChainIsTrusted()
    {
        using var temp = new TempDirectory();

        var run = await CliRun.RunAsync(
            "catchup", "--archive", Fixtures.TestnetSmall, "--to", "10047", "--out", temp.Combine("out"), "--trusted-hash", NewestTrustedHash, "--quiet");

        run.ExitCode.Should().Be(0, run.ToString());
        run.Output.Should().Contain("trusted: the chain ends at the trusted hash " + NewestTrustedHash).And.NotContain("UNTRUSTED");
        run.Output.Should().NotContain("[00:", "--quiet prints no progress");
    }

    [Fact]
    public async Task Run_Interactive_DrawsLiveBarsInsteadOfPlainLines()
    {
        using var temp = new TempDirectory();

        var run = await CliRun.RunAsync(
            interactive: true, "catchup", "--archive", Fixtures.TestnetSmall, "--from", "9900", "--to", "10047", "--out", temp.Combine("out"));

        run.ExitCode.Should().Be(0, run.ToString());
        run.Output.Should().Contain("ledger headers 4/4 (100%)").And.NotMatchRegex(@"(?m)^\[[0-9]{2}:[0-9]{2}\] ", "plain lines are for redirected output");
    }

    [Fact]
    public async Task Run_WrongTrustedHash_ExitsOneWithAnUntrustedProblem()
    {
        using var temp = new TempDirectory();
        var report = temp.Combine("report.json");
        var wrong = $"{NewestCheckpoint}:{new string('a', 64)}";

        var run = await CliRun.RunAsync(
            "catchup", "--archive", Fixtures.TestnetSmall, "--to", "10047", "--out", temp.Combine("out"), "--trusted-hash", wrong, "--json", report);

        run.ExitCode.Should().Be(1, run.ToString());
        using var json = JsonDocument.Parse(File.ReadAllText(report));
        json.RootElement.GetProperty("ok").GetBoolean().Should().BeFalse();
        var problem = json.RootElement.GetProperty("problems")[0];
        problem.GetProperty("kind").GetString().Should().Be("untrusted");
        problem.GetProperty("ledger").GetUInt32().Should().Be(NewestCheckpoint);
        problem.GetProperty("path").GetString().Should().Be("ledger/00/00/27/ledger-0000273f.xdr.gz");
    }

    [Fact]
    public async Task Run_PoolWhoseFirstArchiveLacksAFile_FailsOverToTheSecond()
    {
        using var temp = new TempDirectory();
        var damaged = ArchiveFixtures.CopyArchive(Fixtures.TestnetSmall, temp, "damaged");
        File.Delete(ArchiveFixtures.LedgerFile(damaged, 9983));

        var run = await CliRun.RunAsync(
            "catchup", "--archive", damaged, "--archive", Fixtures.TestnetSmall, "--from", "9900", "--to", "10047", "--out", temp.Combine("out"), "--quiet");

        run.ExitCode.Should().Be(0, run.ToString());
        File.Exists(ArchiveFixtures.LedgerFile(temp.Combine("out"), 9983)).Should().BeTrue();
    }

    [Fact]
    public async Task Run_ArchiveMissingBuckets_ExitsOneAndReportsTheProblem()
    {
        using var temp = new TempDirectory();
        var report = temp.Combine("report.json");

        var run = await CliRun.RunAsync(
            "catchup", "--archive", Fixtures.TestnetHotArchive, "--to", "127", "--out", temp.Combine("out"), "--retries", "0", "--json", report);

        run.ExitCode.Should().Be(1, run.ToString());
        run.Error.Should().Contain("FAILED").And.Contain("bucket-").And.NotContain("   at ");
        using var json = JsonDocument.Parse(File.ReadAllText(report));
        json.RootElement.GetProperty("ok").GetBoolean().Should().BeFalse();
        json.RootElement.GetProperty("problems").GetArrayLength().Should().BeGreaterThan(0);
    }

    [Theory]
    [InlineData("catchup", "--archive", "{archive}", "--out", "{out}")]
    [InlineData("catchup", "--archive", "{archive}", "--to", "10047")]
    [InlineData("catchup", "--archive", "{archive}", "--to", "100", "--from", "200", "--out", "{out}")]
    [InlineData("catchup", "--archive", "{archive}", "--to", "20000", "--out", "{out}")]
    [InlineData("catchup", "--archive", "{archive}", "--to", "10047", "--out", "{out}", "--trusted-hash", "10047:xyz")]
    [InlineData("catchup", "--archive", "{archive}", "--to", "10047", "--out", "{out}", "--trusted-hash", "9000:4af71c3e95ddaf22a4bd1badad287c284c0e48f112eeb8d4e8d8c8407e04a40b")]
    [InlineData("catchup", "--archive", "{archive}", "--to", "10047", "--out", "{out}", "--concurrency", "0")]
    [InlineData("catchup", "--archive", "{archive}", "--to", "10047", "--out", "{out}", "--trusted-checkpoint-hashes", "/no/such/file.json")]
    [InlineData("catchup", "--archive", "{archive}", "--to", "ten", "--out", "{out}")]
    public async Task Run_BadCommandLine_ExitsTwoWithAClearMessage(params string[] template)
    {
        using var temp = new TempDirectory();
        var args = template.Select(a => a.Replace("{archive}", Fixtures.TestnetSmall).Replace("{out}", temp.Combine("out"))).ToArray();

        var run = await CliRun.RunAsync(args);

        run.ExitCode.Should().Be(2, run.ToString());
        run.Error.Should().StartWith("error:").And.NotContain("   at ");
        Directory.Exists(temp.Combine("out")).Should().BeFalse("nothing is downloaded for a bad command line");
    }
}
