using Stellar.HistoryWork.Download;
using Stellar.HistoryWork.Scheduling;
using Stellar.HistoryWork.Tests.Support;
using Stellar.HistoryWork.Tests.Verification;
using Stellar.HistoryWork.Verification;
using Stellar.TestSupport;
using Stellar.Xdr;
using static Stellar.HistoryWork.Tests.Download.WorkRunner;

namespace Stellar.HistoryWork.Tests.Download;

public class CheckSingleLedgerHeaderWorkTests
{
    [Theory]
    [InlineData(1u)]
    [InlineData(1000u)]
    [InlineData(10047u)]
    public async Task RunAsync_ArchiveHoldsTheExpectedEntry_Succeeds(uint ledger)
    {
        using var work = new TempDirectory();
        var expected = await EntryAsync(Fixtures.TestnetSmall, ledger);
        var check = new CheckSingleLedgerHeaderWork(new LocalArchiveReader(Fixtures.TestnetSmall), expected, new HistoryWorkOptions { WorkDirectory = work.Path });

        var result = await RunAsync(check);

        result.State.Should().Be(WorkState.Succeeded, result.Reason);
        check.Expected.Ledger.Should().Be(ledger);
        check.ArchivePath.Should().Be(ArchivePaths.CheckpointFile(HistoryFileKind.Ledger, CheckpointMath.Default.CheckpointContaining(ledger)));
    }

    [Fact]
    public async Task RunAsync_FileAlreadyStored_FetchesFromTheArchiveAgain()
    {
        using var work = new TempDirectory();
        var reader = new CountingArchiveReader(new LocalArchiveReader(Fixtures.PubnetLegacy));
        var expected = await EntryAsync(Fixtures.PubnetLegacy, 12000000);
        var options = new HistoryWorkOptions { WorkDirectory = work.Path };

        (await RunAsync(new CheckSingleLedgerHeaderWork(reader, expected, options))).State.Should().Be(WorkState.Succeeded);
        (await RunAsync(new CheckSingleLedgerHeaderWork(reader, expected, options))).State.Should().Be(WorkState.Succeeded);

        reader.OpenCount(ArchivePaths.CheckpointFile(HistoryFileKind.Ledger, 12000063)).Should().Be(2, "the check is about what the archive holds now");
    }

    [Fact]
    public async Task RunAsync_DifferentHash_FailsAtOnceWithAnUntrustedProblem()
    {
        using var work = new TempDirectory();
        var hash = (await EntryAsync(Fixtures.TestnetSmall, 5000)).Hash;
        hash[31] ^= 0x80;
        var check = new CheckSingleLedgerHeaderWork(new LocalArchiveReader(Fixtures.TestnetSmall), new TrustedLedgerHash(5000, hash), new HistoryWorkOptions { WorkDirectory = work.Path });

        var result = await RunAsync(check, WorkRetries.AFew);

        result.State.Should().Be(WorkState.Failed);
        result.Attempts.Should().Be(1, "retrying cannot change what the archive holds");
        var problem = result.Error.Should().BeOfType<HistoryVerificationException>().Which.Problem;
        problem.Kind.Should().Be(ProblemKind.Untrusted);
        problem.Ledger.Should().Be(5000);
        problem.Path.Should().Be(check.ArchivePath);
        problem.Message.Should().Contain(Convert.ToHexStringLower(hash));
        File.Exists(Local(work.Path, check.ArchivePath)).Should().BeFalse("a file off our chain is not kept");
    }

    [Fact]
    public async Task RunAsync_SelfConsistentEntryOfAFork_FailsWithUntrusted()
    {
        var expected = await EntryAsync(Fixtures.PubnetLegacy, 12000000);
        expected.Header.ScpValue.CloseTime += 1;
        expected.Hash = StellarHashes.LedgerHeaderHash(expected.Header);
        using var work = new TempDirectory();

        var result = await RunAsync(new CheckSingleLedgerHeaderWork(new LocalArchiveReader(Fixtures.PubnetLegacy), expected, new HistoryWorkOptions { WorkDirectory = work.Path }), WorkRetries.AFew);

        result.State.Should().Be(WorkState.Failed);
        result.Attempts.Should().Be(1);
        result.Error.Should().BeOfType<HistoryVerificationException>().Which.Kind.Should().Be(ProblemKind.Untrusted);
    }

    [Fact]
    public async Task RunAsync_DamagedLedgerFile_IsAnArchiveProblemAndRetried()
    {
        using var archive = CopyFolders(Fixtures.TestnetSmall, "ledger");
        var path = ArchivePaths.CheckpointFile(HistoryFileKind.Ledger, 1023);
        ArchiveTampering.FlipByteInLastRecord(Local(archive.Path, path));
        var expected = await EntryAsync(Fixtures.TestnetSmall, 1000);
        using var work = new TempDirectory();

        var result = await RunAsync(new CheckSingleLedgerHeaderWork(new LocalArchiveReader(archive.Path), expected, new HistoryWorkOptions { WorkDirectory = work.Path }), WorkRetries.Once);

        result.State.Should().Be(WorkState.Failed);
        result.Attempts.Should().Be(2);
        result.Error.Should().BeOfType<HistoryVerificationException>().Which.Kind.Should().NotBe(ProblemKind.Untrusted);
    }

    [Fact]
    public async Task RunAsync_CheckpointNotPublished_IsRetried()
    {
        using var work = new TempDirectory();
        var hash = new byte[32];
        hash[0] = 1;

        var result = await RunAsync(new CheckSingleLedgerHeaderWork(new LocalArchiveReader(Fixtures.TestnetSmall), new TrustedLedgerHash(20000, hash), new HistoryWorkOptions { WorkDirectory = work.Path }), WorkRetries.Once);

        result.Attempts.Should().Be(2);
        result.Error.Should().BeOfType<ArchiveFileNotFoundException>();
    }

    [Fact]
    public async Task Constructor_EntryWhoseHashIsNotItsHeaders_Throws()
    {
        var expected = await EntryAsync(Fixtures.TestnetSmall, 100);
        expected.Hash = new byte[32];

        var act = () => new CheckSingleLedgerHeaderWork(new LocalArchiveReader(Fixtures.TestnetSmall), expected);

        act.Should().Throw<ArgumentException>().WithMessage("*100*");
    }

    private static async Task<LedgerHeaderHistoryEntry> EntryAsync(string archive, uint ledger)
    {
        // Decoded straight from the file so that the expected value does not come from the work under test.
        var headers = await VerificationFixtures.VerifyHeadersAsync(archive, CheckpointMath.Default.CheckpointContaining(ledger));
        return LedgerHeaderHistoryEntry.FromXdr(headers.Find(ledger)!.ToXdr());
    }
}
