using System.IO.Compression;
using System.Security.Cryptography;
using Stellar.HistoryWork.Download;
using Stellar.HistoryWork.Scheduling;
using Stellar.HistoryWork.Tests.Support;
using Stellar.HistoryWork.Verification;
using Stellar.TestSupport;

namespace Stellar.HistoryWork.Tests.Download;

public class VerifyBucketWorkTests
{
    private const string Hash = "985df9efcbf64a95583d74326cec318dcea7a894a06ff0e00430925a32f213f1";

    private static string RealBucket => WorkRunner.Local(Fixtures.TestnetSmall, ArchivePaths.Bucket(Hash));

    [Fact]
    public async Task RunAsync_RealBucket_SucceedsWithItsSizes()
    {
        var work = new VerifyBucketWork(RealBucket, Hash);

        var result = await WorkRunner.RunAsync(work);

        result.State.Should().Be(WorkState.Succeeded, result.Reason);
        using var gzip = new GZipStream(File.OpenRead(RealBucket), CompressionMode.Decompress);
        using var content = new MemoryStream();
        await gzip.CopyToAsync(content);
        work.Result!.DecompressedBytes.Should().Be(content.Length);
        work.Result.CompressedBytes.Should().Be(new FileInfo(RealBucket).Length);
        Convert.ToHexStringLower(SHA256.HashData(content.ToArray())).Should().Be(Hash, "the fixture is named by its hash");
    }

    [Fact]
    public async Task RunAsync_OneFlippedByte_RetriesThenFailsWithHashMismatch()
    {
        using var dir = new TempDirectory();
        var copy = Path.Combine(dir.Path, "bucket.xdr.gz");
        File.Copy(RealBucket, copy);
        ArchiveTampering.FlipByteInLastRecord(copy);
        var work = new VerifyBucketWork(copy, Hash);

        var result = await WorkRunner.RunAsync(work, WorkRetries.Once);

        result.State.Should().Be(WorkState.Failed);
        result.Attempts.Should().Be(2, "a bad file is an archive problem, retried");
        var problem = result.Error.Should().BeOfType<HistoryVerificationException>().Which.Problem;
        problem.Kind.Should().Be(ProblemKind.HashMismatch);
        problem.Path.Should().Be(ArchivePaths.Bucket(Hash));
        work.Result.Should().BeNull();
    }

    [Fact]
    public async Task RunAsync_MissingFile_FailsWithMissing()
    {
        using var dir = new TempDirectory();

        var result = await WorkRunner.RunAsync(new VerifyBucketWork(Path.Combine(dir.Path, "absent.xdr.gz"), Hash), WorkRetries.Never);

        result.Error.Should().BeOfType<HistoryVerificationException>().Which.Kind.Should().Be(ProblemKind.Missing);
    }

    [Theory]
    [InlineData("0000000000000000000000000000000000000000000000000000000000000000")]
    [InlineData("not-a-hash")]
    public void Constructor_NotABucketHash_Throws(string hash)
    {
        var act = () => new VerifyBucketWork(RealBucket, hash);

        act.Should().Throw<ArgumentException>();
    }
}
