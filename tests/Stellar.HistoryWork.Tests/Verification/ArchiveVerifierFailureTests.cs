using Stellar.HistoryWork.Tests.Support;
using Stellar.HistoryWork.Verification;
using Stellar.TestSupport;
using Stellar.Xdr;
using static Stellar.HistoryWork.Tests.Verification.VerificationFixtures;

namespace Stellar.HistoryWork.Tests.Verification;

/// <summary>
/// Whatever one file's job throws, a verification run ends with a problem naming that file (issue 10 row 3):
/// a worker that faults must still count its job done, or the others wait for it forever.
/// </summary>
public class ArchiveVerifierFailureTests
{
    // Only a guard so that a regression fails instead of hanging the suite; a healthy run takes well under a second.
    private static readonly TimeSpan HangGuard = TimeSpan.FromMinutes(2);

    public static TheoryData<string> FailingFiles => new()
    {
        ArchivePaths.CheckpointFile(HistoryFileKind.Ledger, 127),
        ArchivePaths.CheckpointFile(HistoryFileKind.Transactions, 191),
        ArchivePaths.HistoryState(255),
        ArchivePaths.WellKnownState,
    };

    [Theory]
    [MemberData(nameof(FailingFiles))]
    public async Task VerifyAsync_ReaderThrowsAnUntypedException_EndsWithAProblemNamingTheFile(string failing)
    {
        var reader = new ThrowingArchiveReader(new LocalArchiveReader(Fixtures.TestnetSmall), failing);
        var verifier = new ArchiveVerifier(reader, new ArchiveVerifierOptions { FromLedger = 1, ToLedger = 255, MaxConcurrency = 4 });

        var report = await verifier.VerifyAsync().WaitAsync(HangGuard);

        var problem = report.Problems.Should().ContainSingle(string.Join(Environment.NewLine, report.Problems)).Subject;
        problem.Path.Should().Be(failing);
        problem.Kind.Should().Be(ProblemKind.Unreachable, "a failure that is not the archive's is never reported as damage");
        problem.Message.Should().Contain(nameof(InvalidOperationException)).And.Contain(failing);
        report.Ok.Should().BeFalse();
    }

    [Fact]
    public async Task TransactionsVerifier_EntryForTheLastPossibleLedger_DoesNotWrapToLedgerZero()
    {
        // Checkpoint 127 of the real archive has an entry for its checkpoint ledger; moved to the top of the
        // ledger space, the ledger after that entry is 2^32, which must not wrap to 0.
        const uint checkpoint = 127;
        const uint delta = uint.MaxValue - checkpoint;
        var real = await VerifyHeadersAsync(Fixtures.TestnetSmall, checkpoint);
        var shifted = real.Entries.Select(e =>
        {
            var copy = LedgerHeaderHistoryEntry.FromXdr(e.ToXdr());
            copy.Header.LedgerSeq += delta;
            return copy;
        }).ToList();
        var headers = new LedgerHeaderFileResult("ledger-top.xdr", uint.MaxValue, shifted, Trusted: false);
        var txPath = ArchivePaths.CheckpointFile(HistoryFileKind.Transactions, checkpoint);
        var records = ReadRecords(FilePath(Fixtures.TestnetSmall, txPath)).Select(raw =>
        {
            var entry = TransactionHistoryEntry.FromXdr(raw);
            entry.LedgerSeq += delta;
            return entry.ToXdr();
        }).ToList();
        using var stream = new MemoryStream();
        using (var writer = new XdrRecordWriter(stream, leaveOpen: true))
        {
            records.ForEach(r => writer.WriteRecord(r));
        }

        stream.Position = 0;
        var result = await TransactionsVerifier.VerifyAsync(stream, "transactions-top.xdr", headers, real.First.Header.LedgerVersion);

        result.Entries.Should().Be(records.Count);
    }

    [Fact]
    public void LedgerFileLink_OlderFileEndsAtTheLastPossibleLedger_NewerFileAtZeroIsABreak()
    {
        var hash = new byte[32];
        var older = new LedgerFileLink("older", uint.MaxValue - 63, hash, uint.MaxValue, hash);
        var newer = new LedgerFileLink("newer", 0, hash, 63, hash);

        var act = () => newer.VerifyFollows(older);

        act.Should().Throw<HistoryVerificationException>().Which.Kind.Should().Be(ProblemKind.ChainBreak);
    }

    private sealed class ThrowingArchiveReader(IArchiveReader inner, string failing) : IArchiveReader
    {
        public string Name => inner.Name;

        public ValueTask<Stream> OpenReadAsync(string path, CancellationToken cancellationToken = default) =>
            path == failing
                ? throw new InvalidOperationException($"{path}: not an archive failure")
                : inner.OpenReadAsync(path, cancellationToken);

        public ValueTask<bool> ExistsAsync(string path, CancellationToken cancellationToken = default) => inner.ExistsAsync(path, cancellationToken);
    }
}
