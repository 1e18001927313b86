using System.IO.Compression;
using System.Text.Json.Nodes;
using Stellar.HistoryWork.Tests.Support;
using Stellar.HistoryWork.Verification;
using Stellar.TestSupport;
using Stellar.Xdr;
using static Stellar.HistoryWork.Tests.Verification.VerificationFixtures;

namespace Stellar.HistoryWork.Tests.Verification;

public class ArchiveVerifierTests
{
    private static readonly ArchiveVerifierOptions SmallRange = new() { FromLedger = 1, ToLedger = 255 };

    private static Task<VerificationReport> VerifyAsync(string archive, ArchiveVerifierOptions? options = null, CancellationToken cancellationToken = default) =>
        new ArchiveVerifier(new LocalArchiveReader(archive), options).VerifyAsync(cancellationToken);

    [Fact]
    public async Task VerifyAsync_TestnetSmallWholeArchive_Clean()
    {
        var progress = new List<HistoryWorkProgress>();
        var verifier = new ArchiveVerifier(new LocalArchiveReader(Fixtures.TestnetSmall), new ArchiveVerifierOptions { Progress = new SyncProgress(progress) });
        verifier.Progress.Should().BeNull("nothing ran yet");
        var report = await verifier.VerifyAsync();

        report.Problems.Should().BeEmpty();
        report.Ok.Should().BeTrue();
        report.Trusted.Should().BeFalse("no trusted hash was given");
        report.Checkpoints.Should().Be(157);
        report.Files.Should().Be(Directory.EnumerateFiles(Fixtures.TestnetSmall, "*", SearchOption.AllDirectories).Count());
        report.Bytes.Should().Be(Directory.EnumerateFiles(Fixtures.TestnetSmall, "*", SearchOption.AllDirectories).Sum(f => new FileInfo(f).Length));
        progress.Should().NotBeEmpty();
        progress.Max(p => p.Of(HistoryWorkStage.Checkpoints)!.Done).Should().Be(157);
        var end = verifier.Progress!;
        end.Stage.Should().Be(HistoryWorkStage.Completed, end.Message);
        end.Of(HistoryWorkStage.Checkpoints)!.Total.Should().Be(157);
        end.Files.Should().Be(report.Files);
        end.Bytes.Should().Be(report.Bytes);
        end.Problems.Should().Be(0);
    }

    [Fact]
    public async Task VerifyAsync_PubnetLegacyRange_Clean()
    {
        var report = await VerifyAsync(Fixtures.PubnetLegacy, new ArchiveVerifierOptions { FromLedger = 11999999 });

        report.Problems.Should().BeEmpty();
        report.Checkpoints.Should().Be(17);
    }

    [Fact]
    public async Task VerifyAsync_PubnetLegacyWithoutFrom_StartsAtItsFirstCheckpointClean()
    {
        var first = Checkpoints(Fixtures.PubnetLegacy)[0];

        var report = await VerifyAsync(Fixtures.PubnetLegacy);

        report.Problems.Should().BeEmpty();
        report.StartsAt.Should().Be(first);
        report.Checkpoints.Should().Be(Checkpoints(Fixtures.PubnetLegacy).Count);
        report.Files.Should().Be(Directory.EnumerateFiles(Fixtures.PubnetLegacy, "*", SearchOption.AllDirectories).Count());
    }

    [Fact]
    public async Task VerifyAsync_PubnetLegacyWithoutFromOverHttp_FindsTheStartWithLogarithmicRequests()
    {
        await using var server = await ArchiveHttpServer.StartAsync(Fixtures.PubnetLegacy);
        using var reader = new HttpArchiveReader(server.BaseUri);
        var checkpoints = Checkpoints(Fixtures.PubnetLegacy);
        var files = Directory.EnumerateFiles(Fixtures.PubnetLegacy, "*", SearchOption.AllDirectories).Count();

        var report = await new ArchiveVerifier(reader).VerifyAsync();

        report.Problems.Should().BeEmpty();
        report.StartsAt.Should().Be(checkpoints[0]);
        report.Files.Should().Be(files);
        // One GET per file, plus the search: the first checkpoint, a binary search over all checkpoints up to the
        // newest, then probes for a hole at doubling distances below the start found.
        var candidates = (checkpoints[^1] - CheckpointMath.Default.FirstCheckpoint) / CheckpointMath.Default.Frequency + 1;
        var searchBound = 1 + (2 * (int)Math.Ceiling(Math.Log2(candidates)));
        server.TotalRequests.Should().BeInRange(files + 2, files + searchBound);
    }

