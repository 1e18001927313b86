using System.Text.Json;
using Stellar.HistoryWork.Cli.Tests.Support;
using Stellar.TestSupport;

namespace Stellar.HistoryWork.Cli.Tests.Commands;

public class VerifyCheckpointsCommandTests
{
    private const uint Newest = 10047;

    private static string TrustedNewest => $"{Newest}:{LedgerFiles.LastHash(ArchiveFixtures.LedgerFile(Fixtures.TestnetSmall, Newest))}";

    [Fact]
    public async Task Run_TestnetArchive_WritesTheHeadersCheckpointHashesNewestFirst()
    {
        using var temp = new TempDirectory();
        var output = temp.Combine("checkpoints.json");

        var run = await CliRun.RunAsync("verify-checkpoints", "--archive", Fixtures.TestnetSmall, "--trusted-hash", TrustedNewest, "--out", output);

        run.ExitCode.Should().Be(0, run.ToString());
        var pairs = ReadPairs(output);
        pairs[^1].Should().Be((0u, string.Empty), "the file ends with the sentinel");
        pairs = pairs[..^1];
        pairs.Should().HaveCount(157);
        pairs.Select(p => p.Ledger).Should().BeInDescendingOrder();
        foreach (var (ledger, hash) in pairs)
        {
            hash.Should().Be(LedgerFiles.LastHash(ArchiveFixtures.LedgerFile(Fixtures.TestnetSmall, ledger)), $"checkpoint {ledger}");
        }

        File.ReadAllLines(output).Skip(1).SkipLast(1).Should().OnlyContain(l => l.StartsWith('[') && (l.EndsWith("],") || l == "[0, \"\"]"), "one pair per line");
    }

    [Fact]
    public async Task Run_FileFedBackToCatchup_AnchorsTheRangeAndATamperedCopyIsRejected()
    {
        using var temp = new TempDirectory();
        var hashes = temp.Combine("checkpoints.json");
        (await CliRun.RunAsync("verify-checkpoints", "--archive", Fixtures.TestnetSmall, "--trusted-hash", TrustedNewest, "--out", hashes, "--quiet"))
            .ExitCode.Should().Be(0);

        var trustedRun = await CliRun.RunAsync(
            "catchup", "--archive", Fixtures.TestnetSmall, "--from", "5000", "--to", "6000", "--out", temp.Combine("good"), "--trusted-checkpoint-hashes", hashes, "--quiet");

        trustedRun.ExitCode.Should().Be(0, trustedRun.ToString());
        trustedRun.Output.Should().Contain("trusted: the chain ends at 6015:").And.Contain("from --trusted-checkpoint-hashes");

        var tampered = temp.Combine("tampered.json");
        var original = LedgerFiles.LastHash(ArchiveFixtures.LedgerFile(Fixtures.TestnetSmall, 6015));
        var replacement = (original[0] == 'a' ? "b" : "a") + original[1..];
        File.WriteAllText(tampered, File.ReadAllText(hashes).Replace(original, replacement, StringComparison.Ordinal));
        var report = temp.Combine("report.json");

        var rejected = await CliRun.RunAsync(
            "catchup", "--archive", Fixtures.TestnetSmall, "--from", "5000", "--to", "6000", "--out", temp.Combine("bad"), "--trusted-checkpoint-hashes", tampered, "--json", report, "--quiet");

        rejected.ExitCode.Should().Be(1, rejected.ToString());
        using var json = JsonDocument.Parse(File.ReadAllText(report));
        var problem = json.RootElement.GetProperty("problems")[0];
        problem.GetProperty("kind").GetString().Should().Be("untrusted");
        problem.GetProperty("ledger").GetUInt32().Should().Be(6015);
    }

