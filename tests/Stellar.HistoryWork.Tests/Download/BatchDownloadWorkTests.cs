using Stellar.HistoryWork.Download;
using Stellar.HistoryWork.Scheduling;
using Stellar.HistoryWork.Tests.Support;
using Stellar.HistoryWork.Verification;
using Stellar.TestSupport;
using static Stellar.HistoryWork.Tests.Download.WorkRunner;

namespace Stellar.HistoryWork.Tests.Download;

public class BatchDownloadWorkTests
{
    private static readonly CheckpointMath Math64 = CheckpointMath.Default;

    [Fact]
    public async Task RunAsync_LedgerFilesOfTestnetRange_StoresEveryFileByteIdentical()
    {
        using var work = new TempDirectory();
        var range = new CheckpointRange(63, 1023, Math64);
        var batch = new BatchDownloadWork(new LocalArchiveReader(Fixtures.TestnetSmall), new VerifiedFileStore(work.Path), HistoryFileKind.Ledger, range);

        var result = await RunAsync(batch);

        result.State.Should().Be(WorkState.Succeeded, result.Reason);
        batch.Files.Keys.Should().Equal(range);
        foreach (var (checkpoint, local) in batch.Files)
        {
            var path = ArchivePaths.CheckpointFile(HistoryFileKind.Ledger, checkpoint);
            local.Should().Be(Local(work.Path, path));
            File.ReadAllBytes(local).Should().Equal(File.ReadAllBytes(Local(Fixtures.TestnetSmall, path)));
        }

        Directory.EnumerateFiles(work.Path, "*.partial", SearchOption.AllDirectories).Should().BeEmpty();
    }

    [Theory]
    [InlineData(HistoryFileKind.Ledger)]
    [InlineData(HistoryFileKind.Transactions)]
    [InlineData(HistoryFileKind.Results)]
    [InlineData(HistoryFileKind.Scp)]
    public async Task RunAsync_EveryKindOfPubnetLegacyArchive_AcceptsTheRealFiles(HistoryFileKind kind)
    {
        using var work = new TempDirectory();
        var range = new CheckpointRange(11999999, 12001023, Math64);
        var batch = new BatchDownloadWork(new LocalArchiveReader(Fixtures.PubnetLegacy), new VerifiedFileStore(work.Path), kind, range, new HistoryWorkOptions { MaxConcurrentDownloads = 3 });

        var result = await RunAsync(batch);

        result.State.Should().Be(WorkState.Succeeded, result.Reason);
        batch.Files.Should().HaveCount(range.Count);
    }

    [Fact]
    public async Task RunAsync_TruncatedGzip_RetriesThenFailsNamingTheFileAndKeepsTheGoodOnes()
    {
        using var archive = CopyFolders(Fixtures.TestnetSmall, "transactions");
        var bad = ArchivePaths.CheckpointFile(HistoryFileKind.Transactions, 575);
        var bytes = File.ReadAllBytes(Local(archive.Path, bad));
        File.WriteAllBytes(Local(archive.Path, bad), bytes[..^9]);
        using var work = new TempDirectory();
        var reader = new CountingArchiveReader(new LocalArchiveReader(archive.Path));
        var batch = new BatchDownloadWork(reader, new VerifiedFileStore(work.Path), HistoryFileKind.Transactions, new CheckpointRange(511, 639, Math64));

        var result = await RunAsync(batch, WorkRetries.Once);

        result.State.Should().Be(WorkState.Failed);
        result.Attempts.Should().Be(2);
        var problem = result.Error.Should().BeOfType<HistoryVerificationException>().Which.Problem;
        problem.Kind.Should().Be(ProblemKind.Corrupt);
        problem.Path.Should().Be(bad);
        File.Exists(Local(work.Path, bad)).Should().BeFalse();
        File.Exists(Local(work.Path, ArchivePaths.CheckpointFile(HistoryFileKind.Transactions, 639))).Should().BeTrue();
        reader.OpenCount(bad).Should().Be(2, "the bad file is fetched again on the retry");
        reader.OpenCount(ArchivePaths.CheckpointFile(HistoryFileKind.Transactions, 639)).Should().Be(1, "a good stored file is reused");
        batch.Files.Should().BeEmpty();
    }