    [Fact]
    public async Task VerifyAsync_PubnetLegacyFromGenesis_OneProblemForTheCheckpointsBeforeItsStart()
    {
        var first = Checkpoints(Fixtures.PubnetLegacy)[0];
        var lastAbsent = first - CheckpointMath.Default.Frequency;
        var absent = (lastAbsent - CheckpointMath.Default.FirstCheckpoint) / CheckpointMath.Default.Frequency + 1;

        var report = await VerifyAsync(Fixtures.PubnetLegacy, new ArchiveVerifierOptions { FromLedger = 1 });

        report.StartsAt.Should().Be(first, "the start is found even when the first ledger is given");
        report.Checkpoints.Should().Be((int)absent + Checkpoints(Fixtures.PubnetLegacy).Count);
        var problem = report.Problems.Should().ContainSingle().Which;
        problem.Should().BeEquivalentTo(new { Path = ArchivePaths.HistoryState(63), Ledger = (uint?)63, Kind = ProblemKind.Missing });
        problem.Message.Should().Contain($"checkpoints 63..{lastAbsent} ({absent} checkpoints, {absent * 5} files) are missing entirely");
    }

    [Fact]
    public async Task VerifyAsync_HoleOfSeveralCheckpoints_OneProblemForTheHole()
    {
        using var temp = new TempArchive(Fixtures.TestnetSmall);
        uint[] hole = [1023, 1087, 1151, 1215, 1279];
        foreach (var checkpoint in hole)
        {
            DeleteCheckpoint(temp, checkpoint);
        }

        var report = await VerifyAsync(temp.Root);

        report.StartsAt.Should().Be(63);
        report.Checkpoints.Should().Be(157);
        var problem = report.Problems.Should().ContainSingle().Which;
        problem.Should().BeEquivalentTo(new { Path = ArchivePaths.HistoryState(1023), Ledger = (uint?)1023, Kind = ProblemKind.Missing });
        problem.Message.Should().Contain("checkpoints 1023..1279 (5 checkpoints, 25 files) are missing entirely");
    }

    [Fact]
    public async Task VerifyAsync_PartialArchiveWithAHoleWhereTheSearchProbes_StartsBeforeTheHoleAndReportsIt()
    {
        using var temp = new TempArchive(Fixtures.TestnetSmall);
        // Without checkpoint 63 the archive starts at 127; the binary search over 127..10047 first probes 5055.
        DeleteCheckpoint(temp, 63);
        DeleteCheckpoint(temp, 5055);

        var report = await VerifyAsync(temp.Root);

        report.StartsAt.Should().Be(127, "the hole at 5055 lies after the start");
        report.Checkpoints.Should().Be(156);
        var problem = report.Problems.Should().ContainSingle().Which;
        problem.Should().BeEquivalentTo(new { Path = ArchivePaths.HistoryState(5055), Ledger = (uint?)5055, Kind = ProblemKind.Missing });
        problem.Message.Should().Contain("checkpoint 5055 (5 files) is missing entirely");
    }

    [Fact]
    public async Task VerifyAsync_TwoHolesAndOneLoneCheckpoint_OneProblemPerRun()
    {
        using var temp = new TempArchive(Fixtures.TestnetSmall);
        foreach (var checkpoint in new uint[] { 127, 191, 383 })
        {
            DeleteCheckpoint(temp, checkpoint);
        }

        var report = await VerifyAsync(temp.Root, new ArchiveVerifierOptions { FromLedger = 1, ToLedger = 511 });

        report.Problems.Should().BeEquivalentTo(new[]
        {
            new { Path = ArchivePaths.HistoryState(127), Ledger = (uint?)127, Kind = ProblemKind.Missing },
            new { Path = ArchivePaths.HistoryState(383), Ledger = (uint?)383, Kind = ProblemKind.Missing },
        });
        report.Problems.Select(p => p.Message).Should().Satisfy(
            m => m.Contains("checkpoints 127..191 (2 checkpoints, 10 files) are missing entirely", StringComparison.Ordinal),
            m => m.Contains("checkpoint 383 (5 files) is missing entirely", StringComparison.Ordinal));
    }

