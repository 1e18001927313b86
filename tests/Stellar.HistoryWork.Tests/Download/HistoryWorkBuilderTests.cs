using Stellar.HistoryWork.Download;
using Stellar.HistoryWork.Scheduling;
using Stellar.HistoryWork.Tests.Support;
using Stellar.HistoryWork.Verification;
using Stellar.TestSupport;

namespace Stellar.HistoryWork.Tests.Download;

public class HistoryWorkBuilderTests
{
    private static readonly CheckpointMath Math64 = CheckpointMath.Default;

    [Fact]
    public async Task Register_WholeTestnetArchiveFromDisk_VerifiesAndReproducesEveryFile()
    {
        using var work = new TempDirectory();
        var range = new CheckpointRange(63, 10047, Math64);
        using var harness = new CatchupHarness(new LocalArchiveReader(Fixtures.TestnetSmall), range, work.Path);

        var result = await harness.RunAsync();

        result.Succeeded.Should().BeTrue(Describe(result));
        var data = await harness.State.BuildCheckpointDataAsync();
        data.Headers.Should().HaveCount(10047);
        data.Headers.Select(h => h.Header.LedgerSeq).Should().BeInAscendingOrder().And.OnlyHaveUniqueItems();
        data.Transactions.Should().NotBeEmpty();
        data.Results.Should().HaveSameCount(data.Transactions);
        data.ScpHistory.Should().NotBeEmpty();
        data.IsTrusted.Should().BeFalse("no trusted hash was given");
        data.HistoryArchiveState.CurrentLedger.Should().Be(10047);
        data.LiveBuckets.Keys.Should().BeEquivalentTo(data.HistoryArchiveState.GetReferencedLiveBuckets());
        AssertSameFiles(Fixtures.TestnetSmall, work.Path);
        Directory.EnumerateFiles(work.Path, "*.partial", SearchOption.AllDirectories).Should().BeEmpty();
    }

    [Fact]
    public async Task GetSummaryAsync_AfterCatchup_CountsWhatTheDecodedDataHolds()
    {
        using var work = new TempDirectory();
        using var harness = new CatchupHarness(new LocalArchiveReader(Fixtures.TestnetSmall), new CheckpointRange(8703, 10047, Math64), work.Path);
        (await harness.RunAsync()).Succeeded.Should().BeTrue();

        var summary = await harness.State.GetSummaryAsync();

        var data = await harness.State.BuildCheckpointDataAsync();
        data.Transactions.Select(t => t.LedgerSeq).Should().BeInAscendingOrder().And.OnlyHaveUniqueItems("files read at once still come back in ledger order");
        data.Results.Select(r => r.LedgerSeq).Should().Equal(data.Transactions.Select(t => t.LedgerSeq));
        data.ScpHistory.Select(e => e.V0!.LedgerMessages.LedgerSeq).Should().BeInAscendingOrder();
        summary.Range.Should().Equal(data.Range);
        summary.Headers.Should().Be(data.Headers.Count);
        summary.FirstLedger.Should().Be(data.Headers[0].Header.LedgerSeq);
        summary.LastLedger.Should().Be(data.Headers[^1].Header.LedgerSeq);
        summary.LedgersWithTransactions.Should().Be(data.Transactions.Count).And.BePositive();
        summary.Transactions.Should().Be(data.Transactions.Sum(CountEnvelopes)).And.BeGreaterThan(summary.LedgersWithTransactions);
        summary.ResultSets.Should().Be(data.Results.Count);
        summary.ScpEntries.Should().Be(data.ScpHistory.Count);
        summary.FilesByKind.Should().BeEquivalentTo(data.Files.GroupBy(f => f.Kind).ToDictionary(g => g.Key, g => g.Count()));
        summary.CheckpointFiles.Should().Be(data.Files.Count);
        summary.LiveBuckets.Should().Be(data.LiveBuckets.Count);
        summary.HotArchiveBuckets.Should().Be(data.HotArchiveBuckets.Count);
        summary.IsTrusted.Should().Be(data.IsTrusted);
    }

    [Fact]
    public async Task GetSummaryAsync_NothingDownloaded_Throws()
    {
        using var state = new SharedHistoryState();

        await FluentActions.Awaiting(() => state.GetSummaryAsync()).Should().ThrowAsync<InvalidOperationException>();
    }

