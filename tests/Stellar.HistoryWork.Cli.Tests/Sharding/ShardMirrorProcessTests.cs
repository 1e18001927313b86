using System.Diagnostics;
using System.Text.Json;
using Stellar.HistoryWork.Cli.Tests.Support;
using Xunit.Abstractions;
using static Stellar.HistoryWork.Cli.Tests.Sharding.ShardFixtures;

namespace Stellar.HistoryWork.Cli.Tests.Sharding;

/// <summary>
/// The sharded mirror of issue 14, proved as an Indexed Job simulated by processes: the real command as eight child
/// processes with JOB_COMPLETION_INDEX set, stage buckets for all, then stage checkpoints for all, then
/// <c>merge-reports --to-archive</c>, which alone writes <c>.well-known</c>.
/// </summary>
public class ShardMirrorProcessTests(ITestOutputHelper output)
{
    private static readonly string Fixture = ArchiveFixtures.ArchiveRoot("testnet-2025-small");

    [Fact]
    public async Task Mirror_EightShardsInTwoStagesThenMerge_TargetIsTheSourceWithWellKnownLast()
    {
        using var temp = new TempDirectory();
        var target = temp.Combine("target");
        var bucketReports = temp.Combine("reports-buckets");
        var reports = temp.Combine("reports");
        var clock = Stopwatch.StartNew();

        var buckets = await RunMirrorShardsAsync(Fixture, target, bucketReports, "buckets");

        buckets.Should().OnlyContain(r => r.ExitCode == 0, string.Join("\n", buckets.Select(r => r.ToString())));
        Files(target).Should().OnlyContain(f => f.StartsWith("bucket/", StringComparison.Ordinal), "the buckets stage writes buckets only");
        // Each bucket once: the shards' bucket files add up to the distinct buckets, none published by two shards.
        var perShard = Enumerable.Range(0, Shards).Select(i => ReadReport(bucketReports, i).GetProperty("files").GetInt64()).ToArray();
        perShard.Sum().Should().Be(Files(target).Count, "every bucket is published by exactly one shard");

        var checkpoints = await RunMirrorShardsAsync(Fixture, target, reports, "checkpoints");

        checkpoints.Should().OnlyContain(r => r.ExitCode == 0, string.Join("\n", checkpoints.Select(r => r.ToString())));
        File.Exists(Path.Combine(target, ArchivePaths.WellKnownState)).Should().BeFalse("no shard writes .well-known");
        Files(target).Should().HaveCount(Files(Fixture).Count - 1, "everything but .well-known is there");

        // --to-archive refuses what is not every shard's checkpoints stage into that very target, as it is now.
        var fromBuckets = await CliRun.RunAsync("merge-reports", bucketReports, "--to-archive", target);
        var elsewhere = await CliRun.RunAsync("merge-reports", reports, "--to-archive", temp.Combine("elsewhere"));
        var newestState = Path.Combine(target, ArchivePaths.HistoryState(10047));
        var published = await File.ReadAllBytesAsync(newestState);
        await File.WriteAllTextAsync(newestState, (await File.ReadAllTextAsync(newestState)).Replace("\n", " \n", StringComparison.Ordinal));
        var replaced = await CliRun.RunAsync("merge-reports", reports, "--to-archive", target);
        await File.WriteAllBytesAsync(newestState, published);

        fromBuckets.ExitCode.Should().Be(ExitCodes.Problems, fromBuckets.ToString());
        fromBuckets.Output.Should().Contain("shard-mismatch").And.Contain("the buckets stage's report");
        elsewhere.ExitCode.Should().Be(ExitCodes.Problems, elsewhere.ToString());
        elsewhere.Output.Should().Contain("shard-mismatch").And.Contain("not " + temp.Combine("elsewhere"));
        replaced.ExitCode.Should().Be(ExitCodes.Problems, replaced.ToString());
        replaced.Output.Should().Contain("hash-mismatch").And.Contain("as shard 0 published it");
        File.Exists(Path.Combine(target, ArchivePaths.WellKnownState)).Should().BeFalse("a refused merge writes nothing");
        File.Exists(temp.Combine("elsewhere", ArchivePaths.WellKnownState)).Should().BeFalse();

        var mergeJson = temp.Combine("merged.json");
        var merge = await CliRun.RunAsync("merge-reports", reports, "--to-archive", target, "--json", mergeJson);
        var elapsed = clock.Elapsed;

        merge.ExitCode.Should().Be(0, merge.ToString());
        merge.Output.Should().Contain(".well-known/stellar-history.json written: checkpoint 10047");
        JsonTools.SchemaErrors(await File.ReadAllTextAsync(mergeJson)).Should().BeEmpty();
        Files(target).Should().Equal(Files(Fixture));
        foreach (var file in Files(Fixture))
        {
            (await File.ReadAllBytesAsync(Path.Combine(target, file))).Should().Equal(await File.ReadAllBytesAsync(Path.Combine(Fixture, file)), file);
        }

        var verify = await CliRun.RunAsync("verify", "--archive", target, "--quiet", "--concurrency", "4");
        verify.ExitCode.Should().Be(0, verify.ToString());
        output.WriteLine($"8 shards x 2 stages + merge: {elapsed.TotalSeconds:0.0} s");

        // An index run twice (an Indexed Job may): the same report, the same target.
        var before = await File.ReadAllBytesAsync(Path.Combine(reports, "shard-3-of-8.json"));
        var beforeBuckets = await File.ReadAllBytesAsync(Path.Combine(bucketReports, "shard-3-of-8.json"));
        (await RunMirrorShardsAsync(Fixture, target, bucketReports, "buckets", 3)).Single().ExitCode.Should().Be(0);
        (await RunMirrorShardsAsync(Fixture, target, reports, "checkpoints", 3)).Single().ExitCode.Should().Be(0);
        (await File.ReadAllBytesAsync(Path.Combine(reports, "shard-3-of-8.json"))).Should().Equal(before);
        (await File.ReadAllBytesAsync(Path.Combine(bucketReports, "shard-3-of-8.json"))).Should().Equal(beforeBuckets);
        Files(target).Should().Equal(Files(Fixture));
    }

