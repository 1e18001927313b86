using System.Text.Json;
using Stellar.HistoryWork.Cli.Tests.Support;
using Stellar.TestSupport;

namespace Stellar.HistoryWork.Cli.Tests.Commands;

/// <summary>What an operator reads on the console: option errors, problem lines, the cap on them, Ctrl-C.</summary>
public class ConsoleMessagesTests
{
    [Theory]
    [InlineData("--to", "abc", "--to: 'abc' is not a ledger number")]
    [InlineData("--from", "-5", "--from: '-5' is not a ledger number")]
    [InlineData("--from", "0", "--from: ledgers start at 1")]
    [InlineData("--concurrency", "many", "--concurrency: 'many' is not a whole number")]
    [InlineData("--concurrency", "0", "--concurrency: must be at least 1")]
    public async Task Verify_BadNumberOption_SaysWhichOptionAndWhatIsWrong(string option, string value, string expected)
    {
        var run = await CliRun.RunAsync("verify", "--archive", Fixtures.TestnetSmall, option, value);

        run.ExitCode.Should().Be(2, run.ToString());
        run.Error.Should().Contain(expected).And.NotContain("System.").And.NotContain("Nullable");
    }

    [Fact]
    public async Task Verify_ProblemLines_NameEachPathOnce()
    {
        var run = await CliRun.RunAsync("verify", "--archive", Fixtures.TestnetHotArchive, "--quiet");

        var lines = run.OutputLines.Where(l => l.StartsWith("missing: bucket/", StringComparison.Ordinal)).ToArray();
        lines.Should().NotBeEmpty(run.ToString());
        foreach (var line in lines)
        {
            var path = line["missing: ".Length..line.IndexOf(".xdr.gz", StringComparison.Ordinal)];
            line.Split(path).Length.Should().Be(2, "the path is named once: {0}", line);
        }
    }

    [Fact]
    public async Task Verify_ManyProblems_ConsoleShowsTwentyAndTheJsonAll()
    {
        using var temp = new TempDirectory();
        var archive = ArchiveFixtures.CopyArchive(Fixtures.TestnetSmall, temp);
        for (uint checkpoint = 9023; checkpoint <= 10047; checkpoint += 64)
        {
            File.Delete(ArchiveFixtures.LedgerFile(archive, checkpoint));
            File.Delete(ArchiveFixtures.LedgerFile(archive, checkpoint).Replace("ledger", "results", StringComparison.Ordinal));
        }

        var report = temp.Combine("report.json");
        var run = await CliRun.RunAsync("verify", "--archive", archive, "--from", "9000", "--quiet", "--json", report);

        run.ExitCode.Should().Be(1, run.ToString());
        using var json = JsonDocument.Parse(File.ReadAllText(report));
        var total = json.RootElement.GetProperty("problems").GetArrayLength();
        total.Should().BeGreaterThan(20);
        run.OutputLines.Count(l => l.StartsWith("missing: ", StringComparison.Ordinal) || l.StartsWith("chain-break: ", StringComparison.Ordinal)).Should().BeLessThanOrEqualTo(20);
        run.Output.Should().Contain($"… and {total - 20} more; see --json");
    }

    [Fact]
    public async Task Catchup_Cancelled_Exits130AndSaysWhatWasKept()
    {
        using var temp = new TempDirectory();
        using var cancellation = new CancellationTokenSource();
        await cancellation.CancelAsync();

        var run = await CliRun.RunAsync(false, cancellation.Token, "catchup", "--archive", Fixtures.TestnetSmall, "--to", "10047", "--out", temp.Combine("out"));

        run.ExitCode.Should().Be(130, run.ToString());
        run.Error.Should().StartWith("cancelled: ");
    }
}
