using Stellar.HistoryWork.Publish;
using Stellar.HistoryWork.Tests.Download;
using Stellar.HistoryWork.Tests.Support;
using Stellar.HistoryWork.Verification;
using Stellar.TestSupport;
using Stellar.Xdr;

namespace Stellar.HistoryWork.Tests.Publish.Snapshots;

public class CheckpointAppenderTests
{
    private const string Testnet = "Test SDF Network ; September 2015";
    private static readonly string Source = Fixtures.TestnetSmall;

    private static CheckpointAppenderOptions Options(bool flushToDisk) => new()
    {
        FlushToDisk = flushToDisk,
        History = new HistoryWorkOptions { NetworkPassphrase = Testnet },
    };

    [Fact]
    public async Task PublishAsync_EveryCheckpointOfTheTestnetFixtureRebuilt_TargetIsTheSourceAndVerifies()
    {
        using var work = new TempDirectory();
        using var target = new TempDirectory();
        var buckets = FixtureLedgers.Buckets(Source);
        var checkpoints = FixtureLedgers.Checkpoints(Source);

        // Flushing every record to disk is the crash test's business; here it would cost minutes of fsyncs.
        await using (var appender = await CheckpointAppender.OpenAsync(work.Path, Options(flushToDisk: false)))
        {
            foreach (var checkpoint in checkpoints)
            {
                await AppendAsync(appender, FixtureLedgers.Ledgers(Source, checkpoint));
                var snapshot = await appender.SnapshotAsync(FixtureLedgers.State(Source, checkpoint), buckets);
                await appender.PublishAsync(snapshot, new LocalArchiveWriter(target.Path));
            }
        }

        checkpoints.Should().HaveCount(157);
        SameDecompressedFiles(Source, target.Path);
        var report = await PublishAssertions.VerifyCopyAsync(target.Path);
        report.Problems.Should().BeEmpty();
        report.Checkpoints.Should().Be(157);
        Directory.EnumerateFiles(work.Path, "*", SearchOption.AllDirectories).Select(Path.GetFileName)
            .Should().Equal(["tip.xdr"], "a published checkpoint's files leave the appender; the last header stays for the link");
    }

    [Fact]
    public async Task OpenAsync_FilesCutMidRecordByACrash_RecoversToTheLastWholeLedgerAndTheResultIsStillTheSource()
    {
        using var work = new TempDirectory();
        using var target = new TempDirectory();
        var buckets = FixtureLedgers.Buckets(Source);
        const uint crashed = 150; // checkpoint 191 has transactions in every ledger
        var ledgers = FixtureLedgers.Ledgers(Source, 191);
        await using (var appender = await CheckpointAppender.OpenAsync(work.Path, Options(flushToDisk: true)))
        {
            foreach (var checkpoint in new uint[] { 63, 127 })
            {
                await AppendAsync(appender, FixtureLedgers.Ledgers(Source, checkpoint));
                await appender.PublishAsync(await appender.SnapshotAsync(FixtureLedgers.State(Source, checkpoint), buckets), new LocalArchiveWriter(target.Path));
            }

            await AppendAsync(appender, ledgers.Where(l => l.LedgerSeq <= crashed));
        }

        // The crash interrupted ledger 150: its header and its transactions are half-written, its results whole.
        var building = Path.Combine(work.Path, "building");
        Cut(Path.Combine(building, "ledger-000000bf.xdr"), 7);
        Cut(Path.Combine(building, "transactions-000000bf.xdr"), 5);

        await using (var appender = await CheckpointAppender.OpenAsync(work.Path, Options(flushToDisk: true)))
        {
            appender.LastLedger.Should().Be(crashed - 1);
            appender.RecoveredBytes.Should().BeGreaterThan(12, "the partial header and transactions records and the uncommitted results and SCP records go");
            await AppendAsync(appender, ledgers.Where(l => l.LedgerSeq >= crashed));
            await appender.PublishAsync(await appender.SnapshotAsync(FixtureLedgers.State(Source, 191), buckets), new LocalArchiveWriter(target.Path));
        }

        SameDecompressedFiles(Source, target.Path, upTo: 191);
        var report = await PublishAssertions.VerifyCopyAsync(target.Path);
        report.Problems.Should().BeEmpty();
        report.Checkpoints.Should().Be(3);
    }

