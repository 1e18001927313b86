using System.Text.Json;
using Stellar.HistoryWork.Cli.Commands;
using Stellar.HistoryWork.Cli.Tests.Support;

namespace Stellar.HistoryWork.Cli.Tests.Sharding;

/// <summary><c>verify --shard-count</c> options and the shard report (issue 14), run in process.</summary>
public class ShardCommandTests
{
    private static readonly string Fixture = ArchiveFixtures.ArchiveRoot("testnet-2025-small");

    public static TheoryData<string[], string> UsageErrors => new()
    {
        { ["--shard-count", "8", "--shard-index", "1"], "--to" },
        { ["--to", "10047", "--shard-count", "8", "--shard-index", "8"], "not below" },
        { ["--to", "10047", "--shard-index", "1"], "--shard-count" },
        { ["--to", "10047", "--report-dir", "/tmp/x"], "--shard-count" },
        { ["--to", "10047", "--shard-count", "0", "--shard-index", "0"], "at least 1" },
    };

    [Theory]
    [MemberData(nameof(UsageErrors))]
    public async Task Verify_BadShardOptions_ExitsTwoNamingTheRule(string[] options, string expected)
    {
        var run = await CliRun.RunAsync(["verify", "--archive", Fixture, "--quiet", .. options]);

        run.ExitCode.Should().Be(ExitCodes.Usage, run.ToString());
        run.Error.Should().Contain(expected);
    }

    public static TheoryData<string[], string> MirrorUsageErrors => new()
    {
        { ["--to", "10047", "--shard-count", "8", "--shard-index", "0"], "--stage buckets" },
        { ["--to", "10047", "--stage", "buckets"], "--stage needs --shard-count" },
        { ["--to", "10047", "--shard-count", "8", "--shard-index", "0", "--stage", "all"], "all" },
        { ["--shard-count", "8", "--shard-index", "0", "--stage", "buckets"], "--to" },
    };

    [Theory]
    [MemberData(nameof(MirrorUsageErrors))]
    public async Task Mirror_BadShardOrStageOptions_ExitsTwoNamingTheRule(string[] options, string expected)
    {
        using var temp = new TempDirectory();

        var run = await CliRun.RunAsync(["mirror", "--archive", Fixture, "--to-archive", temp.Combine("target"), "--quiet", .. options]);

        run.ExitCode.Should().Be(ExitCodes.Usage, run.ToString());
        run.Error.Should().Contain(expected);
        Directory.Exists(temp.Combine("target", "bucket")).Should().BeFalse();
    }

    [Fact]
    public async Task Verify_ShardCountWithoutIndexOrEnvironment_ExitsTwo()
    {
        // The test host runs in no Indexed Job; a child process gets a clean environment to be sure.
        var run = await ProcessRun.RunAsync(
            "dotnet",
            [ShardFixtures.CommandDll, "verify", "--archive", Fixture, "--to", "10047", "--shard-count", "8", "--quiet"],
            environment: new Dictionary<string, string> { ["JOB_COMPLETION_INDEX"] = "", ["AWS_BATCH_JOB_ARRAY_INDEX"] = "" });

        run.ExitCode.Should().Be(ExitCodes.Usage, run.ToString());
        run.Error.Should().Contain("JOB_COMPLETION_INDEX").And.Contain("AWS_BATCH_JOB_ARRAY_INDEX");
    }

    [Fact]
    public async Task Verify_AwsBatchIndex_TakenWhenNoJobCompletionIndex()
    {
        using var temp = new TempDirectory();

        var run = await ProcessRun.RunAsync(
            "dotnet",
            [ShardFixtures.CommandDll, "verify", "--archive", Fixture, "--to", "10047", "--shard-count", "40", "--report-dir", temp.Path, "--quiet"],
            environment: new Dictionary<string, string> { ["JOB_COMPLETION_INDEX"] = "", ["AWS_BATCH_JOB_ARRAY_INDEX"] = "39" });

        run.ExitCode.Should().Be(0, run.ToString());
        File.Exists(temp.Combine("shard-39-of-40.json")).Should().BeTrue();
    }