    [Fact]
    public async Task VerifyAsync_CheckpointMissingOnlyItsTransactions_ReportsExactlyThatFile()
    {
        using var temp = new TempArchive(Fixtures.TestnetSmall);
        var txPath = ArchivePaths.CheckpointFile(HistoryFileKind.Transactions, 1087);
        File.Delete(temp[txPath]);

        var report = await VerifyAsync(temp.Root, new ArchiveVerifierOptions { FromLedger = 960, ToLedger = 1151 });

        report.Problems.Should().ContainSingle().Which.Should().BeEquivalentTo(new { Path = txPath, Ledger = (uint?)1087, Kind = ProblemKind.Missing });
    }

    [Fact]
    public async Task VerifyAsync_CheckpointMissingSomeFiles_OneProblemPerMissingFile()
    {
        using var temp = new TempArchive(Fixtures.TestnetSmall);
        string[] missing = [ArchivePaths.HistoryState(1087), ArchivePaths.CheckpointFile(HistoryFileKind.Ledger, 1087), ArchivePaths.CheckpointFile(HistoryFileKind.Results, 1087)];
        foreach (var path in missing)
        {
            File.Delete(temp[path]);
        }

        var report = await VerifyAsync(temp.Root, new ArchiveVerifierOptions { FromLedger = 960, ToLedger = 1151 });

        report.Problems.Should().OnlyContain(p => p.Kind == ProblemKind.Missing && p.Ledger == 1087);
        report.Problems.Select(p => p.Path).Should().BeEquivalentTo(missing);
    }

    [Fact]
    public async Task VerifyAsync_HotArchiveCheckpoint127_OnlyTheAbsentHotBucketAndTheEditedRoot()
    {
        var report = await VerifyAsync(Fixtures.TestnetHotArchive, new ArchiveVerifierOptions { FromLedger = 127 });

        report.Checkpoints.Should().Be(1);
        report.Problems.Should().NotContain(p => p.Path == ArchivePaths.HistoryState(127), "the v2 HAS hashes (live ‖ hot) to the header's bucketListHash");
        report.Problems.Should().BeEquivalentTo(new[]
        {
            // The hand-edited root dropped hotArchiveBuckets, which protocol 24's bucket-list hash needs.
            new { Path = ArchivePaths.WellKnownState, Ledger = (uint?)127, Kind = ProblemKind.BucketListMismatch },
            new { Path = ArchivePaths.Bucket("c0a160c2e483637be5a2ff92da6127d26e0dc19a26aba0289543152499a6b7a3"), Ledger = (uint?)null, Kind = ProblemKind.Missing },
        }, o => o.Excluding(p => p.Ledger));
    }

    [Fact]
    public async Task VerifyAsync_HotArchiveWhole_ReportsExactlyTheMissingBucketsOfCheckpoint63()
    {
        var report = await VerifyAsync(Fixtures.TestnetHotArchive);

        var state63 = await HistoryArchiveState.LoadAsync(FilePath(Fixtures.TestnetHotArchive, ArchivePaths.HistoryState(63)));
        var state127 = await HistoryArchiveState.LoadAsync(FilePath(Fixtures.TestnetHotArchive, ArchivePaths.HistoryState(127)));
        var absent = state63.GetReferencedBuckets().Concat(state127.GetReferencedBuckets()).Distinct()
            .Select(ArchivePaths.Bucket)
            .Where(p => !File.Exists(FilePath(Fixtures.TestnetHotArchive, p)))
            .ToList();
        absent.Should().HaveCountGreaterThan(1);

        report.Checkpoints.Should().Be(2);
        report.Problems.Where(p => p.Kind == ProblemKind.Missing).Select(p => p.Path).Should().BeEquivalentTo(absent);
        report.Problems.Where(p => p.Kind != ProblemKind.Missing).Should().ContainSingle()
            .Which.Should().BeEquivalentTo(new { Path = ArchivePaths.WellKnownState, Kind = ProblemKind.BucketListMismatch });
        report.Problems.Should().OnlyContain(p => p.Message.Contains(p.Path, StringComparison.Ordinal));
    }

    [Fact]
    public async Task VerifyAsync_ChangedHeaderField_HashMismatchWithPathAndLedger()
    {
        using var temp = new TempArchive(Fixtures.TestnetSmall);
        var path = ArchivePaths.CheckpointFile(HistoryFileKind.Ledger, 191);
        Rewrite<LedgerHeaderHistoryEntry>(temp[path], e =>
        {
            if (e.Header.LedgerSeq == 150)
            {
                e.Header.BaseFee += 1;
            }

            return e;
        });

        var report = await VerifyAsync(temp.Root, SmallRange);

        report.Ok.Should().BeFalse();
        report.Problems.Should().ContainSingle().Which.Should().BeEquivalentTo(new { Path = path, Ledger = (uint?)150, Kind = ProblemKind.HashMismatch });
    }

