using System.Text.Json;
using Stellar.HistoryWork.Cli.Tests.Support;
using Stellar.TestSupport;

namespace Stellar.HistoryWork.Cli.Tests.Commands;

public class MirrorCommandTests
{
    [Fact]
    public async Task Run_TestnetRange_PublishesAnArchiveThatVerifiesAndARerunSkipsEverything()
    {
        using var temp = new TempDirectory();
        var target = temp.Combine("mirror");
        var report = temp.Combine("report.json");
        var newest = $"10047:{LedgerFiles.LastHash(ArchiveFixtures.LedgerFile(Fixtures.TestnetSmall, 10047))}";

        var run = await CliRun.RunAsync(
            "mirror", "--archive", Fixtures.TestnetSmall, "--to-archive", target, "--from", "9000", "--trusted-hash", newest, "--json", report);

        run.ExitCode.Should().Be(0, run.ToString());
        run.Output.Should().Contain("trusted:");
        using (var json = JsonDocument.Parse(File.ReadAllText(report)))
        {
            json.RootElement.GetProperty("ok").GetBoolean().Should().BeTrue();
            json.RootElement.GetProperty("checkpoints").GetInt32().Should().Be(17);
            json.RootElement.GetProperty("files").GetInt32().Should().Be(ArchiveFixtures.CountFiles(target, "*"));
        }

        foreach (var file in Directory.EnumerateFiles(target, "*", SearchOption.AllDirectories))
        {
            var relative = Path.GetRelativePath(target, file);
            File.ReadAllBytes(file).Should().Equal(File.ReadAllBytes(Path.Combine(Fixtures.TestnetSmall, relative)), relative);
        }

        var verify = await CliRun.RunAsync("verify", "--archive", target, "--from", "9000", "--trusted-hash", newest, "--quiet");
        verify.ExitCode.Should().Be(0, verify.ToString());

        var rerun = await CliRun.RunAsync("mirror", "--archive", Fixtures.TestnetSmall, "--to-archive", target, "--from", "9000", "--quiet");
        rerun.ExitCode.Should().Be(0, rerun.ToString());
        rerun.Output.Should().MatchRegex(@"files\s+0 written");
    }

    [Fact]
    public async Task Run_PlainProgress_LastLineCountsEveryCheckpointWithFilesBytesAndRate()
    {
        using var temp = new TempDirectory();

        var run = await CliRun.RunAsync("mirror", "--archive", Fixtures.PubnetLegacy, "--to-archive", temp.Combine("mirror"));

        run.ExitCode.Should().Be(0, run.ToString());
        run.Output.Should().MatchRegex(@"\] checkpoints 17/17 \(100%\); \d+ files written, 0 already there, [\d.]+ [kMG]?B at [\d.]+ [kMG]?B/s");
    }

    [Fact]
    public void Snapshot_BatchInFlight_ShowsItsStagesAndAnEta()
    {
        var range = new CheckpointRange(63, 63 + (64 * 99), CheckpointMath.Default);
        var progress = new HistoryWorkProgress([new StageProgress(HistoryWorkStage.Publishing, 50, range.Count, 2_000_000, StageStatus.Running)], TimeSpan.FromSeconds(10)) { Files = 200 };

        var snapshot = Stellar.HistoryWork.Cli.Commands.MirrorCommand.Snapshot(progress, range, TimeSpan.FromSeconds(10));

        snapshot.Items.Should().ContainSingle().Which.Description.Should().Be("checkpoints 50/100 (50%)");
        snapshot.Footer.Should().Be("200 files written, 0 already there, 2.0 MB at 200.0 kB/s; ETA 0m 10s");
        snapshot.Line.Should().StartWith("checkpoints 50/100 (50%); 200 files written");
    }

    [Fact]
    public async Task Run_DamagedSource_ExitsOneAndNeverPublishesTheRootState()
    {
        using var temp = new TempDirectory();
        var target = temp.Combine("mirror");
        var report = temp.Combine("report.json");

        var run = await CliRun.RunAsync(
            "mirror", "--archive", Fixtures.TestnetHotArchive, "--to-archive", target, "--retries", "0", "--json", report, "--quiet");

        run.ExitCode.Should().Be(1, run.ToString());
        File.Exists(Path.Combine(target, ".well-known", "stellar-history.json")).Should().BeFalse("a HAS is published only after everything it references");
        using var json = JsonDocument.Parse(File.ReadAllText(report));
        json.RootElement.GetProperty("ok").GetBoolean().Should().BeFalse();
        json.RootElement.GetProperty("problems").GetArrayLength().Should().BeGreaterThan(0);
    }

    [Theory]
    [InlineData("mirror", "--archive", "{archive}")]
    [InlineData("mirror", "--archive", "{archive}", "--to-archive", "https://example.org/history")]
    [InlineData("mirror", "--archive", "{archive}", "--to-archive", "{target}", "--from", "900", "--to", "100")]
    public async Task Run_BadCommandLine_ExitsTwo(params string[] template)
    {
        using var temp = new TempDirectory();
        var args = template.Select(a => a.Replace("{archive}", Fixtures.TestnetSmall).Replace("{target}", temp.Combine("mirror"))).ToArray();

        var run = await CliRun.RunAsync(args);

        run.ExitCode.Should().Be(2, run.ToString());
        run.Error.Should().StartWith("error:").And.NotContain("   at ");
    }
}
