using Stellar.HistoryWork.Publish;
using Stellar.HistoryWork.S3.Tests.Support;
using Stellar.HistoryWork.Scheduling;
using Stellar.HistoryWork.Tests.Support;
using Stellar.HistoryWork.Verification;
using Stellar.TestSupport;

namespace Stellar.HistoryWork.S3.Tests;

/// <summary>
/// Real fixtures through a real S3 server and back: mirror a directory into a bucket, verify the bucket, catch up
/// from it; every object byte-identical to its source file (SHA-256 of the stored bytes).
/// </summary>
public abstract class S3RoundTripTests<TServer>(TServer server)
    where TServer : S3ServerFixture
{
    private const string Prefix = "testnet";

    /// <summary>The last three checkpoints (9919, 9983, 10047): every bucket their states name and their files.</summary>
    private const uint FromLedger = 9856;

    private const uint Newest = 10047;

    [S3Fact]
    public async Task MirrorVerifyCatchup_TestnetArchive_EveryObjectAndEveryCatchupFileIdenticalToTheSource()
    {
        var bucket = await server.CreateBucketAsync();
        using var client = server.CreateClient();
        var location = new S3ArchiveLocation(bucket, Prefix);
        using var work = new TempDirectory();
        using var writer = new S3ArchiveWriter(client, location);

        var mirror = await new ArchiveMirror(new LocalArchiveReader(Fixtures.TestnetSmall), writer, new ArchiveMirrorOptions
        {
            FromLedger = FromLedger,
            RetryDelay = _ => TimeSpan.FromMilliseconds(1),
            History = new HistoryWorkOptions { WorkDirectory = work.Path },
        }).RunAsync();

        mirror.Succeeded.Should().BeTrue(string.Join("; ", mirror.Errors));
        var keys = (await BucketContents.KeysAsync(client, bucket, Prefix)).ToList();
        keys.Should().HaveCount((int)mirror.FilesWritten).And.Contain(ArchivePaths.WellKnownState).And.Contain(ArchivePaths.HistoryState(9919));
        keys.Count(f => f.StartsWith("bucket/", StringComparison.Ordinal)).Should().BeGreaterThan(20);
        foreach (var file in keys)
        {
            (await BucketContents.Sha256Async(client, bucket, location.KeyOf(file)))
                .Should().Equal(BucketContents.Sha256OfFile(Path.Combine(Fixtures.TestnetSmall, file)), $"{file} is stored exactly as sent");
        }

        using var reader = new S3ArchiveReader(client, location);
        var report = await new ArchiveVerifier(reader, new ArchiveVerifierOptions { FromLedger = FromLedger }).VerifyAsync();
        report.Problems.Should().BeEmpty();
        report.Checkpoints.Should().Be(3);

        using var catchup = new TempDirectory();
        using var state = new SharedHistoryState();
        var builder = new HistoryWorkBuilder(reader, Newest, state, new HistoryWorkOptions { WorkDirectory = catchup.Path });
        await using var scheduler = new WorkScheduler();
        builder.Register(scheduler);
        var result = await scheduler.RunToCompletionAsync();
        result.Succeeded.Should().BeTrue(result.ToString());
        var caughtUp = BucketContents.Files(catchup.Path).Where(f => f.EndsWith(".gz", StringComparison.Ordinal) || f.EndsWith(".json", StringComparison.Ordinal)).ToList();
        caughtUp.Should().Contain(ArchivePaths.CheckpointFile(HistoryFileKind.Ledger, Newest));
        foreach (var file in caughtUp)
        {
            File.ReadAllBytes(Path.Combine(catchup.Path, file)).Should().Equal(File.ReadAllBytes(Path.Combine(Fixtures.TestnetSmall, file)), $"{file} came from the bucket unchanged");
        }
    }

    [S3Fact]
    public async Task PutFile_AboveTheMultipartThreshold_StoredByteExactInParts()
    {
        var bucket = await server.CreateBucketAsync();
        var recorder = new S3FaultHandler();
        using var client = server.CreateClient(recorder);
        using var dir = new TempDirectory();
        var file = Path.Combine(dir.Path, "big.xdr.gz");
        var data = new byte[(11 * 1024 * 1024) + 12345];
        new Random(7).NextBytes(data);
        await File.WriteAllBytesAsync(file, data);
        var options = new S3ArchiveOptions { MultipartThreshold = S3ArchiveOptions.MinPartSize, PartSize = S3ArchiveOptions.MinPartSize, MaxPartsInFlight = 2 };
        using var writer = new S3ArchiveWriter(client, new S3ArchiveLocation(bucket), options);
        var path = ArchivePaths.Bucket(new string('a', 64));

        await writer.PutFileAsync(path, file);

        (await writer.GetSizeAsync(path)).Should().Be(data.Length);
        (await BucketContents.Sha256Async(client, bucket, path)).Should().Equal(BucketContents.Sha256OfFile(file));
        recorder.Requests.Where(r => r.Method == "PUT" && r.PathAndQuery.Contains("partNumber=", StringComparison.Ordinal))
            .Should().HaveCount(3, "5 + 5 + 1 MiB").And.OnlyContain(r => r.HasContentMd5 && r.ContentEncoding == null, "every part carries Content-MD5 and no aws-chunked framing");
    }

    [S3Fact]
    public async Task PutBytes_WellKnown_NoCacheAndReadBack()
    {
        var bucket = await server.CreateBucketAsync();
        var recorder = new S3FaultHandler();
        using var client = server.CreateClient(recorder);
        using var writer = new S3ArchiveWriter(client, new S3ArchiveLocation(bucket, "a/b"));
        var bytes = await File.ReadAllBytesAsync(Path.Combine(Fixtures.TestnetSmall, ArchivePaths.WellKnownState));

        (await writer.GetSizeAsync(ArchivePaths.WellKnownState)).Should().BeNull();
        await writer.PutBytesAsync(ArchivePaths.WellKnownState, bytes);

        recorder.Requests.Should().ContainSingle(r => r.Method == "PUT")
            .Which.Should().BeEquivalentTo(new { PathAndQuery = $"/{bucket}/a/b/{ArchivePaths.WellKnownState}", CacheControl = "no-cache", HasContentMd5 = true });
        await using var stream = await writer.Reader.OpenReadAsync(ArchivePaths.WellKnownState);
        using var copy = new MemoryStream();
        await stream.CopyToAsync(copy);
        copy.ToArray().Should().Equal(bytes);
    }
}

public sealed class S3rverRoundTripTests(S3rverFixture server) : S3RoundTripTests<S3rverFixture>(server), IClassFixture<S3rverFixture>;

public sealed class FauxqsRoundTripTests(FauxqsFixture server) : S3RoundTripTests<FauxqsFixture>(server), IClassFixture<FauxqsFixture>;
