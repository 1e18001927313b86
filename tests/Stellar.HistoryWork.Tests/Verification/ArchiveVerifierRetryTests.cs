using Stellar.HistoryWork.Tests.Support;
using Stellar.HistoryWork.Verification;
using Stellar.TestSupport;

namespace Stellar.HistoryWork.Tests.Verification;

/// <summary>Issue 9 defect 4: the verifier's retries are the pool's, and a network failure is never reported as missing.</summary>
public class ArchiveVerifierRetryTests
{
    private static readonly string LedgerPath = ArchivePaths.CheckpointFile(HistoryFileKind.Ledger, 10047);
    private static readonly ArchivePoolOptions NoWait = new() { Delay = TimeSpan.Zero, MaxDelay = TimeSpan.Zero };

    [Fact]
    public async Task VerifyAsync_ResetsFewerThanThePoolsAttempts_VerifiesClean()
    {
        await using var server = await ArchiveHttpServer.StartAsync(Fixtures.TestnetSmall);
        server.AddFault(LedgerPath, HttpFault.Reset(times: 4));
        using var reader = new HttpArchiveReader(server.BaseUri);

        var report = await new ArchiveVerifier(reader, new ArchiveVerifierOptions { FromLedger = 9985, Pool = Attempts(6) }).VerifyAsync();

        report.Problems.Should().BeEmpty("a reset mid-file reopens it, through the pool's attempts (the old loop gave up after 3)");
        server.RequestCount(LedgerPath).Should().Be(5);
    }

    [Fact]
    public async Task VerifyAsync_ServerErrorOnEveryAttempt_ReportsUnreachableNotMissing()
    {
        await using var server = await ArchiveHttpServer.StartAsync(Fixtures.TestnetSmall);
        server.AddFault(LedgerPath, HttpFault.Status(503, int.MaxValue));
        using var reader = new HttpArchiveReader(server.BaseUri);

        var report = await new ArchiveVerifier(reader, new ArchiveVerifierOptions { FromLedger = 9985, Pool = Attempts(3) }).VerifyAsync();

        report.Problems.Should().Contain(p => p.Kind == ProblemKind.Unreachable && p.Path == LedgerPath);
        report.Problems.Should().NotContain(p => p.Kind == ProblemKind.Missing, "the archive never said the file is absent");
        ProblemKind.Unreachable.ToJsonName().Should().Be("unreachable");
        server.RequestCount(LedgerPath).Should().Be(3, "three attempts, then the problem");
    }

    [Fact]
    public async Task VerifyAsync_FileAbsent_IsStillMissing()
    {
        await using var server = await ArchiveHttpServer.StartAsync(Fixtures.TestnetSmall);
        server.AddFault(LedgerPath, HttpFault.NotFound());
        using var reader = new HttpArchiveReader(server.BaseUri);

        var report = await new ArchiveVerifier(reader, new ArchiveVerifierOptions { FromLedger = 9985, Pool = Attempts(3) }).VerifyAsync();

        report.Problems.Should().Contain(p => p.Kind == ProblemKind.Missing && p.Path == LedgerPath);
        report.Problems.Should().NotContain(p => p.Kind == ProblemKind.Unreachable);
        server.RequestCount(LedgerPath).Should().Be(1, "a 404 is an answer, not a failure to retry");
    }

    private static ArchivePoolOptions Attempts(int attempts) => new() { MaxAttempts = attempts, Delay = NoWait.Delay, MaxDelay = NoWait.MaxDelay };
}
