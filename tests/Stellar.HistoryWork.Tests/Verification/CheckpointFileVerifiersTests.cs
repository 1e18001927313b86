using System.IO.Compression;
using Stellar.HistoryWork.Verification;
using Stellar.TestSupport;
using Stellar.Xdr;
using static Stellar.HistoryWork.Tests.Verification.VerificationFixtures;

namespace Stellar.HistoryWork.Tests.Verification;

public class CheckpointFileVerifiersTests
{
    public static TheoryData<string> Archives => new() { Fixtures.TestnetSmall, Fixtures.PubnetLegacy, Fixtures.TestnetHotArchive };

    [Theory]
    [MemberData(nameof(Archives))]
    public async Task AllVerifiers_EveryCheckpointOfARealArchive_Verify(string archive)
    {
        LedgerHeaderFileResult? older = null;
        var transactions = 0;
        foreach (var checkpoint in Checkpoints(archive))
        {
            var headers = await VerifyHeadersAsync(archive, checkpoint);
            headers.Entries.Should().HaveCount((int)CheckpointMath.Default.LedgerCount(checkpoint));
            headers.Last.Header.LedgerSeq.Should().Be(checkpoint);
            headers.Trusted.Should().BeFalse();
            if (older is not null)
            {
                LedgerHeaderVerifier.VerifyLink(older, headers);
            }

            var txPath = ArchivePaths.CheckpointFile(HistoryFileKind.Transactions, checkpoint);
            await using (var tx = OpenDecompressed(archive, txPath))
            {
                transactions += (await TransactionsVerifier.VerifyAsync(tx, txPath, headers, older?.Last.Header.LedgerVersion)).Entries;
            }

            var resultsPath = ArchivePaths.CheckpointFile(HistoryFileKind.Results, checkpoint);
            await using (var results = OpenDecompressed(archive, resultsPath))
            {
                await ResultsVerifier.VerifyAsync(results, resultsPath, headers);
            }

            var scpPath = ArchivePaths.CheckpointFile(HistoryFileKind.Scp, checkpoint);
            if (File.Exists(FilePath(archive, scpPath)))
            {
                await using var scp = OpenDecompressed(archive, scpPath);
                await ScpVerifier.VerifyAsync(scp, scpPath, checkpoint, CheckpointMath.Default);
            }

            var state = await HistoryArchiveState.LoadAsync(FilePath(archive, ArchivePaths.HistoryState(checkpoint)));
            HistoryStateVerifier.VerifyAgainstHeader(state, ArchivePaths.HistoryState(checkpoint), headers.Last);
            older = headers;
        }

        if (archive != Fixtures.TestnetHotArchive)
        {
            transactions.Should().BeGreaterThan(0);
        }
    }

    [Fact]
    public async Task TransactionsVerifier_ProtocolUpgradeInsideACheckpoint_EmptySetsFollowThePreviousLedgersHeader()
    {
        // Real testnet data: ledger 10 of checkpoint 63 upgrades the protocol from 0 to 22 and the checkpoint has
        // no transactions at all, so every ledger's set is the empty set of the protocol before it.
        var headers = await VerifyHeadersAsync(Fixtures.TestnetSmall, 63);
        headers.Find(9)!.Header.LedgerVersion.Should().Be(0);
        headers.Find(10)!.Header.LedgerVersion.Should().Be(22, "the fixture's upgrade is what this test is about");
        var ten = headers.Find(10)!.Header;
        var eleven = headers.Find(11)!.Header;

        // Ledger 10 was built on ledger 9 (protocol 0): legacy; ledger 11 on ledger 10 (protocol 22): generalized.
        EmptyTransactionSet.ProtocolFor(headers, 10, null).Should().Be(0);
        EmptyTransactionSet.ProtocolFor(headers, 11, null).Should().Be(22);
        ten.ScpValue.TxSetHash.Should().Equal(EmptyTransactionSet.Hash(0, ten.PreviousLedgerHash));
        eleven.ScpValue.TxSetHash.Should().Equal(EmptyTransactionSet.Hash(22, eleven.PreviousLedgerHash))
            .And.NotEqual(EmptyTransactionSet.Hash(0, eleven.PreviousLedgerHash), "the first ledger's protocol (0) is not this ledger's");

        var txPath = ArchivePaths.CheckpointFile(HistoryFileKind.Transactions, 63);
        await using var tx = OpenDecompressed(Fixtures.TestnetSmall, txPath);
        var result = await TransactionsVerifier.VerifyAsync(tx, txPath, headers);
        result.Entries.Should().Be(0);
    }

