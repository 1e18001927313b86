using Stellar.HistoryWork.Publish;
using Stellar.HistoryWork.Tests.Support;
using Stellar.HistoryWork.Tests.Verification;
using Stellar.TestSupport;
using Stellar.Xdr;

namespace Stellar.HistoryWork.Tests.Publish;

/// <summary>A rerun reads back what the target holds instead of fetching it again from the source (issue 12).</summary>
public class ArchiveMirrorResumeTests
{
    private static ArchiveMirrorOptions Options(string work, uint? to = null, int batch = 64) => new()
    {
        ToLedger = to,
        CheckpointsPerBatch = batch,
        RetryDelay = _ => TimeSpan.FromMilliseconds(1),
        History = new HistoryWorkOptions { WorkDirectory = work },
    };

    [Fact]
    public async Task RunAsync_PartialPubnetArchiveWithoutFrom_MirrorsFromItsStartAndRoundTrips()
    {
        using var work = new TempDirectory();
        using var target = new TempDirectory();

        var result = await new ArchiveMirror(new LocalArchiveReader(Fixtures.PubnetLegacy), new LocalArchiveWriter(target.Path), Options(work.Path)).RunAsync();

        result.Succeeded.Should().BeTrue(string.Join("; ", result.Errors));
        result.StartsAt.Should().Be(result.Range.First);
        result.CheckpointsMirrored.Should().Be(17);
        PublishAssertions.Relative(target.Path).Should().Equal(PublishAssertions.Relative(Fixtures.PubnetLegacy));
        PublishAssertions.CopyMatchesSource(Fixtures.PubnetLegacy, target.Path);
        (await PublishAssertions.VerifyCopyAsync(target.Path, result.Range.First)).Problems.Should().BeEmpty();
    }

    [Fact]
    public async Task RunAsync_NoOpRerunWithTheLastVerifiedState_RequestsNoCheckpointFileOrBucket()
    {
        await using var server = await ArchiveHttpServer.StartAsync(Fixtures.PubnetLegacy);
        using var source = new HttpArchiveReader(server.BaseUri);
        using var work = new TempDirectory();
        using var target = new TempDirectory();
        (await new ArchiveMirror(source, new LocalArchiveWriter(target.Path), Options(work.Path)).RunAsync()).Succeeded.Should().BeTrue();
        KeepOnlyTheLastVerifiedState(work.Path);
        var before = server.Requests;
        var recording = new RecordingArchiveWriter(target.Path);

        var result = await new ArchiveMirror(source, recording, Options(work.Path)).RunAsync();

        result.Succeeded.Should().BeTrue(string.Join("; ", result.Errors));
        DataRequests(before, server.Requests).Should().BeEmpty("every checkpoint file and bucket is read back from the target");
        recording.Writes.Should().BeEmpty();
        result.FilesSkipped.Should().Be(PublishAssertions.Relative(Fixtures.PubnetLegacy).Count);
    }

    [Fact]
    public async Task RunAsync_NoOpRerunInAFreshWorkDirectory_RequestsOnlyTheNewestLedgerFileToAnchorTheTarget()
    {
        await using var server = await ArchiveHttpServer.StartAsync(Fixtures.PubnetLegacy);
        using var source = new HttpArchiveReader(server.BaseUri);
        using var first = new TempDirectory();
        using var second = new TempDirectory();
        using var target = new TempDirectory();
        var mirrored = await new ArchiveMirror(source, new LocalArchiveWriter(target.Path), Options(first.Path)).RunAsync();
        mirrored.Succeeded.Should().BeTrue();
        var before = server.Requests;

        var result = await new ArchiveMirror(source, new LocalArchiveWriter(target.Path), Options(second.Path)).RunAsync();

        result.Succeeded.Should().BeTrue(string.Join("; ", result.Errors));
        DataRequests(before, server.Requests).Should().Equal(ArchivePaths.CheckpointFile(HistoryFileKind.Ledger, mirrored.Range.Last));
    }

