using Stellar.HistoryWork.Publish;
using Stellar.HistoryWork.Tests.Download;
using Stellar.HistoryWork.Tests.Support;
using Stellar.HistoryWork.Verification;
using Stellar.TestSupport;

namespace Stellar.HistoryWork.Tests.Publish;

public class ArchiveMirrorTests
{
    private static ArchiveMirrorOptions Options(string work, uint? from = null, uint? to = null, int batch = 64) => new()
    {
        FromLedger = from,
        ToLedger = to,
        CheckpointsPerBatch = batch,
        RetryDelay = _ => TimeSpan.FromMilliseconds(1),
        History = new HistoryWorkOptions { WorkDirectory = work },
    };

    [Fact]
    public async Task RunAsync_WholeTestnetArchiveInBatches_CopyVerifiesAndEveryFileIsIdentical()
    {
        using var work = new TempDirectory();
        using var target = new TempDirectory();

        // Batches of 16 checkpoints: older batches are anchored to newer ones across 10 batch boundaries.
        var result = await new ArchiveMirror(new LocalArchiveReader(Fixtures.TestnetSmall), new LocalArchiveWriter(target.Path), Options(work.Path, batch: 16)).RunAsync();

        result.Succeeded.Should().BeTrue(string.Join("; ", result.Errors));
        (result.Range.First, result.Range.Last).Should().Be((63u, 10047u));
        result.CheckpointsMirrored.Should().Be(157);
        result.FilesSkipped.Should().Be(BucketsSharedWithNewerBatches(Fixtures.TestnetSmall, result.Range, 16), "a bucket a newer batch already published is found intact");
        var sourceFiles = PublishAssertions.Relative(Fixtures.TestnetSmall);
        PublishAssertions.Relative(target.Path).Should().Equal(sourceFiles, "every file of the source, and nothing else, reaches the copy");
        result.FilesWritten.Should().Be(sourceFiles.Count);
        result.BytesWritten.Should().Be(sourceFiles.Sum(f => new FileInfo(Path.Combine(Fixtures.TestnetSmall, f)).Length));
        PublishAssertions.CopyMatchesSource(Fixtures.TestnetSmall, target.Path);
        var report = await PublishAssertions.VerifyCopyAsync(target.Path);
        report.Problems.Should().BeEmpty();
        report.Checkpoints.Should().Be(157);
    }

    [Fact]
    public async Task RunAsync_PubnetLegacyArchive_CopyVerifiesAndHistoryStatesAreByteIdentical()
    {
        using var work = new TempDirectory();
        using var target = new TempDirectory();

        var result = await new ArchiveMirror(new LocalArchiveReader(Fixtures.PubnetLegacy), new LocalArchiveWriter(target.Path), Options(work.Path, from: 11999999)).RunAsync();

        result.Succeeded.Should().BeTrue(string.Join("; ", result.Errors));
        result.CheckpointsMirrored.Should().Be(17);
        PublishAssertions.Relative(target.Path).Should().Equal(PublishAssertions.Relative(Fixtures.PubnetLegacy));
        PublishAssertions.CopyMatchesSource(Fixtures.PubnetLegacy, target.Path);
        PublishAssertions.States(target.Path).Should().HaveCount(18, "17 checkpoint states and .well-known");
        (await PublishAssertions.VerifyCopyAsync(target.Path, 11999999)).Problems.Should().BeEmpty();
    }