    [Fact]
    public async Task Verify_ShardReport_ValidatesAgainstItsSchemaWithTheBoundaryRecord()
    {
        using var temp = new TempDirectory();

        var run = await CliRun.RunAsync("verify", "--archive", Fixture, "--to", "10047", "--shard-count", "8", "--shard-index", "6", "--report-dir", temp.Path, "--quiet");

        run.ExitCode.Should().Be(0, run.ToString());
        var text = await File.ReadAllTextAsync(temp.Combine("shard-6-of-8.json"));
        SchemaErrors(text).Should().BeEmpty();
        using var json = JsonDocument.Parse(text);
        var slice = ShardFixtures.Slice(6);
        var boundary = json.RootElement.GetProperty("boundary");
        boundary.GetProperty("firstLedger").GetUInt32().Should().Be(slice.FirstLedger);
        boundary.GetProperty("lastLedger").GetUInt32().Should().Be(slice.Last);
        boundary.GetProperty("lastLedgerHash").GetString().Should().Be(LedgerFiles.LastHash(ArchiveFixtures.LedgerFile(Fixture, slice.Last)));
        json.RootElement.GetProperty("slice").GetProperty("firstCheckpoint").GetUInt32().Should().Be(slice.First);
        json.RootElement.GetProperty("range").GetProperty("fromLedger").GetUInt32().Should().Be(1u);
    }

    [Fact]
    public async Task MergeReports_ScpFileMissingAtTheStartOfASlice_ReportedAsOneRunWould()
    {
        // Once an archive has an SCP file, every later checkpoint has one. The shard whose slice begins without one
        // cannot tell (its own first SCP file comes after); the merge knows the slice below has them.
        using var temp = new TempDirectory();
        var archive = ArchiveFixtures.CopyArchive(Fixture, temp);
        var slice = new ArchiveShard(1, 3).SliceOf(CheckpointMath.Default.RangeCovering(1, 10047))!.Value;
        File.Delete(Path.Combine(archive, ArchivePaths.CheckpointFile(HistoryFileKind.Scp, slice.First)));
        var reports = temp.Combine("reports");

        var single = await CliRun.RunAsync("verify", "--archive", archive, "--to", "10047", "--quiet", "--json", temp.Combine("single.json"));
        for (var i = 0; i < 3; i++)
        {
            await CliRun.RunAsync("verify", "--archive", archive, "--to", "10047", "--shard-count", "3", "--shard-index", i.ToString(System.Globalization.CultureInfo.InvariantCulture), "--report-dir", reports, "--quiet");
        }

        var merged = await CliRun.RunAsync("merge-reports", reports, "--json", temp.Combine("merged.json"));

        single.ExitCode.Should().Be(ExitCodes.Problems, single.ToString());
        merged.ExitCode.Should().Be(ExitCodes.Problems, merged.ToString());
        using var one = JsonDocument.Parse(await File.ReadAllTextAsync(temp.Combine("single.json")));
        using var all = JsonDocument.Parse(await File.ReadAllTextAsync(temp.Combine("merged.json")));
        ShardFixtures.ProblemSet(one.RootElement).Should().Equal([(ArchivePaths.CheckpointFile(HistoryFileKind.Scp, slice.First), "missing")]);
        ShardFixtures.ProblemSet(all.RootElement).Should().BeEquivalentTo(ShardFixtures.ProblemSet(one.RootElement));
        using var shard = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(reports, "shard-1-of-3.json")));
        shard.RootElement.GetProperty("ok").GetBoolean().Should().BeTrue("the shard alone cannot judge the first checkpoint of its slice");
        SchemaErrors(shard.RootElement.GetRawText()).Should().BeEmpty();
    }

    [Fact]
    public async Task MergeReports_NoReports_ExitsTwo()
    {
        using var temp = new TempDirectory();

        var run = await CliRun.RunAsync("merge-reports", temp.Path);

        run.ExitCode.Should().Be(ExitCodes.Usage, run.ToString());
    }

    [Fact]
    public async Task MergeReports_HugeReport_IsAShardMismatchNotReadIntoMemory()
    {
        using var temp = new TempDirectory();
        await using (var huge = File.Create(temp.Combine("shard-0-of-1.json")))
        {
            huge.SetLength(MergeReportsCommand.MaxReportBytes + 1L);
        }

        var run = await CliRun.RunAsync("merge-reports", temp.Path, "--json", "-");

        run.ExitCode.Should().Be(ExitCodes.Problems, run.ToString());
        run.Output.Should().Contain("shard-0-of-1.json").And.Contain("the most a shard report may hold");
    }

    private static string[] SchemaErrors(string json) => [.. JsonTools.SchemaErrors(json, "shard-report.schema.json")];
}