    [Fact]
    public async Task VerifyAsync_ChangedTransactionAndResult_BothReported()
    {
        using var temp = new TempArchive(Fixtures.TestnetSmall);
        var txPath = ArchivePaths.CheckpointFile(HistoryFileKind.Transactions, 10047);
        var resultsPath = ArchivePaths.CheckpointFile(HistoryFileKind.Results, 10047);
        uint changedTx = 0, changedResult = 0;
        Rewrite<TransactionHistoryEntry>(temp[txPath], e =>
        {
            if (changedTx == 0)
            {
                changedTx = e.LedgerSeq;
                e.Ext.GeneralizedTxSet!.V1TxSet!.PreviousLedgerHash[0] ^= 1;
            }

            return e;
        });
        Rewrite<TransactionHistoryResultEntry>(temp[resultsPath], e =>
        {
            if (changedResult == 0)
            {
                changedResult = e.LedgerSeq;
                e.TxResultSet.Results[0].TransactionHash[0] ^= 1;
            }

            return e;
        });

        var report = await VerifyAsync(temp.Root, new ArchiveVerifierOptions { FromLedger = 9984 });

        report.Problems.Should().BeEquivalentTo(new[]
        {
            new { Path = resultsPath, Ledger = (uint?)changedResult, Kind = ProblemKind.HashMismatch },
            new { Path = txPath, Ledger = (uint?)changedTx, Kind = ProblemKind.HashMismatch },
        });
    }

    [Fact]
    public async Task VerifyAsync_HasNamingAnotherBucket_BucketListMismatch()
    {
        using var temp = new TempArchive(Fixtures.TestnetSmall);
        var hasPath = ArchivePaths.HistoryState(127);
        var json = JsonNode.Parse(await File.ReadAllTextAsync(temp[hasPath]))!;
        var other = (string)JsonNode.Parse(await File.ReadAllTextAsync(temp[ArchivePaths.HistoryState(255)]))!["currentBuckets"]![0]!["curr"]!;
        json["currentBuckets"]![0]!["curr"] = other;
        await File.WriteAllTextAsync(temp[hasPath], json.ToJsonString());

        var report = await VerifyAsync(temp.Root, SmallRange);

        report.Problems.Should().ContainSingle().Which.Should().BeEquivalentTo(new { Path = hasPath, Ledger = (uint?)127, Kind = ProblemKind.BucketListMismatch });
    }

    [Fact]
    public async Task VerifyAsync_BucketWithOtherContent_HashMismatch()
    {
        using var temp = new TempArchive(Fixtures.TestnetSmall);
        var state = await HistoryArchiveState.LoadAsync(temp[ArchivePaths.HistoryState(255)]);
        var buckets = state.GetReferencedBuckets();
        var victim = ArchivePaths.Bucket(buckets[0]);
        File.Copy(temp[ArchivePaths.Bucket(buckets[1])], temp[victim], overwrite: true);

        var report = await VerifyAsync(temp.Root, SmallRange);

        report.Problems.Should().ContainSingle().Which.Should().BeEquivalentTo(new { Path = victim, Kind = ProblemKind.HashMismatch });
    }

    [Fact]
    public async Task VerifyAsync_TruncatedZeroByteAndMissingFiles_EachReported()
    {
        using var temp = new TempArchive(Fixtures.TestnetSmall);
        var truncated = ArchivePaths.CheckpointFile(HistoryFileKind.Results, 127);
        var bytes = await File.ReadAllBytesAsync(temp[truncated]);
        await File.WriteAllBytesAsync(temp[truncated], bytes[..(bytes.Length - 10)]);
        var empty = ArchivePaths.CheckpointFile(HistoryFileKind.Transactions, 191);
        await File.WriteAllBytesAsync(temp[empty], []);
        var missing = ArchivePaths.CheckpointFile(HistoryFileKind.Scp, 255);
        File.Delete(temp[missing]);

        var report = await VerifyAsync(temp.Root, SmallRange);

        report.Problems.Should().BeEquivalentTo(new[]
        {
            new { Path = truncated, Kind = ProblemKind.Corrupt },
            new { Path = missing, Kind = ProblemKind.Missing },
            new { Path = empty, Kind = ProblemKind.Corrupt },
        });
        report.Problems.Single(p => p.Path == empty).Message.Should().Contain("0-byte");
    }

