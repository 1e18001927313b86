using Stellar.HistoryWork.Publish;
using Stellar.HistoryWork.Tests.Download;
using Stellar.HistoryWork.Tests.Support;
using Stellar.HistoryWork.Tests.Verification;
using Stellar.HistoryWork.Verification;
using Stellar.TestSupport;

namespace Stellar.HistoryWork.Tests.Publish;

public class HistoryPublisherTests
{
    private static HistoryPublisherOptions Options() => new() { RetryDelay = _ => TimeSpan.Zero };

    [Fact]
    public async Task PublishDirectoryAsync_PartialPubnetArchiveToTwoTargets_EachIsTheSourceByteForByteAndVerifies()
    {
        using var first = new TempDirectory();
        using var second = new TempDirectory();
        var firstWriter = new RecordingArchiveWriter(first.Path, "first");

        var result = await new HistoryPublisher([firstWriter, new LocalArchiveWriter(second.Path)], Options()).PublishDirectoryAsync(Fixtures.PubnetLegacy);

        result.Succeeded.Should().BeTrue(string.Join("; ", result.Problems.Select(p => p.Message).Concat(result.Targets.Select(t => t.Error))));
        result.Range!.Value.Count.Should().Be(17);
        result.Targets.Should().HaveCount(2).And.OnlyContain(t => t.Succeeded && t.FilesSkipped == 0);
        foreach (var target in new[] { first.Path, second.Path })
        {
            PublishAssertions.Relative(target).Should().Equal(PublishAssertions.Relative(Fixtures.PubnetLegacy));
            PublishAssertions.CopyMatchesSource(Fixtures.PubnetLegacy, target);
            (await PublishAssertions.VerifyCopyAsync(target)).Problems.Should().BeEmpty();
        }

        // Publish order: no HAS before the data of its checkpoint, .well-known last.
        var writes = firstWriter.Writes;
        writes[^1].Should().Be(ArchivePaths.WellKnownState);
        var isState = writes.Select(p => ArchivePaths.TryParseHistoryState(p, out var _)).ToList();
        var firstState = isState.IndexOf(true);
        isState.Skip(firstState).SkipLast(1).Should().OnlyContain(s => s, "the HAS files come after every data file");
        var isBucket = writes.Take(firstState).Select(p => p.StartsWith("bucket/", StringComparison.Ordinal)).ToList();
        isBucket.SkipWhile(b => b).Should().OnlyContain(b => !b, "buckets come first");
    }

    [Fact]
    public async Task PublishDirectoryAsync_RunAgain_WritesNothing()
    {
        using var target = new TempDirectory();
        (await new HistoryPublisher([new LocalArchiveWriter(target.Path)], Options()).PublishDirectoryAsync(Fixtures.PubnetLegacy)).Succeeded.Should().BeTrue();
        var recording = new RecordingArchiveWriter(target.Path);

        var result = await new HistoryPublisher([recording], Options()).PublishDirectoryAsync(Fixtures.PubnetLegacy);

        result.Succeeded.Should().BeTrue();
        recording.Writes.Should().BeEmpty();
        result.Targets[0].FilesSkipped.Should().Be(PublishAssertions.Relative(Fixtures.PubnetLegacy).Count);
    }

    [Fact]
    public async Task PublishDirectoryAsync_OneCheckpointOfTheRange_PublishesItsFilesAndPointsWellKnownAtIt()
    {
        using var target = new TempDirectory();
        var range = new CheckpointRange(127, 127, CheckpointMath.Default);

        var result = await new HistoryPublisher([new LocalArchiveWriter(target.Path)], Options()).PublishDirectoryAsync(Fixtures.TestnetSmall, range);

        result.Succeeded.Should().BeTrue(string.Join("; ", result.Problems.Select(p => p.Message)));
        PublishAssertions.States(target.Path).Select(s => s.State.CurrentLedger).Should().Equal(127u, 127u);
        PublishAssertions.NoStateNamesMissingData(target.Path);
        var wellKnown = Path.Combine(target.Path, ArchivePaths.WellKnownState);
        File.ReadAllBytes(wellKnown).Should().Equal(File.ReadAllBytes(Path.Combine(Fixtures.TestnetSmall, ArchivePaths.HistoryState(127))));
        File.Delete(wellKnown);
        PublishAssertions.CopyMatchesSource(Fixtures.TestnetSmall, target.Path);
    }

    [Fact]
    public async Task PublishDirectoryAsync_BucketMissingFromTheDirectory_NamesItAndPublishesNothing()
    {
        using var directory = new TempDirectory();
        using var target = new TempDirectory();
        Copy(Fixtures.PubnetLegacy, directory.Path);
        var bucket = PublishAssertions.Relative(directory.Path).First(p => p.StartsWith("bucket/", StringComparison.Ordinal));
        File.Delete(Path.Combine(directory.Path, bucket));

        var result = await new HistoryPublisher([new LocalArchiveWriter(target.Path)], Options()).PublishDirectoryAsync(directory.Path);

        result.Succeeded.Should().BeFalse();
        result.Problems.Should().Contain(p => p.Path == bucket && p.Kind == ProblemKind.Missing);
        result.Problems.Should().OnlyContain(p => p.Message.Contains(p.Path, StringComparison.Ordinal));
        Directory.EnumerateFiles(target.Path, "*", SearchOption.AllDirectories).Should().BeEmpty();
    }

    [Fact]
    public async Task PublishDirectoryAsync_DamagedTransactionsFile_VerificationStopsItBeforeAnythingLeaves()
    {
        using var directory = new TempDirectory();
        using var target = new TempDirectory();
        Copy(Fixtures.PubnetLegacy, directory.Path);
        var checkpoint = VerificationFixtures.Checkpoints(directory.Path)[3];
        var path = ArchivePaths.CheckpointFile(HistoryFileKind.Transactions, checkpoint);
        ArchiveTampering.FlipByteInLastRecord(Path.Combine(directory.Path, path));

        var result = await new HistoryPublisher([new LocalArchiveWriter(target.Path)], Options()).PublishDirectoryAsync(directory.Path);

        result.Succeeded.Should().BeFalse();
        result.Problems.Should().Contain(p => p.Path == path);
        Directory.EnumerateFiles(target.Path, "*", SearchOption.AllDirectories).Should().BeEmpty();
    }

    [Fact]
    public async Task PublishDirectoryAsync_TargetFailsAWrite_RetriesAndCompletesWithoutRewritingWhatArrived()
    {
        using var target = new TempDirectory();
        var failed = 0;
        // One chosen file, not the n-th write: writes run in parallel, so a count may be stepped over.
        var victim = ArchivePaths.CheckpointFile(HistoryFileKind.Ledger, VerificationFixtures.Checkpoints(Fixtures.PubnetLegacy)[0]);
        var recording = new RecordingArchiveWriter(target.Path) { FailWhen = (path, _) => path == victim && Interlocked.Increment(ref failed) == 1 };

        var result = await new HistoryPublisher([recording], Options()).PublishDirectoryAsync(Fixtures.PubnetLegacy);

        result.Succeeded.Should().BeTrue(result.Targets[0].Error);
        failed.Should().Be(2, "the chosen write failed once and went through on the retry");
        recording.Writes.Should().OnlyHaveUniqueItems("a retry skips what reached the target intact");
        PublishAssertions.CopyMatchesSource(Fixtures.PubnetLegacy, target.Path);
    }

    private static void Copy(string from, string to)
    {
        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            var destination = Path.Combine(to, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(destination)!);
            File.Copy(file, destination);
        }
    }
}