    [Fact]
    public async Task RunAsync_HotArchiveCheckpoint127_ReportsTheMissingHotBucketAndPublishesNoState()
    {
        using var work = new TempDirectory();
        using var target = new TempDirectory();
        var options = Options(work.Path, from: 127, to: 127);
        options.History.DownloadRetries = 0;

        var result = await new ArchiveMirror(new LocalArchiveReader(Fixtures.TestnetHotArchive), new LocalArchiveWriter(target.Path), options).RunAsync();

        result.Succeeded.Should().BeFalse();
        var has = HistoryArchiveState.Parse(File.ReadAllBytes(Path.Combine(Fixtures.TestnetHotArchive, ArchivePaths.HistoryState(127))), "has");
        var missing = has.GetReferencedBuckets().Select(ArchivePaths.Bucket).Where(p => !File.Exists(Path.Combine(Fixtures.TestnetHotArchive, p))).ToList();
        missing.Should().ContainSingle();
        has.GetReferencedHotArchiveBuckets().Select(ArchivePaths.Bucket).Should().Contain(missing[0], "the absent bucket is a hot-archive one");
        result.Problems.Should().ContainSingle().Which.Should().BeEquivalentTo(new { Path = missing[0], Kind = ProblemKind.Missing });
        result.CheckpointsMirrored.Should().Be(0);
        PublishAssertions.States(target.Path).Should().BeEmpty("a HAS is only published once everything it names is in place");
        PublishAssertions.NoStateNamesMissingData(target.Path);
    }

    [Fact]
    public async Task RunAsync_HotArchiveCheckpoint127WithAForgedHotBucket_RefusesItAndPublishesNoState()
    {
        // The absent hot bucket "supplied" by a bad mirror: a file under the right name with the wrong content.
        using var source = new TempDirectory();
        using var work = new TempDirectory();
        using var target = new TempDirectory();
        CopyDirectory(Fixtures.TestnetHotArchive, source.Path);
        var has = HistoryArchiveState.Parse(File.ReadAllBytes(Path.Combine(source.Path, ArchivePaths.HistoryState(127))), "has");
        var missing = has.GetReferencedBuckets().Where(b => !File.Exists(Path.Combine(source.Path, ArchivePaths.Bucket(b)))).ToList();
        missing.Should().ContainSingle();
        Directory.CreateDirectory(Path.GetDirectoryName(Path.Combine(source.Path, ArchivePaths.Bucket(missing[0])))!);
        ArchiveTampering.Gzip(Path.Combine(source.Path, ArchivePaths.Bucket(missing[0])), [0, 0, 0, 0]);
        var options = Options(work.Path, from: 127, to: 127);
        options.History.DownloadRetries = 0;

        var result = await new ArchiveMirror(new LocalArchiveReader(source.Path), new LocalArchiveWriter(target.Path), options).RunAsync();

        result.Succeeded.Should().BeFalse();
        result.Problems.Should().Contain(p => p.Path == ArchivePaths.Bucket(missing[0]));
        PublishAssertions.States(target.Path).Should().BeEmpty();
    }

    [Fact]
    public async Task RunAsync_ResumedOnACompleteCopy_WritesNothing()
    {
        using var work = new TempDirectory();
        using var target = new TempDirectory();
        var source = new LocalArchiveReader(Fixtures.PubnetLegacy);
        (await new ArchiveMirror(source, new LocalArchiveWriter(target.Path), Options(work.Path, from: 11999999)).RunAsync()).Succeeded.Should().BeTrue();
        var recording = new RecordingArchiveWriter(target.Path);

        var result = await new ArchiveMirror(source, recording, Options(work.Path, from: 11999999)).RunAsync();

        result.Succeeded.Should().BeTrue(string.Join("; ", result.Errors));
        recording.Writes.Should().BeEmpty("every file at the target is already valid");
        result.FilesWritten.Should().Be(0);
        result.FilesSkipped.Should().Be(PublishAssertions.Relative(Fixtures.PubnetLegacy).Count);
    }

