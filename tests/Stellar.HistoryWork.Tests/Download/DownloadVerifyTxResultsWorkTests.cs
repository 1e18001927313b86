using Stellar.HistoryWork.Download;
using Stellar.HistoryWork.Scheduling;
using Stellar.HistoryWork.Tests.Support;
using Stellar.HistoryWork.Tests.Verification;
using Stellar.HistoryWork.Verification;
using Stellar.TestSupport;
using static Stellar.HistoryWork.Tests.Download.WorkRunner;

namespace Stellar.HistoryWork.Tests.Download;

public class DownloadVerifyTxResultsWorkTests
{
    private static readonly CheckpointRange Range = new(9855, 10047, CheckpointMath.Default);

    [Fact]
    public async Task RunAsync_GivenHeadersOverHttp_VerifiesAndStoresEveryResultsFile()
    {
        using var work = new TempDirectory();
        await using var server = await ArchiveHttpServer.StartAsync(Fixtures.TestnetSmall);
        var headers = await HeadersAsync(Range);
        var download = new DownloadVerifyTxResultsWork(new HttpArchiveReader(server.BaseUri), headers, Range, new HistoryWorkOptions { WorkDirectory = work.Path });

        var result = await RunAsync(download);

        result.State.Should().Be(WorkState.Succeeded, result.Reason);
        download.Results.Keys.Should().BeEquivalentTo(Range);
        foreach (var checkpoint in Range)
        {
            var path = ArchivePaths.CheckpointFile(HistoryFileKind.Results, checkpoint);
            download.Results[checkpoint].Entries.Should().Be(VerificationFixtures.ReadRecords(Local(Fixtures.TestnetSmall, path)).Count);
            File.ReadAllBytes(Local(work.Path, path)).Should().Equal(File.ReadAllBytes(Local(Fixtures.TestnetSmall, path)));
        }
    }

    [Fact]
    public async Task RunAsync_HeadersInSharedState_VerifiesAndRecordsTheStage()
    {
        using var work = new TempDirectory();
        using var state = new SharedHistoryState();
        foreach (var (checkpoint, file) in await HeadersAsync(Range))
        {
            await state.SetHeadersAsync(checkpoint, file, file.Path, CancellationToken.None);
        }

        var download = new DownloadVerifyTxResultsWork(new LocalArchiveReader(Fixtures.TestnetSmall), state, Range, new HistoryWorkOptions { WorkDirectory = work.Path });

        var result = await RunAsync(download);

        result.State.Should().Be(WorkState.Succeeded, result.Reason);
        var stage = (await state.GetProgressAsync()).Stages.Should().ContainSingle().Subject;
        stage.Stage.Should().Be(HistoryWorkStage.Results);
        stage.Status.Should().Be(StageStatus.Succeeded);
        stage.Done.Should().Be(Range.Count);
    }

    [Fact]
    public async Task RunAsync_TamperedResultsFile_FailsAndStoresNothingUnderItsName()
    {
        using var archive = CopyFolders(Fixtures.TestnetSmall, "results");
        var bad = ArchivePaths.CheckpointFile(HistoryFileKind.Results, 9919);
        var ledger = ArchiveTampering.FlipByteInLastRecord(Local(archive.Path, bad));
        using var work = new TempDirectory();
        var download = new DownloadVerifyTxResultsWork(new LocalArchiveReader(archive.Path), await HeadersAsync(Range), Range, new HistoryWorkOptions { WorkDirectory = work.Path });

        var result = await RunAsync(download, WorkRetries.Once);

        result.State.Should().Be(WorkState.Failed);
        result.Attempts.Should().Be(2);
        var problem = result.Error.Should().BeOfType<HistoryVerificationException>().Which.Problem;
        problem.Path.Should().Be(bad);
        problem.Ledger.Should().Be(ledger);
        File.Exists(Local(work.Path, bad)).Should().BeFalse();
        download.Results.Should().BeEmpty();
    }

    [Fact]
    public async Task Constructor_HeadersMissingACheckpoint_Throws()
    {
        var headers = await HeadersAsync(new CheckpointRange(9983, 10047, CheckpointMath.Default));

        var act = () => new DownloadVerifyTxResultsWork(new LocalArchiveReader(Fixtures.TestnetSmall), headers, Range);

        act.Should().Throw<ArgumentException>().WithMessage("*9855*");
    }

    private static async Task<Dictionary<uint, LedgerHeaderFileResult>> HeadersAsync(CheckpointRange range)
    {
        var headers = new Dictionary<uint, LedgerHeaderFileResult>();
        foreach (var checkpoint in range)
        {
            headers[checkpoint] = await VerificationFixtures.VerifyHeadersAsync(Fixtures.TestnetSmall, checkpoint);
        }

        return headers;
    }
}
