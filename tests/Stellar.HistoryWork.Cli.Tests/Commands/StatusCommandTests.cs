using System.Text.Json;
using Stellar.HistoryWork.Cli.Tests.Support;
using Stellar.TestSupport;

namespace Stellar.HistoryWork.Cli.Tests.Commands;

public class StatusCommandTests
{
    [Fact]
    public async Task Run_TestnetArchive_SummarisesTheRootState()
    {
        var run = await CliRun.RunAsync("status", "--archive", Fixtures.TestnetSmall);

        run.ExitCode.Should().Be(0, run.ToString());
        run.Output.Should().MatchRegex(@"current ledger\s+10047")
            .And.MatchRegex(@"checkpoint\s+10047: checkpoint 157 at 64 ledgers per checkpoint")
            .And.MatchRegex(@"network passphrase\s+Test SDF Network ; September 2015")
            .And.MatchRegex(@"server\s+stellar-core 22\.4\.1")
            .And.MatchRegex(@"HAS version\s+1");
    }

    [Fact]
    public async Task Run_JsonToStandardOutput_CountsBucketsAsTheFileReferencesThem()
    {
        var run = await CliRun.RunAsync("status", "--archive", new Uri(Fixtures.PubnetLegacy).AbsoluteUri, "--json", "-");

        run.ExitCode.Should().Be(0, run.ToString());
        using var json = JsonDocument.Parse(run.Output);
        var root = json.RootElement;
        root.GetProperty("ok").GetBoolean().Should().BeTrue();
        root.GetProperty("currentLedger").GetUInt32().Should().Be(12001023);
        root.GetProperty("networkPassphrase").ValueKind.Should().Be(JsonValueKind.Null);
        root.GetProperty("liveBuckets").GetInt32().Should().Be(CountDistinctNonZeroBuckets(Path.Combine(Fixtures.PubnetLegacy, ".well-known", "stellar-history.json")));
        root.GetProperty("pendingMerges").GetInt32().Should().BeGreaterThan(0, "this archive's HAS has next.state 1 levels");
    }

    [Fact]
    public async Task Run_HotArchiveFixture_SaysItsVersion2StateListsNoHotBuckets()
    {
        using var temp = new TempDirectory();
        var report = temp.Combine("status.json");

        var run = await CliRun.RunAsync("status", "--archive", Fixtures.TestnetHotArchive, "--json", report);

        run.ExitCode.Should().Be(0, run.ToString());
        run.Output.Should().MatchRegex(@"HAS version\s+2").And.Contain("hand-edited");
        using var json = JsonDocument.Parse(File.ReadAllText(report));
        json.RootElement.GetProperty("hasVersion").GetInt32().Should().Be(2);
        json.RootElement.GetProperty("hotArchiveBuckets").ValueKind.Should().Be(JsonValueKind.Null);
    }

    [Fact]
    public async Task Run_OtherNetworkPassphrase_ExitsOneWithAPassphraseProblem()
    {
        using var temp = new TempDirectory();
        var report = temp.Combine("status.json");

        var run = await CliRun.RunAsync(
            "status", "--archive", Fixtures.TestnetSmall, "--network-passphrase", "Public Global Stellar Network ; September 2015", "--json", report);

        run.ExitCode.Should().Be(1);
        run.Error.Should().Contain("passphrase").And.NotContain("   at ");
        using var json = JsonDocument.Parse(File.ReadAllText(report));
        json.RootElement.GetProperty("ok").GetBoolean().Should().BeFalse();
        json.RootElement.GetProperty("problems")[0].GetProperty("kind").GetString().Should().Be("passphrase-mismatch");
    }

    [Fact]
    public async Task Run_DirectoryWithoutAnArchive_ExitsOneWithAMissingProblem()
    {
        using var temp = new TempDirectory();

        var run = await CliRun.RunAsync("status", "--archive", temp.Path);

        run.ExitCode.Should().Be(1);
        run.Error.Should().Contain("missing").And.Contain(".well-known/stellar-history.json");
    }

    [Theory]
    [InlineData("status")]
    [InlineData("status", "--archive", "/no/such/archive/dir")]
    [InlineData("status", "--archive", "ftp://example.org/archive")]
    [InlineData("status", "--archive", "x", "--checkpoint-frequency", "0")]
    public async Task Run_BadCommandLine_ExitsTwoWithoutStackTrace(params string[] args)
    {
        var run = await CliRun.RunAsync(args);

        run.ExitCode.Should().Be(2);
        run.Error.Should().StartWith("error:").And.NotContain("   at ");
    }

    private static int CountDistinctNonZeroBuckets(string hasFile)
    {
        using var json = JsonDocument.Parse(File.ReadAllText(hasFile));
        var hashes = new HashSet<string>();
        foreach (var level in json.RootElement.GetProperty("currentBuckets").EnumerateArray())
        {
            hashes.Add(level.GetProperty("curr").GetString()!);
            hashes.Add(level.GetProperty("snap").GetString()!);
            var next = level.GetProperty("next");
            if (next.GetProperty("state").GetInt32() == 1)
            {
                hashes.Add(next.GetProperty("output").GetString()!);
            }
        }

        hashes.Remove(new string('0', 64));
        return hashes.Count;
    }
}