    [Fact]
    public async Task RunAsync_ResumedWithDamagedFilesAtTarget_ReplacesExactlyThose()
    {
        using var work = new TempDirectory();
        using var target = new TempDirectory();
        var source = new LocalArchiveReader(Fixtures.PubnetLegacy);
        (await new ArchiveMirror(source, new LocalArchiveWriter(target.Path), Options(work.Path, from: 11999999)).RunAsync()).Succeeded.Should().BeTrue();
        var bucket = PublishAssertions.Relative(target.Path).First(p => p.StartsWith("bucket/", StringComparison.Ordinal));
        var ledger = ArchivePaths.CheckpointFile(HistoryFileKind.Ledger, 12000511);
        var state = ArchivePaths.HistoryState(12000063);
        // Same size, one byte flipped: only reading the copy back finds it.
        FlipByte(Path.Combine(target.Path, bucket));
        // Truncated.
        var ledgerBytes = File.ReadAllBytes(Path.Combine(target.Path, ledger));
        File.WriteAllBytes(Path.Combine(target.Path, ledger), ledgerBytes[..(ledgerBytes.Length / 2)]);
        File.Delete(Path.Combine(target.Path, state));
        var recording = new RecordingArchiveWriter(target.Path);

        var result = await new ArchiveMirror(source, recording, Options(work.Path, from: 11999999)).RunAsync();

        result.Succeeded.Should().BeTrue(string.Join("; ", result.Errors));
        recording.Writes.Should().BeEquivalentTo([bucket, ledger, state]);
        PublishAssertions.CopyMatchesSource(Fixtures.PubnetLegacy, target.Path);
        (await PublishAssertions.VerifyCopyAsync(target.Path, 11999999)).Problems.Should().BeEmpty();
    }

    [Fact]
    public async Task RunAsync_TargetWellKnownNewer_KeepsIt()
    {
        using var work = new TempDirectory();
        using var target = new TempDirectory();
        var newer = File.ReadAllBytes(Path.Combine(Fixtures.TestnetSmall, ArchivePaths.WellKnownState));
        Directory.CreateDirectory(Path.Combine(target.Path, ".well-known"));
        File.WriteAllBytes(Path.Combine(target.Path, ArchivePaths.WellKnownState), newer);

        var result = await new ArchiveMirror(new LocalArchiveReader(Fixtures.TestnetSmall), new LocalArchiveWriter(target.Path), Options(work.Path, to: 1000)).RunAsync();

        result.Succeeded.Should().BeTrue(string.Join("; ", result.Errors));
        result.Range.Last.Should().Be(1023);
        File.ReadAllBytes(Path.Combine(target.Path, ArchivePaths.WellKnownState)).Should().Equal(newer, ".well-known never moves back to an older checkpoint");
        File.Exists(Path.Combine(target.Path, ArchivePaths.HistoryState(1023))).Should().BeTrue();
    }

    [Fact]
    public async Task RunAsync_WrongTrustedHash_PublishesNothing()
    {
        using var work = new TempDirectory();
        using var target = new TempDirectory();
        var options = Options(work.Path, from: 9000, batch: 4);
        options.History.TrustedHash = new TrustedLedgerHash(10047, new byte[32]);

        var result = await new ArchiveMirror(new LocalArchiveReader(Fixtures.TestnetSmall), new LocalArchiveWriter(target.Path), options).RunAsync();

        result.Succeeded.Should().BeFalse();
        result.Problems.Should().Contain(p => p.Kind == ProblemKind.Untrusted);
        Directory.EnumerateFiles(target.Path, "*", SearchOption.AllDirectories).Should().BeEmpty("nothing is published from a chain our trusted hash contradicts");
    }

    private static int BucketsSharedWithNewerBatches(string archive, CheckpointRange range, int batchSize)
    {
        var published = new HashSet<string>(StringComparer.Ordinal);
        var shared = 0;
        foreach (var batch in range.Chunk(batchSize).Reverse())
        {
            var buckets = batch
                .SelectMany(c => HistoryArchiveState.Parse(File.ReadAllBytes(Path.Combine(archive, ArchivePaths.HistoryState(c))), "has").GetReferencedBuckets())
                .ToHashSet(StringComparer.Ordinal);
            shared += buckets.Count(published.Contains);
            published.UnionWith(buckets);
        }

        return shared;
    }

    private static void FlipByte(string path)
    {
        var bytes = File.ReadAllBytes(path);
        bytes[bytes.Length / 2] ^= 0x40;
        File.WriteAllBytes(path, bytes);
    }

    private static void CopyDirectory(string from, string to)
    {
        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            var destination = Path.Combine(to, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(destination)!);
            File.Copy(file, destination);
        }
    }
}
