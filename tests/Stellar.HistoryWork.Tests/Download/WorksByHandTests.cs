using Stellar.HistoryWork.Download;
using Stellar.HistoryWork.Publish;
using Stellar.HistoryWork.Scheduling;
using Stellar.HistoryWork.Tests.Catchup;
using Stellar.HistoryWork.Tests.Support;
using Stellar.HistoryWork.Verification;
using Stellar.TestSupport;

namespace Stellar.HistoryWork.Tests.Download;

/// <summary>The DESIGN §2 work classes built with their public constructors, as a caller that assembles its own graph would.</summary>
public class WorksByHandTests
{
    private const string Testnet = "Test SDF Network ; September 2015";

    private static readonly CheckpointRange Range = new(9919, 10047, CheckpointMath.Default);

    [Fact]
    public async Task Constructors_DownloadAndPublishInTheBuildersOrder_GiveWhatTheBuilderGives()
    {
        using var work = new TempDirectory();
        using var target = new TempDirectory();
        var archive = new LocalArchiveReader(Fixtures.TestnetSmall);
        var options = Options(work.Path);
        using var state = new SharedHistoryState();
        var writer = new LocalArchiveWriter(target.Path);
        await using var scheduler = new WorkScheduler(new WorkSchedulerOptions { RetryDelay = _ => TimeSpan.FromMilliseconds(1) });

        var has = scheduler.Add(new GetHistoryArchiveStateWork(archive, Range, state, options));
        var headers = scheduler.Add(new DownloadLedgerHeadersWork(archive, Range, state, options), [has]);
        var buckets = scheduler.Add(new DownloadBucketsWork(archive, Range, state, options), [has]);
        var transactions = scheduler.Add(new DownloadTransactionsWork(archive, Range, state, options), [headers]);
        var results = scheduler.Add(new DownloadTxResultsWork(archive, Range, state, options), [headers]);
        var scp = scheduler.Add(new DownloadScpHistoryWork(archive, Range, state, options), [headers]);
        var publishBuckets = scheduler.Add(new PublishBucketsWork(writer, Range, state, options), [buckets, headers]);
        WorkId[] published =
        [
            scheduler.Add(new PublishLedgerHeadersWork(writer, Range, state, options), [headers, publishBuckets]),
            scheduler.Add(new PublishTransactionsWork(writer, Range, state, options), [transactions, publishBuckets]),
            scheduler.Add(new PublishResultsWork(writer, Range, state, options), [results, publishBuckets]),
            scheduler.Add(new PublishScpHistoryWork(writer, Range, state, options), [scp, publishBuckets]),
        ];
        scheduler.Add(new PublishHistoryArchiveStateWork(writer, Range, state, options), [has, .. published]);
        var run = await scheduler.RunToCompletionAsync();

        run.Succeeded.Should().BeTrue(run.ToString());
        var byHand = await state.BuildCheckpointDataAsync();
        var built = await BuilderDataAsync();
        byHand.IsTrusted.Should().BeTrue();
        byHand.Headers.Select(h => h.Header.LedgerSeq).Should().Equal(built.Headers.Select(h => h.Header.LedgerSeq));
        byHand.Transactions.Should().HaveSameCount(built.Transactions).And.NotBeEmpty();
        byHand.Results.Should().HaveSameCount(built.Results);
        byHand.ScpHistory.Should().HaveSameCount(built.ScpHistory);
        byHand.LiveBuckets.Keys.Should().BeEquivalentTo(built.LiveBuckets.Keys);
        byHand.HistoryArchiveStates.Keys.Should().Equal(Range);
        var report = await new ArchiveVerifier(new LocalArchiveReader(target.Path), new ArchiveVerifierOptions { TrustedHash = HistoryCatchupTests.Trusted(10047) }).VerifyAsync();
        report.Problems.Should().BeEmpty();
        report.Trusted.Should().BeTrue();
        report.Checkpoints.Should().Be(Range.Count);
    }

    [Fact]
    public void Constructors_TwoWorkDirectoriesOnOneState_Throw()
    {
        using var first = new TempDirectory();
        using var second = new TempDirectory();
        using var state = new SharedHistoryState();
        var archive = new LocalArchiveReader(Fixtures.TestnetSmall);
        _ = new GetHistoryArchiveStateWork(archive, Range, state, Options(first.Path));

        var act = () => new DownloadLedgerHeadersWork(archive, Range, state, Options(second.Path));

        act.Should().Throw<ArgumentException>().WithMessage("*share one work directory*");
    }

    private static HistoryWorkOptions Options(string workDirectory) => new()
    {
        WorkDirectory = workDirectory,
        NetworkPassphrase = Testnet,
        FetchEveryHistoryArchiveState = true,
        TrustedHash = HistoryCatchupTests.Trusted(10047),
    };

    private static async Task<CheckpointData> BuilderDataAsync()
    {
        using var work = new TempDirectory();
        using var harness = new CatchupHarness(new LocalArchiveReader(Fixtures.TestnetSmall), Range, work.Path, Options(work.Path));
        var run = await harness.RunAsync();
        run.Succeeded.Should().BeTrue(run.ToString());
        return await harness.State.BuildCheckpointDataAsync();
    }
}