    [Fact]
    public async Task RunAsync_FileOfAnotherKindUnderTheName_FailsAsCorrupt()
    {
        using var archive = CopyFolders(Fixtures.TestnetSmall, "ledger", "results");
        var ledger = ArchivePaths.CheckpointFile(HistoryFileKind.Ledger, 10047);
        File.Copy(Local(archive.Path, ArchivePaths.CheckpointFile(HistoryFileKind.Results, 10047)), Local(archive.Path, ledger), overwrite: true);
        using var work = new TempDirectory();
        var batch = new BatchDownloadWork(new LocalArchiveReader(archive.Path), new VerifiedFileStore(work.Path), HistoryFileKind.Ledger, new CheckpointRange(10047, 10047, Math64));

        var result = await RunAsync(batch, WorkRetries.Never);

        result.State.Should().Be(WorkState.Failed);
        var problem = result.Error.Should().BeOfType<HistoryVerificationException>().Which.Problem;
        problem.Kind.Should().Be(ProblemKind.Corrupt);
        problem.Message.Should().Contain(nameof(Stellar.Xdr.LedgerHeaderHistoryEntry));
    }

    [Fact]
    public async Task RunAsync_MissingScpFileAtTheStart_ToleratedUnlessScpHistoryIsRequired()
    {
        using var archive = CopyFolders(Fixtures.TestnetSmall, "scp");
        var gone = ArchivePaths.CheckpointFile(HistoryFileKind.Scp, 127);
        File.Delete(Local(archive.Path, gone));
        var range = new CheckpointRange(127, 255, Math64);
        using var work = new TempDirectory();

        var lenient = new BatchDownloadWork(new LocalArchiveReader(archive.Path), new VerifiedFileStore(work.Path), HistoryFileKind.Scp, range);
        var strict = new BatchDownloadWork(new LocalArchiveReader(archive.Path), new VerifiedFileStore(work.Path), HistoryFileKind.Scp, range, new HistoryWorkOptions { RequireScpHistory = true });

        (await RunAsync(lenient)).State.Should().Be(WorkState.Succeeded);
        lenient.Files.Keys.Should().Equal(191u, 255u);
        var failed = await RunAsync(strict, WorkRetries.Never);
        failed.State.Should().Be(WorkState.Failed);
        var problem = failed.Error.Should().BeOfType<HistoryVerificationException>().Which.Problem;
        problem.Should().BeEquivalentTo(new { Path = gone, Kind = ProblemKind.Missing });
    }

    [Fact]
    public async Task RunAsync_MissingScpFileAfterOneThatHasIt_FailsNamingIt()
    {
        // The same rule as ArchiveVerifier's (docs/ARCHIVE-FORMAT.md §4.7): once the range has an SCP file,
        // every later checkpoint has one. The download used to accept this gap while verify reported it.
        using var archive = CopyFolders(Fixtures.TestnetSmall, "scp");
        var gone = ArchivePaths.CheckpointFile(HistoryFileKind.Scp, 191);
        File.Delete(Local(archive.Path, gone));
        using var work = new TempDirectory();
        var batch = new BatchDownloadWork(new LocalArchiveReader(archive.Path), new VerifiedFileStore(work.Path), HistoryFileKind.Scp, new CheckpointRange(127, 255, Math64));

        var failed = await RunAsync(batch, WorkRetries.Never);

        failed.State.Should().Be(WorkState.Failed);
        var problem = failed.Error.Should().BeOfType<HistoryVerificationException>().Which.Problem;
        problem.Should().BeEquivalentTo(new { Path = gone, Ledger = (uint?)191, Kind = ProblemKind.Missing });
    }

    [Fact]
    public async Task RunAsync_Progress_RecordsTheStageAndFilesInTheGivenState()
    {
        using var work = new TempDirectory();
        using var state = new SharedHistoryState();
        var range = new CheckpointRange(9919, 10047, Math64);
        var batch = new BatchDownloadWork(new LocalArchiveReader(Fixtures.TestnetSmall), new VerifiedFileStore(work.Path), HistoryFileKind.Results, range, progress: state);

        (await RunAsync(batch)).State.Should().Be(WorkState.Succeeded);

        var stage = (await state.GetProgressAsync()).Stages.Should().ContainSingle().Subject;
        stage.Stage.Should().Be(HistoryWorkStage.Results);
        stage.Done.Should().Be(range.Count);
        stage.Bytes.Should().Be(range.Sum(c => new FileInfo(Local(Fixtures.TestnetSmall, ArchivePaths.CheckpointFile(HistoryFileKind.Results, c))).Length));
    }

    [Fact]
    public void Constructor_RangeOfAnotherFrequency_Throws()
    {
        using var work = new TempDirectory();
        var act = () => new BatchDownloadWork(new LocalArchiveReader(Fixtures.TestnetSmall), new VerifiedFileStore(work.Path), HistoryFileKind.Ledger, new CheckpointRange(7, 15, CheckpointMath.Accelerated));

        act.Should().Throw<ArgumentException>();
    }
}
