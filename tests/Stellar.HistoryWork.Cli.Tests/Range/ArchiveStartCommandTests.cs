using System.Text.Json;
using Stellar.HistoryWork.Cli.Tests.Support;
using Stellar.TestSupport;

namespace Stellar.HistoryWork.Cli.Tests.Range;

/// <summary>
/// Issue 9 defect 3 through the real entry point: every verb starts where the archive does (pubnet-2017 starts at a
/// late checkpoint), names that start, and a range that begins before it stops before anything is downloaded.
/// </summary>
public class ArchiveStartCommandTests
{
    private static readonly uint First = ArchiveFixtures.FirstCheckpoint(Fixtures.PubnetLegacy);

    private static readonly uint Newest = ArchiveFixtures.CurrentLedger(Fixtures.PubnetLegacy);

    private static readonly int CheckpointCount = ArchiveFixtures.CountFiles(Path.Combine(Fixtures.PubnetLegacy, "history"), "*.json");

    [Fact]
    public async Task Mirror_WithoutFrom_StartsWhereTheSourceDoesAndCopiesEveryCheckpoint()
    {
        using var temp = new TempDirectory();
        var target = temp.Combine("mirror");
        var report = temp.Combine("report.json");

        var run = await CliRun.RunAsync("mirror", "--archive", Fixtures.PubnetLegacy, "--to-archive", target, "--json", report, "--quiet");

        run.ExitCode.Should().Be(0, run.ToString());
        run.Output.Should().Contain($"archive starts at checkpoint {First} ").And.Contain($"{CheckpointCount} of {CheckpointCount} mirrored");
        ArchiveFixtures.CountFiles(target, "*").Should().Be(ArchiveFixtures.CountFiles(Fixtures.PubnetLegacy, "*"));
        using var json = JsonDocument.Parse(File.ReadAllText(report));
        json.RootElement.GetProperty("startsAt").GetUInt32().Should().Be(First);
        json.RootElement.GetProperty("fromLedger").GetUInt32().Should().Be(First - 63);
    }

    [Fact]
    public async Task Mirror_FromBeforeTheStart_StopsBeforeDownloadingAndNamesTheStart()
    {
        using var temp = new TempDirectory();
        var target = temp.Combine("mirror");
        var report = temp.Combine("report.json");

        var run = await CliRun.RunAsync("mirror", "--archive", Fixtures.PubnetLegacy, "--to-archive", target, "--from", "1", "--json", report, "--quiet");

        run.ExitCode.Should().Be(1, run.ToString());
        run.Error.Should().Contain($"the archive starts at checkpoint {First}");
        ArchiveFixtures.CountFiles(target, "*").Should().Be(0);
        using var json = JsonDocument.Parse(File.ReadAllText(report));
        json.RootElement.GetProperty("startsAt").GetUInt32().Should().Be(First);
        json.RootElement.GetProperty("problems").EnumerateArray().Should().ContainSingle()
            .Which.GetProperty("kind").GetString().Should().Be("missing");
    }

    [Fact]
    public async Task Catchup_FromBeforeTheStart_OneProblemNoDownload()
    {
        using var temp = new TempDirectory();
        var output = temp.Combine("out");

        var run = await CliRun.RunAsync("catchup", "--archive", Fixtures.PubnetLegacy, "--from", "1", "--to", Newest.ToString(System.Globalization.CultureInfo.InvariantCulture), "--out", output, "--quiet");

        run.ExitCode.Should().Be(1, run.ToString());
        run.Error.Should().Contain($"the archive starts at checkpoint {First}");
        (run.Output + run.Error).Split('\n').Length.Should().BeLessThan(10, "one problem, not one line per absent checkpoint");
        ArchiveFixtures.CountFiles(output, "*").Should().Be(0);
    }

    [Fact]
    public async Task Verify_PartialArchiveWithAHoleWhereTheSearchProbes_StartsBeforeTheHoleAndReportsIt()
    {
        using var temp = new TempDirectory();
        var archive = ArchiveFixtures.CopyArchive(Fixtures.TestnetSmall, temp);
        // Without checkpoint 63 the archive starts at 127; a binary search over 127..10047 first probes 5055.
        foreach (var checkpoint in new uint[] { 63, 5055 })
        {
            var hex = checkpoint.ToString("x8", System.Globalization.CultureInfo.InvariantCulture);
            foreach (var file in Directory.EnumerateFiles(archive, $"*-{hex}.*", SearchOption.AllDirectories))
            {
                File.Delete(file);
            }
        }

        var report = temp.Combine("report.json");
        var run = await CliRun.RunAsync("verify", "--archive", archive, "--json", report, "--quiet");

        run.ExitCode.Should().Be(1, run.ToString());
        run.Output.Should().Contain("archive starts at checkpoint 127 ");
        using var json = JsonDocument.Parse(File.ReadAllText(report));
        json.RootElement.GetProperty("startsAt").GetUInt32().Should().Be(127, "the hole at 5055 lies after the start");
        var problem = json.RootElement.GetProperty("problems").EnumerateArray().Should().ContainSingle().Which;
        problem.GetProperty("kind").GetString().Should().Be("missing");
        problem.GetProperty("path").GetString().Should().Be("history/00/00/13/history-000013bf.json");
    }

    [Fact]
    public async Task VerifyCheckpoints_WithoutFrom_WritesFromTheArchiveStart()
    {
        using var temp = new TempDirectory();
        var output = temp.Combine("hashes.json");
        var trusted = $"{Newest}:{LedgerFiles.LastHash(ArchiveFixtures.LedgerFile(Fixtures.PubnetLegacy, Newest))}";

        var run = await CliRun.RunAsync("verify-checkpoints", "--archive", Fixtures.PubnetLegacy, "--trusted-hash", trusted, "--out", output, "--quiet");

        run.ExitCode.Should().Be(0, run.ToString());
        run.Output.Should().Contain($"archive starts at checkpoint {First} ");
        // One line per checkpoint, plus the brackets and the sentinel.
        File.ReadAllLines(output).Length.Should().Be(CheckpointCount + 3);
    }

    [Fact]
    public async Task VerifyCheckpoints_FromBeforeTheStart_ExitsOneNamingTheStart()
    {
        using var temp = new TempDirectory();
        var output = temp.Combine("hashes.json");
        var trusted = $"{Newest}:{LedgerFiles.LastHash(ArchiveFixtures.LedgerFile(Fixtures.PubnetLegacy, Newest))}";

        var run = await CliRun.RunAsync("verify-checkpoints", "--archive", Fixtures.PubnetLegacy, "--trusted-hash", trusted, "--out", output, "--from", "1", "--quiet");

        run.ExitCode.Should().Be(1, run.ToString());
        run.Error.Should().Contain($"the archive starts at checkpoint {First}");
        File.Exists(output).Should().BeFalse();
    }
}
