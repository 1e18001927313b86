using Stellar.HistoryWork.Download;
using Stellar.HistoryWork.Verification;

namespace Stellar.HistoryWork.Tests.BadInput;

[CollectionDefinition(nameof(AllocationMeasured), DisableParallelization = true)]
public sealed class AllocationMeasured
{
}

/// <summary>
/// Gzip bombs of 1 GiB (about 1 MiB compressed) stop at a 1 MiB cap: early in the compressed input, and
/// without allocating more than a few MiB. Alone in their collection so that the process-wide allocation
/// count sees only them.
/// </summary>
[Collection(nameof(AllocationMeasured))]
public class GzipBombTests
{
    private const int Cap = 1 << 20;
    private const long FewMiB = 8L << 20;
    private const int Members = 1024;

    [Fact]
    public async Task BucketVerifier_ZeroBomb_StopsAtTheCap()
    {
        var bomb = new MemoryStream(BadArchive.ZeroBomb(Members));

        var (error, allocated) = await MeasureAsync(() => BucketVerifier.VerifyAsync(
            bomb, BadArchive.BucketHash, options: new HistoryVerificationOptions { MaxBucketDecompressedBytes = Cap }));

        error.Problem.Should().Be(new VerificationProblem(BadArchive.Bucket, null, ProblemKind.Corrupt, error.Problem.Message));
        error.Message.Should().Contain("rule: bucket size limit");
        bomb.Position.Should().BeLessThan(bomb.Length / 100, "reading stops at the cap, not at the end of the bomb");
        allocated.Should().BeLessThan(FewMiB);
    }

    [Fact]
    public async Task DownloadScp_BombOfValidRecords_StopsAtTheCap()
    {
        // One member holds whole records, so the 1 GiB stream is valid SCP history from end to end.
        using var archive = new BadArchive();
        var record = archive.Records(BadArchive.Scp)[0];
        var member = BadArchive.Gzip(BadArchive.Mark(Enumerable.Repeat(record, Cap / (record.Length + 4))));
        var bomb = new MemoryStream(Enumerable.Repeat(member, Members).SelectMany(m => m).ToArray());

        var (error, allocated) = await MeasureAsync(async () =>
        {
            await DownloadVerification.VerifyScpAsync(bomb, BadArchive.Scp, BadArchive.Checkpoint, CheckpointMath.Default, Cap, CancellationToken.None);
            return 0;
        });

        error.Problem.Should().Be(new VerificationProblem(BadArchive.Scp, BadArchive.Checkpoint, ProblemKind.Corrupt, error.Problem.Message));
        error.Message.Should().Contain("rule: decompressed size limit");
        bomb.Position.Should().BeLessThan(bomb.Length / 100);
        allocated.Should().BeLessThan(FewMiB);
    }

    private static async Task<(HistoryVerificationException Error, long Allocated)> MeasureAsync<T>(Func<Task<T>> run)
    {
        var before = GC.GetTotalAllocatedBytes(precise: true);
        HistoryVerificationException? error = null;
        try
        {
            await run();
        }
        catch (HistoryVerificationException e)
        {
            error = e;
        }

        var allocated = GC.GetTotalAllocatedBytes(precise: true) - before;
        error.Should().NotBeNull("the bomb must be refused");
        return (error!, allocated);
    }
}