    [Fact]
    public async Task SnapshotAsync_WrongTransactionSet_IsRefusedNamingFileAndRuleAndNothingIsPublished()
    {
        using var work = new TempDirectory();
        using var target = new TempDirectory();
        var buckets = FixtureLedgers.Buckets(Source);
        await using var appender = await CheckpointAppender.OpenAsync(work.Path, Options(flushToDisk: false));
        await AppendAsync(appender, FixtureLedgers.Ledgers(Source, 63));
        await appender.PublishAsync(await appender.SnapshotAsync(FixtureLedgers.State(Source, 63), buckets), new LocalArchiveWriter(target.Path));
        var published = PublishAssertions.Relative(target.Path);

        // Ledger 120 is given ledger 121's transaction set.
        var ledgers = FixtureLedgers.Ledgers(Source, 127);
        var wrong = FixtureLedgers.Ledgers(Source, 127).Single(l => l.LedgerSeq == 121).Transactions!;
        wrong.LedgerSeq = 120;
        await AppendAsync(appender, ledgers.Select(l => l.LedgerSeq == 120 ? l with { Transactions = wrong } : l));

        var refused = await appender.Invoking(a => a.SnapshotAsync(FixtureLedgers.State(Source, 127), buckets)).Should().ThrowAsync<HistoryVerificationException>();
        refused.Which.Kind.Should().Be(ProblemKind.HashMismatch);
        refused.Which.Problem.Path.Should().Be("transactions/00/00/00/transactions-0000007f.xdr.gz");
        refused.Which.Problem.Ledger.Should().Be(120);
        refused.Which.Message.Should().Contain("txSetHash").And.Contain("(rule: ");
        PublishAssertions.Relative(target.Path).Should().Equal(published, "nothing of the refused checkpoint reaches the target");
    }

    [Fact]
    public async Task OpenAsync_LastClosedLedgerGiven_DropsUncommittedLedgersAndRefusesFilesThatEndBeforeIt()
    {
        using var work = new TempDirectory();
        var ledgers = FixtureLedgers.Ledgers(Source, 191);
        await using (var appender = await CheckpointAppender.OpenAsync(work.Path, Options(flushToDisk: false)))
        {
            await AppendAsync(appender, FixtureLedgers.Ledgers(Source, 63).Concat(FixtureLedgers.Ledgers(Source, 127)));
            await AppendAsync(appender, ledgers.Where(l => l.LedgerSeq <= 150));
        }

        // The node's database committed ledger 147 only: 148..150 were appended, never committed.
        await using (var appender = await CheckpointAppender.OpenAsync(work.Path, new CheckpointAppenderOptions { FlushToDisk = false, LastClosedLedger = 147 }))
        {
            appender.LastLedger.Should().Be(147);
            await AppendAsync(appender, ledgers.Where(l => l.LedgerSeq >= 148));
            var snapshot = await appender.SnapshotAsync(FixtureLedgers.State(Source, 191), FixtureLedgers.Buckets(Source));
            ArchiveTampering.Gunzip(snapshot.Files[HistoryFileKind.Transactions]).Should().Equal(
                ArchiveTampering.Gunzip(Path.Combine(Source, ArchivePaths.CheckpointFile(HistoryFileKind.Transactions, 191))));
        }

        var behind = async () => await CheckpointAppender.OpenAsync(work.Path, new CheckpointAppenderOptions { FlushToDisk = false, LastClosedLedger = 200 });
        var refused = await behind.Should().ThrowAsync<HistoryVerificationException>();
        refused.Which.Kind.Should().Be(ProblemKind.Corrupt);
        refused.Which.Message.Should().Contain("ledger-000000ff.xdr").And.Contain("before the last closed ledger 200");
    }