    [Fact]
    public async Task VerifyAsync_RegzippedUnchangedContent_Clean()
    {
        using var temp = new TempArchive(Fixtures.TestnetSmall);
        var path = ArchivePaths.CheckpointFile(HistoryFileKind.Transactions, 127);
        WriteRecords(temp[path], ReadRecords(temp[path]));

        (await VerifyAsync(temp.Root, SmallRange)).Problems.Should().BeEmpty();
    }

    [Fact]
    public async Task VerifyAsync_TrustedHash_TrustedOnlyWhenItMatches()
    {
        var headers = await VerifyHeadersAsync(Fixtures.TestnetSmall, 255);
        var good = await VerifyAsync(Fixtures.TestnetSmall, new ArchiveVerifierOptions { FromLedger = 1, ToLedger = 255, TrustedHash = new TrustedLedgerHash(255, headers.Last.Hash) });
        good.Ok.Should().BeTrue();
        good.Trusted.Should().BeTrue();

        var wrongHash = headers.Last.Hash.ToArray();
        wrongHash[5] ^= 0x40;
        var bad = await VerifyAsync(Fixtures.TestnetSmall, new ArchiveVerifierOptions { FromLedger = 1, ToLedger = 255, TrustedHash = new TrustedLedgerHash(255, wrongHash) });
        bad.Trusted.Should().BeFalse();
        var problem = bad.Problems.Should().ContainSingle().Which;
        problem.Should().BeEquivalentTo(new { Path = ArchivePaths.CheckpointFile(HistoryFileKind.Ledger, 255), Ledger = (uint?)255, Kind = ProblemKind.Untrusted });
        new HistoryVerificationException(problem).IsTrustFailure.Should().BeTrue();
    }

    [Fact]
    public async Task VerifyAsync_TrustedCheckpointHashes_TrustedWhenNewestMatches()
    {
        var h191 = (await VerifyHeadersAsync(Fixtures.TestnetSmall, 191)).Last.Hash;
        var h255 = (await VerifyHeadersAsync(Fixtures.TestnetSmall, 255)).Last.Hash;
        var hashes = TrustedCheckpointHashes.Parse($"[\n[255, \"{Convert.ToHexStringLower(h255)}\"],\n[191, \"{Convert.ToHexStringLower(h191)}\"],\n[0, \"\"]\n]");

        var report = await VerifyAsync(Fixtures.TestnetSmall, new ArchiveVerifierOptions { FromLedger = 1, ToLedger = 255, TrustedCheckpointHashes = hashes });

        report.Ok.Should().BeTrue();
        report.Trusted.Should().BeTrue();
    }

    [Fact]
    public async Task VerifyAsync_OtherNetworkPassphrase_PassphraseMismatchPerHas()
    {
        var report = await VerifyAsync(Fixtures.TestnetSmall, new ArchiveVerifierOptions { FromLedger = 1, ToLedger = 255, NetworkPassphrase = "Public Global Stellar Network ; September 2015" });

        report.Problems.Select(p => p.Kind).Should().OnlyContain(k => k == ProblemKind.PassphraseMismatch);
        report.Problems.Select(p => p.Path).Should().Contain([ArchivePaths.WellKnownState, ArchivePaths.HistoryState(63), ArchivePaths.HistoryState(255)]);
    }

    [Fact]
    public async Task VerifyAsync_Cancelled_ThrowsPromptly()
    {
        using var cts = new CancellationTokenSource();
        await cts.CancelAsync();

        var act = () => VerifyAsync(Fixtures.TestnetSmall, cancellationToken: cts.Token);

        await act.Should().ThrowAsync<OperationCanceledException>();
    }

    [Fact]
    public async Task VerifyAsync_ConcurrencyOne_SameReportAsDefault()
    {
        var one = await VerifyAsync(Fixtures.TestnetHotArchive, new ArchiveVerifierOptions { MaxConcurrency = 1 });
        var many = await VerifyAsync(Fixtures.TestnetHotArchive);

        one.Should().BeEquivalentTo(many, o => o.Excluding(r => r.Problems));
        one.Problems.Select(p => (p.Path, p.Kind)).Should().Equal(many.Problems.Select(p => (p.Path, p.Kind)));
    }

    private static void DeleteCheckpoint(TempArchive archive, uint checkpoint)
    {
        File.Delete(archive[ArchivePaths.HistoryState(checkpoint)]);
        foreach (var kind in Enum.GetValues<HistoryFileKind>())
        {
            File.Delete(archive[ArchivePaths.CheckpointFile(kind, checkpoint)]);
        }
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