    [Fact]
    public void EmptyTransactionSet_FirstLedgerOfAFile_UsesTheOlderFilesVersionElseItsOwnUnlessItUpgrades()
    {
        var upgrade = new LedgerUpgrade { Discriminant = LedgerUpgradeType.LEDGER_UPGRADE_VERSION, NewLedgerVersion = 23 }.ToXdr();
        var first = new LedgerHeaderHistoryEntry { Hash = new byte[32], Header = new LedgerHeader { LedgerSeq = 64, LedgerVersion = 23, PreviousLedgerHash = new byte[32], ScpValue = new StellarValue { Upgrades = [] } } };
        var headers = new LedgerHeaderFileResult("ledger", 127, [first], Trusted: false);

        EmptyTransactionSet.ProtocolFor(headers, 64, versionBeforeFile: 22).Should().Be(22);
        EmptyTransactionSet.ProtocolFor(headers, 64, versionBeforeFile: null).Should().Be(23);
        first.Header.ScpValue.Upgrades = [upgrade];
        EmptyTransactionSet.ProtocolFor(headers, 64, versionBeforeFile: null).Should().BeNull("the ledger upgraded the protocol: the one before it is unknown");
    }

    [Fact]
    public async Task TransactionsVerifier_LedgersWithoutEntries_MatchTheEmptySetOfEveryProtocolShape()
    {
        // Which empty shapes real data exercised: legacy (< 20) and two sequential phases (20–22) on testnet 2025,
        // the parallel Soroban phase (23+) on testnet 2026.
        var seen = new HashSet<string>();
        foreach (var archive in new[] { Fixtures.TestnetSmall, Fixtures.TestnetHotArchive, Fixtures.PubnetLegacy })
        {
            foreach (var checkpoint in Checkpoints(archive))
            {
                var headers = await VerifyHeadersAsync(archive, checkpoint);
                var withTx = ReadRecords(FilePath(archive, ArchivePaths.CheckpointFile(HistoryFileKind.Transactions, checkpoint)))
                    .Select(r => TransactionHistoryEntry.FromXdr(r).LedgerSeq).ToHashSet();
                for (var i = 1; i < headers.Entries.Count; i++)
                {
                    var entry = headers.Entries[i];
                    if (withTx.Contains(entry.Header.LedgerSeq))
                    {
                        continue;
                    }

                    var prevVersion = headers.Entries[i - 1].Header.LedgerVersion;
                    EmptyTransactionSet.Hash(prevVersion, entry.Header.PreviousLedgerHash).Should().Equal(entry.Header.ScpValue.TxSetHash,
                        $"ledger {entry.Header.LedgerSeq} (protocol {prevVersion}) had no transactions");
                    seen.Add(prevVersion < 20 ? "legacy" : prevVersion < 23 ? "two sequential phases" : "parallel soroban phase");
                }
            }
        }

        seen.Should().BeEquivalentTo("legacy", "two sequential phases", "parallel soroban phase");
    }

