using Microsoft.Extensions.Time.Testing;
using Stellar.HistoryWork.Scheduling;
using Stellar.HistoryWork.Tests.Support;
using Stellar.HistoryWork.Verification;
using Stellar.TestSupport;

namespace Stellar.HistoryWork.Tests.Catchup;

/// <summary>The one-call catchup on the bundled testnet archive: range, trust sources, delivery, bucket order, waiting.</summary>
public class HistoryCatchupTests
{
    private const string Testnet = "Test SDF Network ; September 2015";

    [Fact]
    public async Task CatchupAsync_NonCheckpointLedgerWithConsensusHash_AppliesThePreviousCheckpointAndReplaysToIt()
    {
        using var work = new TempDirectory();
        var catchup = new HistoryCatchup(new LocalArchiveReader(Fixtures.TestnetSmall), Options(work));

        var result = await catchup.CatchupAsync(new HistoryCatchupRequest { ToLedger = 10000, Trust = CatchupTrust.FromConsensus(Trusted(10000)) });

        result.Range.ToString().Should().Be("buckets at 9983, replay 9984..10000");
        result.TrustSource.Should().Be(CatchupTrustSource.Consensus);
        result.IsTrusted.Should().BeTrue();
        result.Data.HistoryArchiveState.CurrentLedger.Should().Be(9983);
        result.Data.Headers.Select(h => h.Header.LedgerSeq).Should().Contain(10000);
    }

    [Fact]
    public async Task CatchupAsync_TrustedCheckpointHashesFile_IsTheTrustSource()
    {
        using var work = new TempDirectory();
        var catchup = new HistoryCatchup(new LocalArchiveReader(Fixtures.TestnetSmall), Options(work));
        var hashes = new TrustedCheckpointHashes([Trusted(10047)]);

        var result = await catchup.CatchupAsync(new HistoryCatchupRequest { ToLedger = 10047, Trust = CatchupTrust.FromCheckpointHashes(hashes) });

        result.Range.ToString().Should().Be("buckets at 10047");
        result.TrustSource.Should().Be(CatchupTrustSource.CheckpointHashesFile);
        result.IsTrusted.Should().BeTrue();
    }

    [Fact]
    public async Task CatchupAsync_TwoArchivesAgree_TrustedButReportedAsAgreement()
    {
        using var work = new TempDirectory();
        var archives = new IArchiveReader[] { new LocalArchiveReader(Fixtures.TestnetSmall), ArchiveReader.FromLocation(new Uri(Fixtures.TestnetSmall).AbsoluteUri) };
        var catchup = new HistoryCatchup(new ArchivePool(archives), Options(work));

        var result = await catchup.CatchupAsync(new HistoryCatchupRequest { ToLedger = 10047, Trust = CatchupTrust.FromAgreeingArchives(archives) });

        result.TrustSource.Should().Be(CatchupTrustSource.ArchivesAgree);
        result.IsTrusted.Should().BeTrue();
        result.Data.Headers[^1].Hash.Should().Equal(Trusted(10047).Hash);
    }

    [Fact]
    public async Task CatchupAsync_TooFewArchivesAnswer_FailsWithoutAgreement()
    {
        using var work = new TempDirectory();
        using var empty = new TempDirectory();
        var archives = new IArchiveReader[] { new LocalArchiveReader(Fixtures.TestnetSmall), new LocalArchiveReader(empty.Path) };
        var catchup = new HistoryCatchup(archives[0], Options(work));

        var act = () => catchup.CatchupAsync(new HistoryCatchupRequest { ToLedger = 10047, Trust = CatchupTrust.FromAgreeingArchives(archives) });

        (await act.Should().ThrowAsync<HistoryCatchupException>()).WithMessage("only 1 of 2 archives served ledger 10047's header; 2 must agree");
    }

    [Fact]
    public async Task CatchupAsync_WrongConsensusHash_FailsNamingTheWork()
    {
        using var work = new TempDirectory();
        var wrong = Trusted(10047).Hash.ToArray();
        wrong[0] ^= 0xff;
        var catchup = new HistoryCatchup(new LocalArchiveReader(Fixtures.TestnetSmall), Options(work));

        var act = () => catchup.CatchupAsync(new HistoryCatchupRequest { ToLedger = 10047, Trust = CatchupTrust.FromConsensus(new TrustedLedgerHash(10047, wrong)) });

        (await act.Should().ThrowAsync<HistoryCatchupException>()).Which.Run!.Succeeded.Should().BeFalse();
    }

    [Fact]
    public async Task CatchupAsync_CancelledByTheCaller_IsACancellationNotAFailure()
    {
        using var work = new TempDirectory();
        var catchup = new HistoryCatchup(new LocalArchiveReader(Fixtures.TestnetSmall), Options(work));
        using var cancellation = new CancellationTokenSource();
        await cancellation.CancelAsync();

        var act = () => catchup.CatchupAsync(new HistoryCatchupRequest { ToLedger = 10047, Trust = CatchupTrust.FromConsensus(Trusted(10047)) }, cancellation.Token);

        await act.Should().ThrowAsync<OperationCanceledException>();
    }