    [Fact]
    public async Task SnapshotAsync_RawXdrBucketFiles_AreGzippedAndPublishedWithTheSourceContent()
    {
        using var work = new TempDirectory();
        using var raw = new TempDirectory();
        using var target = new TempDirectory();
        var named = new[] { 63u, 127u }.SelectMany(c => FixtureLedgers.State(Source, c).GetReferencedBuckets()).ToHashSet(StringComparer.Ordinal);
        var buckets = FixtureLedgers.Buckets(Source).Where(b => named.Contains(b.Key)).ToDictionary(
            b => b.Key,
            b =>
            {
                var file = Path.Combine(raw.Path, $"bucket-{b.Key}.xdr");
                File.WriteAllBytes(file, ArchiveTampering.Gunzip(b.Value));
                return file;
            },
            StringComparer.Ordinal);
        await using (var appender = await CheckpointAppender.OpenAsync(work.Path, Options(flushToDisk: false)))
        {
            foreach (var checkpoint in new uint[] { 63, 127 })
            {
                await AppendAsync(appender, FixtureLedgers.Ledgers(Source, checkpoint));
                await appender.PublishAsync(await appender.SnapshotAsync(FixtureLedgers.State(Source, checkpoint), buckets), new LocalArchiveWriter(target.Path));
            }
        }

        SameDecompressedFiles(Source, target.Path, upTo: 127);
        (await PublishAssertions.VerifyCopyAsync(target.Path)).Problems.Should().BeEmpty();
        Directory.EnumerateFiles(raw.Path).Should().HaveCount(buckets.Count, "the node's own bucket files are never touched");
    }

    [Fact]
    public async Task AppendAsync_LedgerThatDoesNotFollow_IsRefused()
    {
        using var work = new TempDirectory();
        await using var appender = await CheckpointAppender.OpenAsync(work.Path, Options(flushToDisk: false));
        var ledgers = FixtureLedgers.Ledgers(Source, 63);

        await appender.Invoking(a => a.AppendAsync(ledgers[1])).Should().ThrowAsync<ArgumentException>().WithMessage("*first ledger of its checkpoint*");
        await appender.AppendAsync(ledgers[0]);
        await appender.Invoking(a => a.AppendAsync(ledgers[2])).Should().ThrowAsync<ArgumentException>().WithMessage("*does not follow*");
        appender.LastLedger.Should().Be(1);
    }

    private static async Task AppendAsync(CheckpointAppender appender, IEnumerable<ClosedLedger> ledgers)
    {
        foreach (var ledger in ledgers)
        {
            await appender.AppendAsync(ledger);
        }
    }

    private static void Cut(string file, int bytes)
    {
        using var stream = new FileStream(file, FileMode.Open, FileAccess.Write);
        stream.SetLength(stream.Length - bytes);
    }

    /// <summary>The target holds exactly the source's files (up to a checkpoint), each with the same decompressed content.</summary>
    private static void SameDecompressedFiles(string source, string target, uint? upTo = null)
    {
        var expected = PublishAssertions.Relative(source).Where(p => upTo is null || Within(source, p, upTo.Value)).ToList();
        var actual = PublishAssertions.Relative(target);
        actual.Where(p => p != ArchivePaths.WellKnownState).Should().Equal(expected.Where(p => p != ArchivePaths.WellKnownState));
        foreach (var path in actual)
        {
            var copy = Path.Combine(target, path);
            var original = path == ArchivePaths.WellKnownState && upTo is { } last ? Path.Combine(source, ArchivePaths.HistoryState(last)) : Path.Combine(source, path);
            var same = path.EndsWith(".gz", StringComparison.Ordinal)
                ? ArchiveTampering.Gunzip(copy).AsSpan().SequenceEqual(ArchiveTampering.Gunzip(original))
                : File.ReadAllBytes(copy).AsSpan().SequenceEqual(File.ReadAllBytes(original));
            same.Should().BeTrue($"{path} decompresses to the source's content");
        }
    }

    private static bool Within(string source, string path, uint last)
    {
        if (ArchivePaths.TryParseCheckpointFile(path, out _, out var checkpoint) || ArchivePaths.TryParseHistoryState(path, out checkpoint))
        {
            return checkpoint <= last;
        }

        // A bucket belongs to the prefix when a HAS up to the last checkpoint names it.
        return !ArchivePaths.TryParseBucket(path, out var hash)
            || FixtureLedgers.Checkpoints(source).Where(c => c <= last).Any(c => FixtureLedgers.State(source, c).GetReferencedBuckets().Contains(hash));
    }
}
