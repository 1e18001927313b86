using System.Text.Json;
using Stellar.HistoryWork.Download;
using Stellar.HistoryWork.Scheduling;
using Stellar.HistoryWork.Tests.Support;
using Stellar.HistoryWork.Verification;
using Stellar.TestSupport;

namespace Stellar.HistoryWork.Tests.Download;

public class WriteVerifiedCheckpointHashesWorkTests
{
    private const uint Newest = 10047;

    [Fact]
    public async Task RunAsync_TestnetFromItsNewestHash_WritesEveryCheckpointNewestFirstWithTheSentinel()
    {
        using var temp = new TempDirectory();
        var output = Path.Combine(temp.Path, "checkpoints.json");
        var work = new WriteVerifiedCheckpointHashesWork(new LocalArchiveReader(Fixtures.TestnetSmall), Trusted(Newest), output);

        var result = await RunAsync(work);

        result.Succeeded.Should().BeTrue(result.ToString());
        var lines = File.ReadAllLines(output);
        lines[0].Should().Be("[");
        lines[^2].Should().Be("[0, \"\"]");
        lines[^1].Should().Be("]");
        var pairs = ParsePairs(output);
        pairs.Select(p => p.Ledger).Should().Equal(Enumerable.Range(0, 157).Select(i => Newest - (uint)(i * 64)));
        foreach (var (ledger, hash) in pairs)
        {
            hash.Should().Be(HashHex.ToHex(HistoryWorkBuilderTests.NewestHeaderHash(Fixtures.TestnetSmall, ledger)), $"checkpoint {ledger}");
        }

        TrustedCheckpointHashes.Parse(File.ReadAllText(output)).Count.Should().Be(157);
        work.Progress.Of(HistoryWorkStage.LedgerHeaders)!.Done.Should().Be(157);
        work.Progress.Stage.Should().Be(HistoryWorkStage.Completed, work.Progress.Message);
        Directory.EnumerateFiles(temp.Path, "*.partial").Should().BeEmpty();
    }

    [Fact]
    public async Task RunAsync_ExistingOlderFile_ExtendsItToTheSameFileAFreshRunWrites()
    {
        using var temp = new TempDirectory();
        var fresh = Path.Combine(temp.Path, "fresh.json");
        var extended = Path.Combine(temp.Path, "extended.json");
        var archive = new LocalArchiveReader(Fixtures.TestnetSmall);
        (await RunAsync(new WriteVerifiedCheckpointHashesWork(archive, Trusted(Newest), fresh))).Succeeded.Should().BeTrue();
        (await RunAsync(new WriteVerifiedCheckpointHashesWork(archive, Trusted(5055), extended))).Succeeded.Should().BeTrue();

        var work = new WriteVerifiedCheckpointHashesWork(archive, Trusted(Newest), extended);
        var result = await RunAsync(work);

        result.Succeeded.Should().BeTrue(result.ToString());
        File.ReadAllBytes(extended).Should().Equal(File.ReadAllBytes(fresh));
        work.Progress.Of(HistoryWorkStage.LedgerHeaders)!.Done.Should().Be((Newest - 5055) / 64, "only the checkpoints after the existing file's newest are fetched");
        work.Progress.FilesSkipped.Should().Be(79);
    }

    [Fact]
    public async Task RunAsync_WrongTrustedHash_FailsWithoutRetryAndWritesNothing()
    {
        using var temp = new TempDirectory();
        var output = Path.Combine(temp.Path, "checkpoints.json");
        var wrong = new TrustedLedgerHash(Newest, new byte[32]);
        var work = new WriteVerifiedCheckpointHashesWork(new LocalArchiveReader(Fixtures.TestnetSmall), wrong, output);

        var result = await RunAsync(work, retries: 3);

        result.Succeeded.Should().BeFalse();
        result.Works[0].State.Should().Be(WorkState.Failed);
        result.Works[0].Attempts.Should().Be(1, "a trust failure is fatal");
        result.Works[0].Error.Should().BeOfType<HistoryVerificationException>().Which.Kind.Should().Be(ProblemKind.Untrusted);
        File.Exists(output).Should().BeFalse();
        Directory.EnumerateFiles(temp.Path).Should().BeEmpty("the temporary file is removed too");
    }

    [Fact]
    public async Task RunAsync_OlderLedgerFileTampered_FailsNamingThatFile()
    {
        using var temp = new TempDirectory();
        var archive = Path.Combine(temp.Path, "archive");
        CopyDirectory(Fixtures.TestnetSmall, archive);
        var victim = Path.Combine(archive, ArchivePaths.CheckpointFile(HistoryFileKind.Ledger, 4031));
        ArchiveTampering.FlipByteInLastRecord(victim);
        var output = Path.Combine(temp.Path, "checkpoints.json");
        var work = new WriteVerifiedCheckpointHashesWork(new LocalArchiveReader(archive), Trusted(Newest), output);

        var result = await RunAsync(work);

        result.Succeeded.Should().BeFalse();
        var error = result.Works[0].Error.Should().BeOfType<HistoryVerificationException>().Subject;
        error.Problem.Path.Should().Be(ArchivePaths.CheckpointFile(HistoryFileKind.Ledger, 4031));
        error.IsTrustFailure.Should().BeFalse("a bad file is the archive's fault; another archive may serve a good copy");
        File.Exists(output).Should().BeFalse();
    }

    [Fact]
    public async Task RunAsync_FromLedger_StopsAtItsCheckpoint()
    {
        using var temp = new TempDirectory();
        var output = Path.Combine(temp.Path, "checkpoints.json");
        var work = new WriteVerifiedCheckpointHashesWork(
            new LocalArchiveReader(Fixtures.PubnetLegacy),
            new TrustedLedgerHash(12001023, HistoryWorkBuilderTests.NewestHeaderHash(Fixtures.PubnetLegacy, 12001023)),
            output,
            new WriteVerifiedCheckpointHashesOptions { FromLedger = 11999990 });

        var result = await RunAsync(work);

        result.Succeeded.Should().BeTrue(result.ToString());
        ParsePairs(output).Select(p => p.Ledger).Should().HaveCount(17).And.EndWith(11999999u);
    }

    private static TrustedLedgerHash Trusted(uint checkpoint) =>
        new(checkpoint, HistoryWorkBuilderTests.NewestHeaderHash(Fixtures.TestnetSmall, checkpoint));

    private static async Task<WorkSchedulerResult> RunAsync(WriteVerifiedCheckpointHashesWork work, int retries = 0)
    {
        await using var scheduler = new WorkScheduler(new WorkSchedulerOptions { RetryDelay = _ => TimeSpan.Zero });
        scheduler.Add(work, maxRetries: retries);
        return await scheduler.RunToCompletionAsync();
    }

    private static List<(uint Ledger, string Hash)> ParsePairs(string file)
    {
        using var json = JsonDocument.Parse(File.ReadAllText(file));
        return json.RootElement.EnumerateArray()
            .Select(p => (p[0].GetUInt32(), p[1].GetString()!))
            .Where(p => p.Item1 != 0)
            .ToList();
    }

    private static void CopyDirectory(string source, string target)
    {
        foreach (var file in Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories))
        {
            var destination = Path.Combine(target, Path.GetRelativePath(source, file));
            Directory.CreateDirectory(Path.GetDirectoryName(destination)!);
            File.Copy(file, destination);
        }
    }
}
