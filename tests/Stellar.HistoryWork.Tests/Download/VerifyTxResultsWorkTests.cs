using Stellar.HistoryWork.Download;
using Stellar.HistoryWork.Scheduling;
using Stellar.HistoryWork.Tests.Support;
using Stellar.HistoryWork.Tests.Verification;
using Stellar.HistoryWork.Verification;
using Stellar.TestSupport;
using Stellar.Xdr;

namespace Stellar.HistoryWork.Tests.Download;

public class VerifyTxResultsWorkTests
{
    [Theory]
    [InlineData(63u)]
    [InlineData(10047u)]
    public async Task RunAsync_RealResultsAgainstVerifiedHeaders_Succeeds(uint checkpoint)
    {
        var headers = await VerificationFixtures.VerifyHeadersAsync(Fixtures.TestnetSmall, checkpoint);
        var local = WorkRunner.Local(Fixtures.TestnetSmall, ArchivePaths.CheckpointFile(HistoryFileKind.Results, checkpoint));
        var work = new VerifyTxResultsWork(local, headers);

        var result = await WorkRunner.RunAsync(work);

        result.State.Should().Be(WorkState.Succeeded, result.Reason);
        work.Result!.Entries.Should().Be(VerificationFixtures.ReadRecords(local).Count);
        work.Result.Checkpoint.Should().Be(checkpoint);
    }

    [Fact]
    public async Task RunAsync_TamperedResult_FailsWithHashMismatchNamingTheLedger()
    {
        using var dir = new TempDirectory();
        var copy = Path.Combine(dir.Path, "results.xdr.gz");
        File.Copy(WorkRunner.Local(Fixtures.TestnetSmall, ArchivePaths.CheckpointFile(HistoryFileKind.Results, 10047)), copy);
        uint ledger = 0;
        VerificationFixtures.Rewrite<TransactionHistoryResultEntry>(copy, entry =>
        {
            if (entry.LedgerSeq > ledger)
            {
                ledger = entry.LedgerSeq;
            }

            return entry;
        });
        var last = ledger;
        VerificationFixtures.Rewrite<TransactionHistoryResultEntry>(copy, entry =>
        {
            if (entry.LedgerSeq == last)
            {
                entry.TxResultSet.Results[0].Result.FeeCharged += 1;
            }

            return entry;
        });
        var headers = await VerificationFixtures.VerifyHeadersAsync(Fixtures.TestnetSmall, 10047);

        var result = await WorkRunner.RunAsync(new VerifyTxResultsWork(copy, headers), WorkRetries.Never);

        result.State.Should().Be(WorkState.Failed);
        var problem = result.Error.Should().BeOfType<HistoryVerificationException>().Which.Problem;
        problem.Kind.Should().Be(ProblemKind.HashMismatch);
        problem.Ledger.Should().Be(ledger);
        problem.Path.Should().Be(ArchivePaths.CheckpointFile(HistoryFileKind.Results, 10047));
    }

    [Fact]
    public async Task RunAsync_HeadersOfAnotherCheckpoint_Fails()
    {
        var headers = await VerificationFixtures.VerifyHeadersAsync(Fixtures.TestnetSmall, 9983);
        var local = WorkRunner.Local(Fixtures.TestnetSmall, ArchivePaths.CheckpointFile(HistoryFileKind.Results, 10047));

        var result = await WorkRunner.RunAsync(new VerifyTxResultsWork(local, headers), WorkRetries.Never);

        result.State.Should().Be(WorkState.Failed);
        result.Error.Should().BeOfType<HistoryVerificationException>();
    }

    [Fact]
    public async Task RunAsync_MissingFile_FailsWithMissing()
    {
        using var dir = new TempDirectory();
        var headers = await VerificationFixtures.VerifyHeadersAsync(Fixtures.TestnetSmall, 63);

        var result = await WorkRunner.RunAsync(new VerifyTxResultsWork(Path.Combine(dir.Path, "none.xdr.gz"), headers), WorkRetries.Never);

        result.Error.Should().BeOfType<HistoryVerificationException>().Which.Kind.Should().Be(ProblemKind.Missing);
    }
}