    [Fact]
    public async Task Mirror_CheckpointsStageBeforeBuckets_FailsNamingTheHasAndBucketAndWritesNoHas()
    {
        using var temp = new TempDirectory();
        var target = temp.Combine("target");
        var json = temp.Combine("run.json");

        var run = await CliRun.RunAsync(
            "mirror", "--archive", Fixture, "--to-archive", target, "--to", "10047", "--shard-count", "8", "--shard-index", "7",
            "--stage", "checkpoints", "--report-dir", temp.Combine("reports"), "--quiet", "--json", json);

        run.ExitCode.Should().Be(ExitCodes.Problems, run.ToString());
        run.Error.Should().Contain(" names bucket/").And.Contain("which is not at").And.Contain("--stage buckets");
        Files(target).Should().NotContain(f => f.StartsWith("history/", StringComparison.Ordinal) || f.StartsWith(".well-known/", StringComparison.Ordinal), "no HAS before its buckets");
        var report = ReadReport(temp.Combine("reports"), 7);
        report.GetProperty("ok").GetBoolean().Should().BeFalse();
        report.GetProperty("problems").EnumerateArray().Should().Contain(p => p.GetProperty("path").GetString()!.StartsWith("history/", StringComparison.Ordinal) && p.GetProperty("kind").GetString() == "missing");
        JsonTools.SchemaErrors(File.ReadAllText(Path.Combine(temp.Combine("reports"), "shard-7-of-8.json")), "shard-report.schema.json").Should().BeEmpty();

        // And merge-reports writes nothing from such reports.
        var merge = await CliRun.RunAsync("merge-reports", temp.Combine("reports"), "--shard-count", "8", "--to-archive", target);
        merge.ExitCode.Should().Be(ExitCodes.Problems, merge.ToString());
        merge.Output.Should().Contain("not written");
        File.Exists(Path.Combine(target, ArchivePaths.WellKnownState)).Should().BeFalse();
    }

    private static List<string> Files(string root) =>
        Directory.Exists(root)
            ? [.. Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(root, f).Replace('\\', '/')).Order(StringComparer.Ordinal)]
            : [];

    private static JsonElement ReadReport(string reports, int index)
    {
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(reports, $"shard-{index}-of-{Shards}.json")));
        return json.RootElement.Clone();
    }
}