    [Fact]
    public void EmptyTransactionSet_DerivedVectors_MatchExpectedTxSetHashes()
    {
        var checkedLedgers = 0;
        foreach (var dir in Directory.EnumerateDirectories(Path.Combine(Fixtures.Xdr, "derived")))
        {
            using var json = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "expected.json")));
            var ledgers = json.RootElement.GetProperty("ledgers").EnumerateArray().ToList();
            for (var i = 1; i < ledgers.Count; i++)
            {
                var ledger = ledgers[i];
                if (ledger.TryGetProperty("inTransactionsFile", out var inFile) && inFile.GetBoolean())
                {
                    continue;
                }

                var prevVersion = ledgers[i - 1].GetProperty("protocol").GetUInt32();
                var hash = EmptyTransactionSet.Hash(prevVersion, Convert.FromHexString(ledger.GetProperty("previousLedgerHash").GetString()!));
                Convert.ToHexStringLower(hash).Should().Be(ledger.GetProperty("txSetHash").GetString(), $"{dir} ledger {ledger.GetProperty("ledgerSeq")}");
                checkedLedgers++;
            }
        }

        checkedLedgers.Should().BeGreaterThan(30);
    }

    [Fact]
    public async Task LedgerHeaderVerifier_FirstCheckpoint_StartsAtGenesis()
    {
        var headers = await VerifyHeadersAsync(Fixtures.TestnetSmall, 63);

        headers.First.Header.LedgerSeq.Should().Be(1);
        headers.Entries.Should().HaveCount(63);
    }

    [Fact]
    public async Task LedgerHeaderVerifier_ChangedHeaderField_HashMismatchAtThatLedger()
    {
        using var temp = new TempArchive(Fixtures.TestnetSmall);
        var path = ArchivePaths.CheckpointFile(HistoryFileKind.Ledger, 127);
        Rewrite<LedgerHeaderHistoryEntry>(temp[path], e =>
        {
            if (e.Header.LedgerSeq == 100)
            {
                e.Header.FeePool += 1;
            }

            return e;
        });

        var act = () => VerifyHeadersAsync(temp.Root, 127);

        var problem = (await act.Should().ThrowAsync<HistoryVerificationException>()).Which.Problem;
        problem.Should().BeEquivalentTo(new { Path = path, Ledger = (uint?)100, Kind = ProblemKind.HashMismatch });
        problem.Message.Should().Contain(path).And.Contain("100").And.Contain("rule");
    }

    [Fact]
    public async Task LedgerHeaderVerifier_HeaderRehashedButChainNotFollowed_ChainBreak()
    {
        using var temp = new TempArchive(Fixtures.TestnetSmall);
        var path = ArchivePaths.CheckpointFile(HistoryFileKind.Ledger, 127);
        Rewrite<LedgerHeaderHistoryEntry>(temp[path], e =>
        {
            if (e.Header.LedgerSeq == 100)
            {
                e.Header.FeePool += 1;
                e.Hash = System.Security.Cryptography.SHA256.HashData(e.Header.ToXdr());
            }

            return e;
        });

        var act = () => VerifyHeadersAsync(temp.Root, 127);

        (await act.Should().ThrowAsync<HistoryVerificationException>()).Which.Problem
            .Should().BeEquivalentTo(new { Path = path, Ledger = (uint?)101, Kind = ProblemKind.ChainBreak });
    }

    [Fact]
    public async Task LedgerHeaderVerifier_MissingLastLedger_Corrupt()
    {
        using var temp = new TempArchive(Fixtures.TestnetSmall);
        var path = ArchivePaths.CheckpointFile(HistoryFileKind.Ledger, 127);
        Rewrite<LedgerHeaderHistoryEntry>(temp[path], e => e.Header.LedgerSeq == 127 ? null : e);

        var act = () => VerifyHeadersAsync(temp.Root, 127);

        (await act.Should().ThrowAsync<HistoryVerificationException>()).Which.Problem
            .Should().BeEquivalentTo(new { Path = path, Ledger = (uint?)127, Kind = ProblemKind.Corrupt });
    }

    [Fact]
    public async Task LedgerHeaderVerifier_TruncatedGzip_Corrupt()
    {
        var path = ArchivePaths.CheckpointFile(HistoryFileKind.Ledger, 127);
        var bytes = await File.ReadAllBytesAsync(FilePath(Fixtures.TestnetSmall, path));
        var truncated = new GZipStream(new MemoryStream(bytes, 0, bytes.Length - 100), CompressionMode.Decompress);

        var act = () => VerifyHeadersAsync(truncated, path, 127);

        (await act.Should().ThrowAsync<HistoryVerificationException>()).Which.Kind.Should().Be(ProblemKind.Corrupt);
    }

    [Fact]
    public async Task LedgerHeaderVerifier_WrongFileForCheckpoint_Corrupt()
    {
        var act = () => VerifyHeadersAsync(OpenDecompressed(Fixtures.TestnetSmall, ArchivePaths.CheckpointFile(HistoryFileKind.Ledger, 127)), "x", 191);

        (await act.Should().ThrowAsync<HistoryVerificationException>()).Which.Problem.Ledger.Should().Be(64, "the file's first record is ledger 64, not 128");
    }

    [Fact]
    public async Task LedgerHeaderVerifier_RangeEndingInsideCheckpoint_ReturnsUpToIt()
    {
        var path = ArchivePaths.CheckpointFile(HistoryFileKind.Ledger, 127);
        await using var stream = OpenDecompressed(Fixtures.TestnetSmall, path);

        var result = await LedgerHeaderVerifier.VerifyAsync(stream, path, 127, CheckpointMath.Default, lastLedger: 100);

        result.Last.Header.LedgerSeq.Should().Be(100);
        result.Entries.Should().HaveCount(37);
    }

    [Fact]
    public async Task LedgerHeaderVerifier_TrustedHash_TrustedOrUntrusted()
    {
        var good = await VerifyHeadersAsync(Fixtures.TestnetSmall, 127);
        var path = ArchivePaths.CheckpointFile(HistoryFileKind.Ledger, 127);

        await using (var stream = OpenDecompressed(Fixtures.TestnetSmall, path))
        {
            (await LedgerHeaderVerifier.VerifyAsync(stream, path, 127, CheckpointMath.Default, trusted: new TrustedLedgerHash(127, good.Last.Hash)))
                .Trusted.Should().BeTrue();
        }

        var wrong = good.Last.Hash.ToArray();
        wrong[0] ^= 1;
        await using (var stream = OpenDecompressed(Fixtures.TestnetSmall, path))
        {
            var act = () => LedgerHeaderVerifier.VerifyAsync(stream, path, 127, CheckpointMath.Default, trusted: new TrustedLedgerHash(127, wrong));
            var e = (await act.Should().ThrowAsync<HistoryVerificationException>()).Which;
            e.IsTrustFailure.Should().BeTrue();
            e.Problem.Should().BeEquivalentTo(new { Path = path, Ledger = (uint?)127, Kind = ProblemKind.Untrusted });
        }
    }

    [Fact]
    public async Task LedgerHeaderVerifier_LinkBetweenNonAdjacentFiles_ChainBreak()
    {
        var a = await VerifyHeadersAsync(Fixtures.TestnetSmall, 127);
        var c = await VerifyHeadersAsync(Fixtures.TestnetSmall, 255);

        var act = () => LedgerHeaderVerifier.VerifyLink(a, c);

        act.Should().Throw<HistoryVerificationException>().Which.Problem
            .Should().BeEquivalentTo(new { Path = c.Path, Ledger = (uint?)192, Kind = ProblemKind.ChainBreak });
    }

    [Fact]
    public async Task TransactionsVerifier_ChangedTransaction_HashMismatchAtItsLedger()
    {
        var (checkpoint, ledger) = await FirstCheckpointWithTransactions(Fixtures.TestnetSmall);
        using var temp = new TempArchive(Fixtures.TestnetSmall);
        var path = ArchivePaths.CheckpointFile(HistoryFileKind.Transactions, checkpoint);
        Rewrite<TransactionHistoryEntry>(temp[path], e =>
        {
            if (e.LedgerSeq == ledger)
            {
                var env = e.Ext.Discriminant == 1
                    ? e.Ext.GeneralizedTxSet!.V1TxSet!.Phases.First(p => p.V0Components is { Length: > 0 }).V0Components![0].TxsMaybeDiscountedFee!.Txs[0]
                    : e.TxSet.Txs[0];
                var bytes = env.ToXdr();
                bytes[^1] ^= 0x01; // a signature byte
                var changed = TransactionEnvelope.FromXdr(bytes);
                if (e.Ext.Discriminant == 1)
                {
                    e.Ext.GeneralizedTxSet!.V1TxSet!.Phases.First(p => p.V0Components is { Length: > 0 }).V0Components![0].TxsMaybeDiscountedFee!.Txs[0] = changed;
                }
                else
                {
                    e.TxSet.Txs[0] = changed;
                }
            }

            return e;
        });
        var headers = await VerifyHeadersAsync(temp.Root, checkpoint);
        await using var stream = OpenDecompressed(temp.Root, path);

        var act = () => TransactionsVerifier.VerifyAsync(stream, path, headers);

        (await act.Should().ThrowAsync<HistoryVerificationException>()).Which.Problem
            .Should().BeEquivalentTo(new { Path = path, Ledger = (uint?)ledger, Kind = ProblemKind.HashMismatch });
    }

    [Fact]
    public async Task TransactionsVerifier_EntryRemoved_HashMismatchForTheEmptySet()
    {
        var (checkpoint, ledger) = await FirstCheckpointWithTransactions(Fixtures.PubnetLegacy);
        using var temp = new TempArchive(Fixtures.PubnetLegacy);
        var path = ArchivePaths.CheckpointFile(HistoryFileKind.Transactions, checkpoint);
        Rewrite<TransactionHistoryEntry>(temp[path], e => e.LedgerSeq == ledger ? null : e);
        var headers = await VerifyHeadersAsync(temp.Root, checkpoint);
        await using var stream = OpenDecompressed(temp.Root, path);

        var act = () => TransactionsVerifier.VerifyAsync(stream, path, headers);

        (await act.Should().ThrowAsync<HistoryVerificationException>()).Which.Problem
            .Should().BeEquivalentTo(new { Path = path, Ledger = (uint?)ledger, Kind = ProblemKind.HashMismatch });
    }

    [Fact]
    public async Task TransactionsVerifier_DuplicateEntry_Corrupt()
    {
        var (checkpoint, ledger) = await FirstCheckpointWithTransactions(Fixtures.TestnetSmall);
        using var temp = new TempArchive(Fixtures.TestnetSmall);
        var path = ArchivePaths.CheckpointFile(HistoryFileKind.Transactions, checkpoint);
        var records = ReadRecords(temp[path]);
        WriteRecords(temp[path], records.Take(1).Concat(records));
        var headers = await VerifyHeadersAsync(temp.Root, checkpoint);
        await using var stream = OpenDecompressed(temp.Root, path);

        var act = () => TransactionsVerifier.VerifyAsync(stream, path, headers);

        (await act.Should().ThrowAsync<HistoryVerificationException>()).Which.Problem
            .Should().BeEquivalentTo(new { Path = path, Ledger = (uint?)ledger, Kind = ProblemKind.Corrupt });
    }

    [Fact]
    public async Task ResultsVerifier_ChangedResult_HashMismatchAtItsLedger()
    {
        var (checkpoint, ledger) = await FirstCheckpointWithTransactions(Fixtures.TestnetSmall);
        using var temp = new TempArchive(Fixtures.TestnetSmall);
        var path = ArchivePaths.CheckpointFile(HistoryFileKind.Results, checkpoint);
        Rewrite<TransactionHistoryResultEntry>(temp[path], e =>
        {
            if (e.LedgerSeq == ledger)
            {
                e.TxResultSet.Results[0].Result.FeeCharged += 1;
            }

            return e;
        });
        var headers = await VerifyHeadersAsync(temp.Root, checkpoint);
        await using var stream = OpenDecompressed(temp.Root, path);

        var act = () => ResultsVerifier.VerifyAsync(stream, path, headers);

        (await act.Should().ThrowAsync<HistoryVerificationException>()).Which.Problem
            .Should().BeEquivalentTo(new { Path = path, Ledger = (uint?)ledger, Kind = ProblemKind.HashMismatch });
    }

    [Fact]
    public async Task ResultsVerifier_GenesisCheckpoint_AcceptsAllZeroHashOfLedgerOne()
    {
        var headers = await VerifyHeadersAsync(Fixtures.TestnetSmall, 63);
        headers.First.Header.TxSetResultHash.Should().OnlyContain(b => b == 0);
        var path = ArchivePaths.CheckpointFile(HistoryFileKind.Results, 63);
        await using var stream = OpenDecompressed(Fixtures.TestnetSmall, path);

        await ResultsVerifier.VerifyAsync(stream, path, headers);
    }

    [Fact]
    public async Task ResultsVerifier_EmptyStream_EveryLedgerMustHaveTheEmptyResultSet()
    {
        var (checkpoint, ledger) = await FirstCheckpointWithTransactions(Fixtures.TestnetSmall);
        var headers = await VerifyHeadersAsync(Fixtures.TestnetSmall, checkpoint);

        var act = () => ResultsVerifier.VerifyAsync(new MemoryStream(), "results", headers);

        (await act.Should().ThrowAsync<HistoryVerificationException>()).Which.Problem.Ledger.Should().Be(ledger);
    }

    [Fact]
    public async Task ScpVerifier_RecordsOfAnotherCheckpoint_Corrupt()
    {
        var path = ArchivePaths.CheckpointFile(HistoryFileKind.Scp, 10047);
        await using var stream = OpenDecompressed(Fixtures.TestnetSmall, path);

        var act = () => ScpVerifier.VerifyAsync(stream, path, 9983, CheckpointMath.Default);

        (await act.Should().ThrowAsync<HistoryVerificationException>()).Which.Problem
            .Should().BeEquivalentTo(new { Path = path, Kind = ProblemKind.Corrupt });
    }

    [Theory]
    [InlineData(127u, null, false)]
    [InlineData(127u, 127u, false)]
    [InlineData(191u, 127u, true)]
    public void ScpVerifier_IsMissingFileAProblem_OnlyAfterTheFirstCheckpointWithScp(uint checkpoint, uint? firstWithScp, bool expected) =>
        ScpVerifier.IsMissingFileAProblem(checkpoint, firstWithScp).Should().Be(expected);

    private static async Task<(uint Checkpoint, uint Ledger)> FirstCheckpointWithTransactions(string archive)
    {
        foreach (var checkpoint in Checkpoints(archive))
        {
            var records = ReadRecords(FilePath(archive, ArchivePaths.CheckpointFile(HistoryFileKind.Transactions, checkpoint)));
            foreach (var record in records)
            {
                var entry = TransactionHistoryEntry.FromXdr(record);
                if (entry.TxSet.Txs.Length > 0 || entry.Ext.Discriminant == 1)
                {
                    await Task.CompletedTask;
                    return (checkpoint, entry.LedgerSeq);
                }
            }
        }

        throw new InvalidOperationException("no transactions in " + archive);
    }
}