    [Fact]
    public async Task CatchupByCheckpointAsync_Range_YieldsEachCheckpointInLedgerOrderTrusted()
    {
        using var work = new TempDirectory();
        var catchup = new HistoryCatchup(new LocalArchiveReader(Fixtures.TestnetSmall), Options(work));
        var request = new HistoryCatchupRequest { ToLedger = 10047, FromLedger = 9900, Trust = CatchupTrust.FromConsensus(Trusted(10047)) };

        var checkpoints = new List<CheckpointData>();
        await foreach (var checkpoint in catchup.CatchupByCheckpointAsync(request))
        {
            checkpoints.Add(checkpoint);
        }

        checkpoints.Select(c => c.Range.Last).Should().Equal([9855u, 9919u, 9983u, 10047u], "buckets at 9855 (its headers bind its HAS), replay 9856..10047");
        checkpoints.Should().OnlyContain(c => c.IsTrusted);
        foreach (var checkpoint in checkpoints)
        {
            checkpoint.Headers.Should().OnlyContain(h => h.Header.LedgerSeq > checkpoint.Range.Last - 64 && h.Header.LedgerSeq <= checkpoint.Range.Last);
            checkpoint.Transactions.Should().OnlyContain(t => t.LedgerSeq > checkpoint.Range.Last - 64 && t.LedgerSeq <= checkpoint.Range.Last);
        }

        checkpoints.Sum(c => c.Headers.Count).Should().Be(4 * 64);
    }

    [Fact]
    public async Task CatchupAsync_WithProgress_RaisesTheSnapshotGetProgressAsyncReads()
    {
        using var work = new TempDirectory();
        var catchup = new HistoryCatchup(new LocalArchiveReader(Fixtures.TestnetSmall), Options(work));
        var raised = new List<HistoryWorkProgress>();
        await using var scheduler = new WorkScheduler();
        var request = new HistoryCatchupRequest { ToLedger = 10047, FromLedger = 9900, Trust = CatchupTrust.FromConsensus(Trusted(10047)), Progress = new SyncProgress(raised) };

        using var registration = await catchup.RegisterAsync(scheduler, request);
        await registration.GetResultAsync(await scheduler.RunToCompletionAsync());

        var last = raised[^1];
        last.Stage.Should().Be(HistoryWorkStage.Completed, last.Message);
        last.Stages.Should().Equal((await registration.State.GetProgressAsync()).Stages, "the last change raised is the state read afterwards");
        last.Of(HistoryWorkStage.Transactions)!.Done.Should().Be(4, "one transactions file per checkpoint, each raised as it verified");
        raised.Select(p => p.Of(HistoryWorkStage.Transactions)?.Done ?? 0).Should().BeInAscendingOrder("snapshots are raised in the order of the changes");
        raised.Should().HaveCountGreaterThan(4 * 4, "every file of the four checkpoints raised one");
    }

    [Fact]
    public async Task RegisterAsync_CallersScheduler_RunsThereAndHandsOverTheResult()
    {
        using var work = new TempDirectory();
        var catchup = new HistoryCatchup(new LocalArchiveReader(Fixtures.TestnetSmall), Options(work));
        await using var scheduler = new WorkScheduler();

        using var registration = await catchup.RegisterAsync(scheduler, new HistoryCatchupRequest { ToLedger = 10047, Trust = CatchupTrust.FromConsensus(Trusted(10047)) });
        var run = await scheduler.RunToCompletionAsync();
        var result = await registration.GetResultAsync(run);

        registration.Ids.All.Should().OnlyContain(id => scheduler.GetState(id) == WorkState.Succeeded);
        result.IsTrusted.Should().BeTrue();
    }

    [Fact]
    public async Task BucketApplyOrder_Live_NewestLevelFirstCurrBeforeSnapWithoutEmptyBuckets()
    {
        using var work = new TempDirectory();
        var catchup = new HistoryCatchup(new LocalArchiveReader(Fixtures.TestnetSmall), Options(work));
        var result = await catchup.CatchupAsync(new HistoryCatchupRequest { ToLedger = 10047, Trust = CatchupTrust.FromConsensus(Trusted(10047)) });

        var order = BucketApplyOrder.Live(result.Data);

        var has = result.Data.HistoryArchiveState;
        var expected = has.CurrentBuckets
            .SelectMany((level, i) => new[] { (i, false, level.Curr), (i, true, level.Snap) })
            .Where(b => !HashHex.IsZero(b.Item3))
            .ToList();
        order.Select(b => (b.Level, b.IsSnap, b.Hash)).Should().Equal(expected);
        order.Should().OnlyContain(b => File.Exists(b.LocalPath));
        BucketApplyOrder.HotArchive(result.Data).Should().HaveCount(has.HotArchiveBuckets?.Count(l => !HashHex.IsZero(l.Curr)) + has.HotArchiveBuckets?.Count(l => !HashHex.IsZero(l.Snap)) ?? 0);
    }