    [Fact]
    public async Task RunAsync_TargetHoldsAnOlderMirror_RequestsOnlyTheNewCheckpointsAndTheirNewBuckets()
    {
        await using var server = await ArchiveHttpServer.StartAsync(Fixtures.TestnetSmall);
        using var source = new HttpArchiveReader(server.BaseUri);
        using var work = new TempDirectory();
        using var target = new TempDirectory();
        var older = await new ArchiveMirror(source, new LocalArchiveWriter(target.Path), Options(work.Path, to: 8000, batch: 16)).RunAsync();
        older.Succeeded.Should().BeTrue(string.Join("; ", older.Errors));
        KeepOnlyTheLastVerifiedState(work.Path);
        var held = PublishAssertions.Relative(target.Path).Where(p => p.StartsWith("bucket/", StringComparison.Ordinal)).ToHashSet(StringComparer.Ordinal);
        var before = server.Requests;

        var result = await new ArchiveMirror(source, new LocalArchiveWriter(target.Path), Options(work.Path, batch: 16)).RunAsync();

        result.Succeeded.Should().BeTrue(string.Join("; ", result.Errors));
        var requested = DataRequests(before, server.Requests);
        requested.Where(p => ArchivePaths.TryParseCheckpointFile(p, out _, out var checkpoint) && checkpoint <= older.Range.Last)
            .Should().BeEmpty("the checkpoints the target already holds are read back from it");
        requested.Where(held.Contains).Should().BeEmpty("a bucket the target holds intact is not fetched");
        requested.Should().Contain(ArchivePaths.CheckpointFile(HistoryFileKind.Ledger, result.Range.Last));
        PublishAssertions.CopyMatchesSource(Fixtures.TestnetSmall, target.Path);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task RunAsync_TargetNewestHeaderForged_IsDetectedAndRepaired(bool keepLastVerifiedState)
    {
        // A forged header with its entry hash recomputed verifies on its own and nothing newer names it: only the
        // anchor to the source (the recorded state, or the source's own newest ledger file) finds it.
        using var work = new TempDirectory();
        using var target = new TempDirectory();
        var source = new LocalArchiveReader(Fixtures.PubnetLegacy);
        var first = await new ArchiveMirror(source, new LocalArchiveWriter(target.Path), Options(work.Path)).RunAsync();
        first.Succeeded.Should().BeTrue();
        var path = ArchivePaths.CheckpointFile(HistoryFileKind.Ledger, first.Range.Last);
        ForgeHeader(Path.Combine(target.Path, path), first.Range.Last);
        if (keepLastVerifiedState)
        {
            KeepOnlyTheLastVerifiedState(work.Path);
        }
        else
        {
            Directory.Delete(work.Path, recursive: true);
        }

        var recording = new RecordingArchiveWriter(target.Path);
        var result = await new ArchiveMirror(source, recording, Options(work.Path)).RunAsync();

        result.Succeeded.Should().BeTrue(string.Join("; ", result.Errors));
        recording.Writes.Should().Equal(path);
        PublishAssertions.CopyMatchesSource(Fixtures.PubnetLegacy, target.Path);
    }

    [Fact]
    public async Task RunAsync_TargetOlderHeaderForged_TheBreakIsRepairedFromTheSource()
    {
        using var work = new TempDirectory();
        using var target = new TempDirectory();
        var source = new LocalArchiveReader(Fixtures.PubnetLegacy);
        var first = await new ArchiveMirror(source, new LocalArchiveWriter(target.Path), Options(work.Path, batch: 4)).RunAsync();
        first.Succeeded.Should().BeTrue();
        var checkpoint = first.Range[5];
        var path = ArchivePaths.CheckpointFile(HistoryFileKind.Ledger, checkpoint);
        ForgeHeader(Path.Combine(target.Path, path), checkpoint);
        KeepOnlyTheLastVerifiedState(work.Path);

        var recording = new RecordingArchiveWriter(target.Path);
        var result = await new ArchiveMirror(source, recording, Options(work.Path, batch: 4)).RunAsync();

        result.Succeeded.Should().BeTrue(string.Join("; ", result.Errors));
        recording.Writes.Should().Equal(path);
        PublishAssertions.CopyMatchesSource(Fixtures.PubnetLegacy, target.Path);
    }

    /// <summary>Changes one header of a ledger file and recomputes its entry hash, so the file verifies on its own.</summary>
    private static void ForgeHeader(string file, uint ledger) =>
        VerificationFixtures.Rewrite<LedgerHeaderHistoryEntry>(file, e =>
        {
            if (e.Header.LedgerSeq == ledger)
            {
                e.Header.FeePool += 1;
                e.Hash = System.Security.Cryptography.SHA256.HashData(e.Header.ToXdr());
            }

            return e;
        });

    /// <summary>What a finished mirror leaves in its work directory: the record of the source's newest header, no files.</summary>
    private static void KeepOnlyTheLastVerifiedState(string work)
    {
        foreach (var directory in Directory.EnumerateDirectories(work))
        {
            Directory.Delete(directory, recursive: true);
        }

        File.Exists(Path.Combine(work, "mirror-anchor")).Should().BeTrue("a finished mirror records the source's newest header");
    }

    /// <summary>Checkpoint files and buckets requested between two snapshots of the server's counts.</summary>
    private static List<string> DataRequests(IReadOnlyDictionary<string, int> before, IReadOnlyDictionary<string, int> after) =>
        [.. after
            .Where(r => r.Value > before.GetValueOrDefault(r.Key))
            .Select(r => r.Key)
            .Where(p => p.StartsWith("bucket/", StringComparison.Ordinal) || ArchivePaths.TryParseCheckpointFile(p, out _, out _))
            .Order(StringComparer.Ordinal)];
}