    [Fact]
    public async Task Register_PubnetLegacyArchive_VerifiesLegacyTransactionSets()
    {
        using var work = new TempDirectory();
        var range = new CheckpointRange(11999999, 12001023, Math64);
        using var harness = new CatchupHarness(new LocalArchiveReader(Fixtures.PubnetLegacy), range, work.Path);

        var result = await harness.RunAsync();

        result.Succeeded.Should().BeTrue(Describe(result));
        var data = await harness.State.BuildCheckpointDataAsync();
        data.Headers.Should().HaveCount(range.Count * 64);
        data.Transactions.Should().OnlyContain(t => t.Ext.Discriminant == 0, "protocol 8 only had legacy sets");
        AssertSameFiles(Fixtures.PubnetLegacy, work.Path);
    }

    [Fact]
    public async Task Register_TrustedHashOfNewestLedger_ReportsTrusted()
    {
        using var work = new TempDirectory();
        var trusted = NewestHeaderHash(Fixtures.TestnetSmall, 10047);
        var options = new HistoryWorkOptions { TrustedHash = new TrustedLedgerHash(10047, trusted) };
        using var harness = new CatchupHarness(new LocalArchiveReader(Fixtures.TestnetSmall), new CheckpointRange(9983, 10047, Math64), work.Path, options);

        var result = await harness.RunAsync();

        result.Succeeded.Should().BeTrue(Describe(result));
        (await harness.State.BuildCheckpointDataAsync()).IsTrusted.Should().BeTrue();
    }

    [Fact]
    public async Task Register_WrongTrustedHash_FailsAtOnceWithoutRetrying()
    {
        using var work = new TempDirectory();
        var wrong = NewestHeaderHash(Fixtures.TestnetSmall, 10047);
        wrong[0] ^= 0xff;
        var options = new HistoryWorkOptions { TrustedHash = new TrustedLedgerHash(10047, wrong) };
        using var harness = new CatchupHarness(new LocalArchiveReader(Fixtures.TestnetSmall), new CheckpointRange(10047, 10047, Math64), work.Path, options);

        var result = await harness.RunAsync();

        result.Succeeded.Should().BeFalse();
        var headers = result[harness.Ids!.LedgerHeaders];
        headers.State.Should().Be(WorkState.Failed);
        headers.Attempts.Should().Be(1, "data that contradicts a trusted hash is fatal");
        headers.Error.Should().BeOfType<HistoryVerificationException>().Which.Kind.Should().Be(ProblemKind.Untrusted);
        result[harness.Ids.Transactions].State.Should().Be(WorkState.Blocked);
        var progress = await harness.State.GetProgressAsync();
        progress.Stage.Should().Be(HistoryWorkStage.Failed);
        progress.Message.Should().Contain("trusted");
        await FluentActions.Awaiting(() => harness.State.BuildCheckpointDataAsync()).Should().ThrowAsync<InvalidOperationException>();
    }

    [Fact]
    public async Task Register_HotArchiveCheckpoint127_BindsLiveAndHotListsAndNamesTheOneMissingHotBucket()
    {
        using var work = new TempDirectory();
        using var harness = new CatchupHarness(new LocalArchiveReader(Fixtures.TestnetHotArchive), new CheckpointRange(127, 127, Math64), work.Path);
        harness.Options.DownloadRetries = WorkRetries.Once;

        var result = await harness.RunAsync();

        // The headers work checks SHA256(list(live) || list(hot)) against ledger 127's bucketListHash.
        result[harness.Ids!.LedgerHeaders].State.Should().Be(WorkState.Succeeded, Describe(result));
        result[harness.Ids.Transactions].State.Should().Be(WorkState.Succeeded);
        result[harness.Ids.Results].State.Should().Be(WorkState.Succeeded);
        var buckets = result[harness.Ids.Buckets];
        buckets.State.Should().Be(WorkState.Failed);
        var missing = MissingBuckets(Fixtures.TestnetHotArchive, 127);
        missing.Should().ContainSingle("the fixture lacks one hot-archive bucket");
        buckets.Error!.ToString().Should().Contain(missing[0]);
        var has = HistoryArchiveState.Parse(File.ReadAllText(Path.Combine(Fixtures.TestnetHotArchive, ArchivePaths.HistoryState(127))), "has");
        has.GetReferencedHotArchiveBuckets().Select(ArchivePaths.Bucket).Should().Contain(missing[0]);
        foreach (var present in has.GetReferencedLiveBuckets())
        {
            File.Exists(Path.Combine(work.Path, ArchivePaths.Bucket(present))).Should().BeTrue("every live bucket verified and was kept");
        }
    }

