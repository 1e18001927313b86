using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Stellar.HistoryWork.Cli.Tests.Sharding;
using Stellar.HistoryWork.Cli.Tests.Support;
using Stellar.HistoryWork.Tests.BadInput;

namespace Stellar.HistoryWork.Cli.Tests.BadInput;

/// <summary>
/// Issue 10 rows 12 and 8 through the real command: records built to amplify memory, and a bucket named in the list
/// its METAENTRY does not belong to.
/// </summary>
public class HostileRecordsCommandTests
{
    // 8 checkpoints at the end of the testnet fixture; each gets a transactions file of one record at the cap.
    private const uint From = 9536;
    private const uint To = 10047;

    [Fact]
    public async Task Verify_RecordsAtTheCapOfMinimalComponentsAtConcurrency16_EndAsProblemsWithinAHeapLimit()
    {
        using var temp = new TempDirectory();
        var archive = ArchiveFixtures.CopyArchive(ArchiveFixtures.ArchiveRoot("testnet-2025-small"), temp);
        var hostile = new List<string>();
        for (var checkpoint = From + 63; checkpoint <= To; checkpoint += 64)
        {
            var path = ArchivePaths.CheckpointFile(HistoryFileKind.Transactions, checkpoint);
            File.WriteAllBytes(Path.Combine(archive, path), BadArchive.Gzip(BadArchive.Mark([BadInputCase.MinimalComponentsRecord(checkpoint)])));
            hostile.Add(path);
        }

        // Each record decodes into ~112 MiB of objects; eight at once did not fit a 192 MiB heap before the shared
        // decode budget (the process ran out of memory), and now each stops at its share.
        var run = await ProcessRun.RunAsync(
            "dotnet",
            [ShardFixtures.CommandDll, "verify", "--archive", archive, "--from", From.ToString(CultureInfo.InvariantCulture), "--to", To.ToString(CultureInfo.InvariantCulture),
             "--concurrency", "16", "--quiet", "--json", "-"],
            timeout: TimeSpan.FromMinutes(5),
            environment: new Dictionary<string, string> { ["DOTNET_GCHeapHardLimit"] = "C000000" });

        run.ExitCode.Should().Be(ExitCodes.Problems, run.ToString());
        using var json = JsonDocument.Parse(run.Output);
        var problems = json.RootElement.GetProperty("problems").EnumerateArray().ToArray();
        problems.Select(p => p.GetProperty("path").GetString()).Should().BeEquivalentTo(hostile, run.ToString());
        problems.Should().OnlyContain(p => p.GetProperty("kind").GetString() == "corrupt" && p.GetProperty("message").GetString()!.Contains("decode budget"), run.ToString());
    }

    [Fact]
    public async Task Verify_LiveBucketNamedInTheHotArchiveList_IsCorruptNamingTheWrongList()
    {
        using var archive = new BadArchive();
        var json = JsonNode.Parse(archive.Text(BadArchive.State))!;
        json["version"] = 2;
        var zero = new string('0', 64);
        var hot = new JsonArray();
        for (var i = 0; i < 11; i++)
        {
            hot.Add(new JsonObject { ["curr"] = i == 0 ? BadArchive.BucketHash : zero, ["next"] = new JsonObject { ["state"] = 0 }, ["snap"] = zero });
        }

        json["hotArchiveBuckets"] = hot;
        archive.WriteText(BadArchive.State, json.ToJsonString());

        var run = await CliRun.RunAsync("verify", "--archive", archive.Root, "--quiet", "--json", "-");

        run.ExitCode.Should().Be(ExitCodes.Problems, run.ToString());
        using var report = JsonDocument.Parse(run.Output);
        var problems = report.RootElement.GetProperty("problems").EnumerateArray().ToArray();
        var problem = problems.Should().ContainSingle(p => p.GetProperty("kind").GetString() == "corrupt", run.ToString()).Which;
        problem.GetProperty("path").GetString().Should().Be(BadArchive.State);
        problem.GetProperty("message").GetString().Should().Contain("BucketInWrongList").And.Contain(BadArchive.BucketHash);
    }

    [Fact]
    public async Task Verify_NextOutputOfALevel_IsReportedPresentButNotBound()
    {
        // The pubnet fixture's HAS files have levels in state 1 whose output buckets the archive holds.
        var archive = Stellar.TestSupport.Fixtures.PubnetLegacy;
        var outputs = new HashSet<string>(StringComparer.Ordinal);
        var bound = new HashSet<string>(StringComparer.Ordinal);
        foreach (var file in Directory.EnumerateFiles(Path.Combine(archive, "history"), "*.json", SearchOption.AllDirectories))
        {
            foreach (var level in JsonNode.Parse(File.ReadAllText(file))!["currentBuckets"]!.AsArray())
            {
                bound.Add((string)level!["curr"]!);
                bound.Add((string)level["snap"]!);
                if ((int)level["next"]!["state"]! == 1)
                {
                    outputs.Add((string)level["next"]!["output"]!);
                }
            }
        }

        var present = outputs.Except(bound).Where(hash => File.Exists(Path.Combine(archive, ArchivePaths.Bucket(hash)))).ToHashSet();
        present.Should().NotBeEmpty("the fixture has unbound outputs to report");

        var run = await CliRun.RunAsync("verify", "--archive", archive, "--quiet", "--json", "-");

        using var report = JsonDocument.Parse(run.Output);
        var unbound = report.RootElement.GetProperty("unboundBuckets").EnumerateArray().Select(e => e.GetString()!).ToHashSet();
        unbound.Should().BeSubsetOf(present, "only outputs no level binds are listed, and only those that verified");
        unbound.Should().NotBeEmpty(run.ToString());

        var text = await CliRun.RunAsync("verify", "--archive", archive);
        text.Output.Should().Contain("bound by no header");
    }
}