    [Fact]
    public async Task WaitForCheckpointAsync_PublishedOnTheThirdPoll_ReturnsAfterBackoff()
    {
        var time = new FakeTimeProvider();
        var archive = new PublishingArchive(time, published: [9983, 9983, 10047]);
        var catchup = new HistoryCatchup(archive, new HistoryWorkOptions { TimeProvider = time, NetworkPassphrase = Testnet });

        var wait = catchup.WaitForCheckpointAsync(10047, TimeSpan.FromMinutes(10), TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(60));
        await AdvanceUntilAsync(time, wait);

        (await wait).CurrentLedger.Should().Be(10047);
        archive.ReadTimes.Should().HaveCount(3);
        (archive.ReadTimes[1] - archive.ReadTimes[0]).Should().BeGreaterThanOrEqualTo(TimeSpan.FromSeconds(5));
        (archive.ReadTimes[2] - archive.ReadTimes[1]).Should().BeGreaterThanOrEqualTo(TimeSpan.FromSeconds(10), "each wait doubles");
    }

    [Fact]
    public async Task WaitForCheckpointAsync_NeverPublished_TimesOutNamingTheNewest()
    {
        var time = new FakeTimeProvider();
        var archive = new PublishingArchive(time, published: [9983]);
        var catchup = new HistoryCatchup(archive, new HistoryWorkOptions { TimeProvider = time, NetworkPassphrase = Testnet });

        var wait = catchup.WaitForCheckpointAsync(10047, TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(60));
        await AdvanceUntilAsync(time, wait);

        var act = () => wait;
        (await act.Should().ThrowAsync<HistoryCatchupException>()).WithMessage("publishing: checkpoint 10047 was not published within 00:00:30; the archive has checkpoint 9983");
    }

    [Fact]
    public async Task WaitForCheckpointAsync_Cancelled_ThrowsCancellation()
    {
        var time = new FakeTimeProvider();
        var catchup = new HistoryCatchup(new PublishingArchive(time, published: [9983]), new HistoryWorkOptions { TimeProvider = time, NetworkPassphrase = Testnet });
        using var cancellation = new CancellationTokenSource();

        var wait = catchup.WaitForCheckpointAsync(10047, TimeSpan.FromMinutes(10), TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(60), cancellation.Token);
        await cancellation.CancelAsync();

        var act = () => wait;
        await act.Should().ThrowAsync<OperationCanceledException>();
    }

    /// <summary>Moves the fake clock a second at a time until <paramref name="task"/> ends (the delays are on that clock).</summary>
    private static async Task AdvanceUntilAsync(FakeTimeProvider time, Task task)
    {
        for (var step = 0; step < 3600 && !task.IsCompleted; step++)
        {
            await Task.Yield();
            await Task.WhenAny(task, Task.Delay(1));
            time.Advance(TimeSpan.FromSeconds(1));
        }
    }

    private static HistoryWorkOptions Options(TempDirectory work) =>
        new() { WorkDirectory = work.Path, NetworkPassphrase = Testnet };

    internal static TrustedLedgerHash Trusted(uint ledger)
    {
        var file = Path.Combine(Fixtures.TestnetSmall, ArchivePaths.CheckpointFile(HistoryFileKind.Ledger, CheckpointMath.Default.CheckpointContaining(ledger)));
        using var records = Stellar.Xdr.XdrRecordReader.OpenGzip(File.OpenRead(file));
        while (records.ReadNext())
        {
            var entry = records.DecodeCurrent<Stellar.Xdr.LedgerHeaderHistoryEntry>();
            if (entry.Header.LedgerSeq == ledger)
            {
                return new TrustedLedgerHash(ledger, entry.Hash);
            }
        }

        throw new InvalidOperationException($"no ledger {ledger} in {file}");
    }

    /// <summary>An archive whose .well-known is the real HAS of the next of <c>published</c> at each read (the last one from then on).</summary>
    private sealed class PublishingArchive(FakeTimeProvider time, uint[] published) : IArchiveReader
    {
        private readonly List<DateTimeOffset> _reads = [];

        public string Name => "publishing";

        public IReadOnlyList<DateTimeOffset> ReadTimes
        {
            get
            {
                lock (_reads)
                {
                    return [.. _reads];
                }
            }
        }

        public ValueTask<Stream> OpenReadAsync(string path, CancellationToken cancellationToken = default)
        {
            path.Should().Be(ArchivePaths.WellKnownState);
            int reads;
            lock (_reads)
            {
                _reads.Add(time.GetUtcNow());
                reads = _reads.Count;
            }

            var checkpoint = published[Math.Min(reads, published.Length) - 1];
            return ValueTask.FromResult<Stream>(File.OpenRead(Path.Combine(Fixtures.TestnetSmall, ArchivePaths.HistoryState(checkpoint))));
        }

        public ValueTask<bool> ExistsAsync(string path, CancellationToken cancellationToken = default) => ValueTask.FromResult(true);
    }

    private sealed class SyncProgress(List<HistoryWorkProgress> sink) : IProgress<HistoryWorkProgress>
    {
        public void Report(HistoryWorkProgress value)
        {
            lock (sink)
            {
                sink.Add(value);
            }
        }
    }
}