    [Fact]
    public async Task Run_ExistingOlderFile_IsExtendedToWhatAFreshRunWrites()
    {
        using var temp = new TempDirectory();
        var fresh = temp.Combine("fresh.json");
        var extended = temp.Combine("extended.json");
        var older = $"5055:{LedgerFiles.LastHash(ArchiveFixtures.LedgerFile(Fixtures.TestnetSmall, 5055))}";
        (await CliRun.RunAsync("verify-checkpoints", "--archive", Fixtures.TestnetSmall, "--trusted-hash", TrustedNewest, "--out", fresh, "--quiet")).ExitCode.Should().Be(0);
        (await CliRun.RunAsync("verify-checkpoints", "--archive", Fixtures.TestnetSmall, "--trusted-hash", older, "--out", extended, "--quiet")).ExitCode.Should().Be(0);

        var run = await CliRun.RunAsync("verify-checkpoints", "--archive", Fixtures.TestnetSmall, "--trusted-hash", TrustedNewest, "--out", extended, "--quiet");

        run.ExitCode.Should().Be(0, run.ToString());
        run.Output.Should().Contain("kept         79 entries");
        File.ReadAllText(extended).Should().Be(File.ReadAllText(fresh));
    }

    [Fact]
    public async Task Run_WrongTrustedHash_ExitsOneAndWritesNoFile()
    {
        using var temp = new TempDirectory();
        var output = temp.Combine("checkpoints.json");
        var report = temp.Combine("report.json");

        var run = await CliRun.RunAsync(
            "verify-checkpoints", "--archive", Fixtures.TestnetSmall, "--trusted-hash", $"{Newest}:{new string('0', 64)}", "--out", output, "--json", report);

        run.ExitCode.Should().Be(1);
        File.Exists(output).Should().BeFalse();
        using var json = JsonDocument.Parse(File.ReadAllText(report));
        json.RootElement.GetProperty("problems")[0].GetProperty("kind").GetString().Should().Be("untrusted");
    }

    [Theory]
    [InlineData("verify-checkpoints", "--archive", "{archive}", "--out", "{out}")]
    [InlineData("verify-checkpoints", "--archive", "{archive}", "--trusted-hash", "10047:abc", "--out", "{out}")]
    [InlineData("verify-checkpoints", "--archive", "{archive}", "--trusted-hash", "20031:4af71c3e95ddaf22a4bd1badad287c284c0e48f112eeb8d4e8d8c8407e04a40b", "--out", "{out}")]
    [InlineData("verify-checkpoints", "--archive", "{archive}", "--trusted-hash", "10047:4af71c3e95ddaf22a4bd1badad287c284c0e48f112eeb8d4e8d8c8407e04a40b")]
    public async Task Run_BadCommandLine_ExitsTwo(params string[] template)
    {
        using var temp = new TempDirectory();
        var args = template.Select(a => a.Replace("{archive}", Fixtures.TestnetSmall).Replace("{out}", temp.Combine("c.json"))).ToArray();

        var run = await CliRun.RunAsync(args);

        run.ExitCode.Should().Be(2, run.ToString());
        run.Error.Should().StartWith("error:").And.NotContain("   at ");
        File.Exists(temp.Combine("c.json")).Should().BeFalse();
    }

    [Fact]
    public async Task Run_ArchiveRefusingConnections_ReportsUnreachableAndExitsThree()
    {
        // Issue 9 defect 4: a root state that could not be reached is "unreachable" (exit 3: retry later), not bad data (exit 1).
        using var temp = new TempDirectory();
        var report = temp.Combine("report.json");
        var archive = RefusingArchive.Location();

        var run = await CliRun.RunAsync(
            "verify-checkpoints", "--archive", archive, "--trusted-hash", TrustedNewest, "--out", temp.Combine("c.json"), "--retries", "0", "--json", report, "--quiet");

        run.ExitCode.Should().Be(3, run.ToString());
        using var json = JsonDocument.Parse(File.ReadAllText(report));
        json.RootElement.GetProperty("problems").EnumerateArray().Select(p => p.GetProperty("kind").GetString()).Should().Equal("unreachable");
        File.Exists(temp.Combine("c.json")).Should().BeFalse();
    }

    private static List<(uint Ledger, string Hash)> ReadPairs(string file)
    {
        using var json = JsonDocument.Parse(File.ReadAllText(file));
        return json.RootElement.EnumerateArray().Select(p => (p[0].GetUInt32(), p[1].GetString()!)).ToList();
    }
}