    [Fact]
    public async Task Register_HotArchiveCheckpoint63_FailsNamingTheMissingBuckets()
    {
        using var work = new TempDirectory();
        using var harness = new CatchupHarness(new LocalArchiveReader(Fixtures.TestnetHotArchive), new CheckpointRange(63, 63, Math64), work.Path);
        harness.Options.DownloadRetries = WorkRetries.Once;

        var result = await harness.RunAsync();

        result.Succeeded.Should().BeFalse();
        var buckets = result[harness.Ids!.Buckets];
        buckets.State.Should().Be(WorkState.Failed);
        var missing = MissingBuckets(Fixtures.TestnetHotArchive, 63);
        missing.Should().HaveCount(7);
        var error = buckets.Error.Should().BeOfType<HistoryDownloadException>().Subject;
        error.InnerExceptions.Should().HaveCount(missing.Count);
        foreach (var path in missing)
        {
            error.InnerExceptions.Should().Contain(e => e.Message.Contains(path, StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task Register_TamperedTransaction_FailsWithHashMismatchOnThatFile()
    {
        using var archive = new TempDirectory();
        CopyDirectory(Fixtures.TestnetSmall, archive.Path);
        var path = ArchivePaths.CheckpointFile(HistoryFileKind.Transactions, 10047);
        var tamperedLedger = ArchiveTampering.FlipByteInLastRecord(Path.Combine(archive.Path, path));
        using var work = new TempDirectory();
        using var harness = new CatchupHarness(new LocalArchiveReader(archive.Path), new CheckpointRange(10047, 10047, Math64), work.Path);
        harness.Options.DownloadRetries = WorkRetries.Once;

        var result = await harness.RunAsync();

        var transactions = result[harness.Ids!.Transactions];
        transactions.State.Should().Be(WorkState.Failed);
        transactions.Attempts.Should().Be(2);
        var problem = transactions.Error.Should().BeAssignableTo<HistoryVerificationException>().Which.Problem;
        problem.Path.Should().Be(path);
        problem.Kind.Should().BeOneOf(ProblemKind.HashMismatch, ProblemKind.Corrupt);
        problem.Ledger.Should().Be(tamperedLedger);
        File.Exists(Path.Combine(work.Path, path)).Should().BeFalse("a file that failed verification never gets its final name");
        result[harness.Ids.Results].State.Should().Be(WorkState.Blocked);
    }

    [Fact]
    public async Task Register_ScpFileAbsentBeforeAnyThatHasOne_SucceedsAndRecordsNoFileForThatCheckpoint()
    {
        // The one SCP rule (docs/ARCHIVE-FORMAT.md §4.7): absent at the start of the range is fine, as in
        // archives that published SCP history only from some checkpoint on.
        using var archive = new TempDirectory();
        CopyDirectory(Fixtures.TestnetSmall, archive.Path);
        File.Delete(Path.Combine(archive.Path, ArchivePaths.CheckpointFile(HistoryFileKind.Scp, 9919)));
        using var work = new TempDirectory();
        using var harness = new CatchupHarness(new LocalArchiveReader(archive.Path), new CheckpointRange(9919, 10047, Math64), work.Path);

        var result = await harness.RunAsync();

        result.Succeeded.Should().BeTrue(Describe(result));
        var data = await harness.State.BuildCheckpointDataAsync();
        data.Files.Where(f => f.Kind == HistoryFileKind.Scp).Select(f => f.Checkpoint).Should().Equal(9983u, 10047u);
        data.ScpHistory.Should().NotBeEmpty();
    }

    [Fact]
    public async Task Register_RerunAfterSuccess_ReusesVerifiedFilesWithoutFetching()
    {
        using var work = new TempDirectory();
        var range = new CheckpointRange(9919, 10047, Math64);
        await using var server = await ArchiveHttpServer.StartAsync(Fixtures.TestnetSmall);
        using (var first = new CatchupHarness(new HttpArchiveReader(server.BaseUri), range, work.Path))
        {
            (await first.RunAsync()).Succeeded.Should().BeTrue();
        }

        var before = server.TotalRequests;
        using var second = new CatchupHarness(new HttpArchiveReader(server.BaseUri), range, work.Path);
        var result = await second.RunAsync();

        result.Succeeded.Should().BeTrue(Describe(result));
        (server.TotalRequests - before).Should().Be(0, "every stored file verifies again from disk, the HAS too (its header binds it again)");
    }

    [Fact]
    public void Constructor_LedgerThatIsNotACheckpoint_Throws()
    {
        using var state = new SharedHistoryState();
        var act = () => new HistoryWorkBuilder(new LocalArchiveReader(Fixtures.TestnetSmall), 100, state);

        act.Should().Throw<ArgumentException>().WithMessage("*127*");
    }

    [Fact]
    public async Task BuildCheckpointDataAsync_BeforeAnyRun_Throws()
    {
        using var state = new SharedHistoryState();

        await FluentActions.Awaiting(() => state.BuildCheckpointDataAsync()).Should().ThrowAsync<InvalidOperationException>().WithMessage("*Nothing was downloaded*");
        (await state.GetProgressAsync()).Stage.Should().Be(HistoryWorkStage.NotStarted);
    }

    internal static string Describe(WorkSchedulerResult result) =>
        string.Join("; ", result.Works.Where(w => w.State != WorkState.Succeeded).Select(w => $"{w.Name}: {w.State} {w.Reason}"));

    internal static byte[] NewestHeaderHash(string archive, uint checkpoint)
    {
        var file = Path.Combine(archive, ArchivePaths.CheckpointFile(HistoryFileKind.Ledger, checkpoint));
        using var records = Stellar.Xdr.XdrRecordReader.OpenGzip(File.OpenRead(file));
        Stellar.Xdr.LedgerHeaderHistoryEntry? last = null;
        while (records.ReadNext())
        {
            last = records.DecodeCurrent<Stellar.Xdr.LedgerHeaderHistoryEntry>();
        }

        return last!.Hash;
    }

    internal static void AssertSameFiles(string source, string copy)
    {
        foreach (var file in Directory.EnumerateFiles(copy, "*", SearchOption.AllDirectories))
        {
            var relative = Path.GetRelativePath(copy, file);
            File.ReadAllBytes(file).Should().Equal(File.ReadAllBytes(Path.Combine(source, relative)), relative);
        }

        foreach (var kind in new[] { "ledger", "transactions", "results", "bucket" })
        {
            var expected = Directory.EnumerateFiles(Path.Combine(source, kind), "*", SearchOption.AllDirectories).Count();
            var actual = Directory.Exists(Path.Combine(copy, kind)) ? Directory.EnumerateFiles(Path.Combine(copy, kind), "*", SearchOption.AllDirectories).Count() : 0;
            if (kind != "bucket")
            {
                actual.Should().Be(expected, $"every {kind} file of the archive was fetched");
            }
        }
    }

    internal static IReadOnlyList<string> MissingBuckets(string archive, uint checkpoint)
    {
        var has = HistoryArchiveState.Parse(File.ReadAllText(Path.Combine(archive, ArchivePaths.HistoryState(checkpoint))), "has");
        return has.GetReferencedBuckets().Select(ArchivePaths.Bucket).Where(p => !File.Exists(Path.Combine(archive, p))).ToList();
    }

    internal static void CopyDirectory(string source, string destination)
    {
        foreach (var file in Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(destination, Path.GetRelativePath(source, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }

    private static int CountEnvelopes(Stellar.Xdr.TransactionHistoryEntry entry) =>
        entry.Ext.GeneralizedTxSet?.V1TxSet is { } set
            ? set.Phases.Sum(p => (p.V0Components?.Sum(c => c.TxsMaybeDiscountedFee?.Txs.Length ?? 0) ?? 0)
                + (p.ParallelTxsComponent?.ExecutionStages.Sum(stage => stage.Sum(cluster => cluster.Length)) ?? 0))
            : entry.TxSet.Txs.Length;
}
