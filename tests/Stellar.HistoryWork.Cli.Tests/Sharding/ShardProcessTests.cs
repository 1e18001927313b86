using System.Text.Json;
using Stellar.HistoryWork.Cli.Tests.Support;
using static Stellar.HistoryWork.Cli.Tests.Sharding.ShardFixtures;

namespace Stellar.HistoryWork.Cli.Tests.Sharding;

/// <summary>
/// The proof of issue 14: the real command as eight child processes with JOB_COMPLETION_INDEX set (an Indexed Job
/// simulated by processes), merged by <c>merge-reports</c>, reports what one <c>verify</c> over the whole range does.
/// </summary>
public class ShardProcessTests
{
    private static readonly string Fixture = ArchiveFixtures.ArchiveRoot("testnet-2025-small");

    [Fact]
    public async Task MergeReports_EightProcessesOverACleanArchive_EqualsOneRunAndIsIdempotent()
    {
        using var temp = new TempDirectory();
        var reports = temp.Combine("reports");
        // A trusted hash inside a middle slice: the shards that do not hold ledger 5000 record it without rejecting it.
        var trusted = "5000:" + LedgerFiles.HashAt(ArchiveFixtures.LedgerFile(Fixture, 5055), 5000 - 4992);
        string[] trust = ["--trusted-hash", trusted];

        var shards = await RunShardsAsync(Fixture, reports, trust);

        shards.Should().OnlyContain(r => r.ExitCode == 0, string.Join("\n", shards.Select(r => r.ToString())));
        var (merged, single) = await MergeAndVerifyOnceAsync(Fixture, reports, temp, trust);
        merged.ExitCode.Should().Be(0, merged.ToString());
        single.Report.GetProperty("trustedUpTo").GetUInt32().Should().Be(5000u);
        ShouldEqual(merged.Report, single.Report);

        // One shard run twice (an index an Indexed Job retried) writes the same report; the merge is unchanged.
        var before = await File.ReadAllBytesAsync(Path.Combine(reports, "shard-5-of-8.json"));
        (await RunShardsAsync(Fixture, reports, trust, 5)).Single().ExitCode.Should().Be(0);
        (await File.ReadAllBytesAsync(Path.Combine(reports, "shard-5-of-8.json"))).Should().Equal(before);
        Directory.EnumerateFiles(reports).Should().HaveCount(Shards, "the atomic writer leaves no temporary file");
        ShouldEqual((await MergeAsync(reports, temp)).Report, single.Report);

        // A shard that never reported.
        File.Delete(Path.Combine(reports, "shard-6-of-8.json"));
        var missing = await MergeAsync(reports, temp);
        missing.ExitCode.Should().Be(ExitCodes.Problems);
        ProblemSet(missing.Report).Should().BeEquivalentTo([("shard-6-of-8.json", "missing-shard")]);
        missing.Report.GetProperty("trustedUpTo").ValueKind.Should().Be(JsonValueKind.Null);
    }

    [Fact]
    public async Task MergeReports_EightProcessesOverADamagedArchive_EqualsOneRun()
    {
        using var temp = new TempDirectory();
        var archive = ArchiveFixtures.CopyArchive(Fixture, temp);
        var reports = temp.Combine("reports");
        // A header at the boundary of slices 3 and 4: only the merge can see the link break.
        TamperLastHeader(ArchiveFixtures.LedgerFile(archive, Slice(4).Last));
        // A bucket that first appears inside slice 2: exactly that shard reports it.
        var bucket = BucketFirstInside(archive, 2);
        var bucketFile = BucketFile(archive, bucket);
        var bytes = await File.ReadAllBytesAsync(bucketFile);
        bytes[^8] ^= 0xFF; // the gzip trailer's CRC-32 (a byte in the middle may fall in the header's file name)
        await File.WriteAllBytesAsync(bucketFile, bytes);
        // A hole across the boundary of slices 1 and 2: one run of missing checkpoints, split between two shards.
        foreach (var file in CheckpointFiles(archive, Slice(2).Last).Concat(CheckpointFiles(archive, Slice(1).First)))
        {
            File.Delete(file);
        }

        var shards = await RunShardsAsync(archive, reports, []);

        shards.Select(r => r.ExitCode).Should().Equal([0, 1, 1, 0, 0, 0, 0, 0], "shards 1 and 2 hold the hole and the bad bucket; the tampered header is consistent within shard 4");
        var (merged, single) = await MergeAndVerifyOnceAsync(archive, reports, temp, []);
        merged.ExitCode.Should().Be(ExitCodes.Problems, merged.ToString());
        ShouldEqual(merged.Report, single.Report);
        var problems = ProblemSet(merged.Report);
        problems.Should().Contain(($"ledger/{Hex(Slice(3).First)[..2]}/{Hex(Slice(3).First)[2..4]}/{Hex(Slice(3).First)[4..6]}/ledger-{Hex(Slice(3).First)}.xdr.gz", "chain-break"));
        merged.Report.GetProperty("problems").EnumerateArray().Count(p => p.GetProperty("kind").GetString() == "missing" && p.GetProperty("path").GetString()!.StartsWith("history/", StringComparison.Ordinal))
            .Should().Be(1, "the hole is one run again");
        var bucketReporters = Enumerable.Range(0, Shards)
            .Where(i => File.ReadAllText(Path.Combine(reports, $"shard-{i}-of-8.json")).Contains(bucket, StringComparison.Ordinal))
            .ToArray();
        bucketReporters.Should().Equal([2], "the bucket is verified by the shard where it first appears, once");
    }

    private static string Hex(uint checkpoint) => checkpoint.ToString("x8", System.Globalization.CultureInfo.InvariantCulture);

    private static void ShouldEqual(JsonElement merged, JsonElement single)
    {
        foreach (var field in new[] { "ok", "trusted", "trustedUpTo", "fromLedger", "toLedger", "startsAt", "checkpoints", "files", "bytes" })
        {
            merged.GetProperty(field).ToString().Should().Be(single.GetProperty(field).ToString(), field);
        }

        ProblemSet(merged).Should().BeEquivalentTo(ProblemSet(single));
        foreach (var kind in new[] { "ledger", "transactions", "results", "scp", "bucket" })
        {
            merged.GetProperty("filesByKind").GetProperty(kind).GetInt64().Should().Be(single.GetProperty("filesByKind").GetProperty(kind).GetInt64(), kind);
        }
    }

    private static async Task<(Run Merged, Run Single)> MergeAndVerifyOnceAsync(string archive, string reports, TempDirectory temp, string[] extra)
    {
        var merged = await MergeAsync(reports, temp);
        var single = temp.Combine("single.json");
        var run = await CliRun.RunAsync(["verify", "--archive", archive, "--to", "10047", "--quiet", "--concurrency", "4", "--json", single, .. extra]);
        return (merged, new Run(run.ExitCode, run.ToString(), Parse(single)));
    }

    private static async Task<Run> MergeAsync(string reports, TempDirectory temp)
    {
        var file = temp.Combine("merged.json");
        var run = await CliRun.RunAsync("merge-reports", reports, "--json", file);
        JsonTools.SchemaErrors(await File.ReadAllTextAsync(file)).Should().BeEmpty();
        return new Run(run.ExitCode, run.ToString(), Parse(file));
    }

    private static JsonElement Parse(string file)
    {
        using var json = JsonDocument.Parse(File.ReadAllText(file));
        return json.RootElement.Clone();
    }

    private sealed record Run(int ExitCode, string Text, JsonElement Report)
    {
        public override string ToString() => Text;
    }
}
