using Amazon.S3;
using Amazon.S3.Model;
using Stellar.HistoryWork.Publish;
using Stellar.HistoryWork.S3.Tests.Support;
using Stellar.HistoryWork.Tests.Support;
using Stellar.TestSupport;

namespace Stellar.HistoryWork.S3.Tests;

/// <summary>
/// Faults injected through the SDK's HttpClientFactory seam in front of a real server (fauxqs, which implements
/// multipart abort and listing): retried where the library retries, never by the SDK, nothing corrupt left behind.
/// </summary>
public sealed class S3FaultTests(FauxqsFixture server) : IClassFixture<FauxqsFixture>
{
    private static readonly string Key = ArchivePaths.HistoryState(63);

    // A healthy archive is retried at once: no wait, whatever the backoff settings.
    private static ArchivePoolOptions NoWait(int attempts) => new() { MaxAttempts = attempts, UnhealthyDuration = TimeSpan.Zero };

    [S3Fact]
    public async Task OpenRead_SlowDownThenInternalErrorThenReset_PoolRetriesEachOnceAndTheSdkNever()
    {
        var (bucket, faults, client) = await ArrangeAsync();
        var expected = await PutFixtureAsync(client, bucket, Key);
        faults.Add(S3Fault.SlowDown, IsGet(Key)).Add(S3Fault.InternalError, IsGet(Key)).Add(S3Fault.Reset, IsGet(Key));
        using var reader = new S3ArchiveReader(client, new S3ArchiveLocation(bucket));
        var pool = new ArchivePool([reader], NoWait(4));

        var bytes = await ReadAllAsync(pool, Key);

        bytes.Should().Equal(expected);
        faults.Count("GET", Key).Should().Be(4, "three faults each retried once by the pool; the SDK's own retries are off");
    }

    [S3Fact]
    public async Task OpenRead_SlowDown_TransientWith503AndOneRequest()
    {
        var (bucket, faults, client) = await ArrangeAsync();
        await PutFixtureAsync(client, bucket, Key);
        faults.Add(S3Fault.SlowDown, IsGet(Key));
        using var reader = new S3ArchiveReader(client, new S3ArchiveLocation(bucket));

        var open = async () => await reader.OpenReadAsync(Key);

        (await open.Should().ThrowAsync<ArchiveTransientException>()).Which.StatusCode.Should().Be(503);
        faults.Count("GET", Key).Should().Be(1);
    }

    [S3Fact]
    public async Task OpenRead_ResetMidBody_ReadFailsTransientAndAReopenReadsTheWholeFile()
    {
        var (bucket, faults, client) = await ArrangeAsync();
        var expected = await PutFixtureAsync(client, bucket, Key);
        faults.Add(S3Fault.ResetMidBody, IsGet(Key));
        using var reader = new S3ArchiveReader(client, new S3ArchiveLocation(bucket));

        var first = async () => await ReadAllAsync(reader, Key);

        await first.Should().ThrowAsync<ArchiveTransientException>();
        (await ReadAllAsync(reader, Key)).Should().Equal(expected);
    }

    [S3Fact]
    public async Task OpenRead_AccessDeniedFirstThenAfterASuccess_AccessErrorThenMissing()
    {
        var (bucket, faults, client) = await ArrangeAsync();
        await PutFixtureAsync(client, bucket, Key);
        faults.Add(S3Fault.AccessDenied, IsGet(ArchivePaths.WellKnownState)).Add(S3Fault.AccessDenied, IsGet("bucket/"));
        using var reader = new S3ArchiveReader(client, new S3ArchiveLocation(bucket), new S3ArchiveOptions { CredentialsDescription = "access key id AKIATEST" });

        var first = async () => await reader.OpenReadAsync(ArchivePaths.WellKnownState);
        var error = (await first.Should().ThrowAsync<S3ArchiveAccessException>()).Which;
        await ReadAllAsync(reader, Key);
        var later = async () => await reader.OpenReadAsync(ArchivePaths.Bucket(new string('b', 64)));

        error.Message.Should().Contain(bucket).And.Contain(ArchivePaths.WellKnownState).And.Contain("AKIATEST");
        await later.Should().ThrowAsync<ArchiveFileNotFoundException>("a 403 on one key of an archive that reads fine is that key missing");
    }

    [S3Fact]
    public async Task Mirror_FaultsOnPutAndUploadPart_RetriedEveryObjectExactAndNoUploadLeft()
    {
        var (bucket, faults, client) = await ArrangeAsync();
        faults.Add(S3Fault.SlowDown, r => r.Method == HttpMethod.Put && r.RequestUri!.AbsolutePath.Contains("/ledger/", StringComparison.Ordinal), times: 2)
            .Add(S3Fault.InternalError, r => r.Method == HttpMethod.Put && r.RequestUri!.AbsolutePath.Contains("/results/", StringComparison.Ordinal))
            .Add(S3Fault.Reset, r => r.Method == HttpMethod.Put && r.RequestUri!.Query.Contains("partNumber=", StringComparison.Ordinal), times: 2);
        using var work = new TempDirectory();
        // Every file above 64 KiB goes up as a (one-part) multipart upload.
        using var writer = new S3ArchiveWriter(client, new S3ArchiveLocation(bucket), new S3ArchiveOptions { MultipartThreshold = 64 * 1024 });

        var result = await new ArchiveMirror(new LocalArchiveReader(Fixtures.TestnetSmall), writer, new ArchiveMirrorOptions
        {
            FromLedger = 9984,
            RetryDelay = _ => TimeSpan.Zero,
            History = new HistoryWorkOptions { WorkDirectory = work.Path },
        }).RunAsync();

        result.Succeeded.Should().BeTrue(string.Join("; ", result.Errors));
        faults.Requests.Count(r => r.PathAndQuery.Contains("uploads", StringComparison.Ordinal) && r.Method == "POST").Should().BeGreaterThan(2, "some files went up in parts");
        var keys = await BucketContents.KeysAsync(client, bucket, string.Empty);
        keys.Should().HaveCount((int)result.FilesWritten);
        foreach (var key in keys)
        {
            (await BucketContents.Sha256Async(client, bucket, key)).Should().Equal(BucketContents.Sha256OfFile(Path.Combine(Fixtures.TestnetSmall, key)), key);
        }

        (await client.ListMultipartUploadsAsync(bucket)).MultipartUploads.Should().BeNullOrEmpty();
    }

    [S3Fact]
    public async Task PutFile_PartFailsForGood_AbortedNoObjectNoUpload()
    {
        var (bucket, faults, client) = await ArrangeAsync();
        faults.Add(S3Fault.InternalError, r => r.RequestUri!.Query.Contains("partNumber=2", StringComparison.Ordinal), times: 100);
        using var writer = new S3ArchiveWriter(client, new S3ArchiveLocation(bucket), Multipart());
        using var dir = new TempDirectory();
        var file = await BigFileAsync(dir.Path);
        var path = ArchivePaths.Bucket(new string('c', 64));

        var put = async () => await writer.PutFileAsync(path, file);

        (await put.Should().ThrowAsync<ArchiveTransientException>()).Which.StatusCode.Should().Be(500);
        (await writer.GetSizeAsync(path)).Should().BeNull("no partial object");
        (await client.ListMultipartUploadsAsync(bucket)).MultipartUploads.Should().BeNullOrEmpty("the upload was aborted");
        faults.Count("DELETE", "uploadId=").Should().Be(1);
    }

    [S3Fact]
    public async Task PutFile_CancelledDuringAPart_AbortedNoObjectNoUpload()
    {
        var (bucket, faults, client) = await ArrangeAsync();
        faults.Add(S3Fault.Hang, r => r.RequestUri!.Query.Contains("partNumber=2", StringComparison.Ordinal));
        using var writer = new S3ArchiveWriter(client, new S3ArchiveLocation(bucket), Multipart());
        using var dir = new TempDirectory();
        var file = await BigFileAsync(dir.Path);
        var path = ArchivePaths.Bucket(new string('d', 64));
        using var cancel = new CancellationTokenSource();

        var put = writer.PutFileAsync(path, file, cancel.Token).AsTask();
        await faults.Hung.Task.WaitAsync(TimeSpan.FromSeconds(60));
        await cancel.CancelAsync();

        await put.Invoking(t => t).Should().ThrowAsync<OperationCanceledException>();
        (await writer.GetSizeAsync(path)).Should().BeNull();
        (await client.ListMultipartUploadsAsync(bucket)).MultipartUploads.Should().BeNullOrEmpty("a cancelled upload is aborted too");
    }

    [S3Fact]
    public async Task PutBytes_WellKnownChangedSinceRead_ConditionalWriteRefusedAsTransient()
    {
        var (bucket, faults, client) = await ArrangeAsync();
        var original = await PutFixtureAsync(client, bucket, ArchivePaths.WellKnownState);
        using var writer = new S3ArchiveWriter(client, new S3ArchiveLocation(bucket));
        var etag = (await client.GetObjectMetadataAsync(bucket, ArchivePaths.WellKnownState)).ETag;
        await ReadAllAsync(writer.Reader, ArchivePaths.WellKnownState);
        faults.Add(S3Fault.PreconditionFailed, r => r.Method == HttpMethod.Put);

        var put = async () => await writer.PutBytesAsync(ArchivePaths.WellKnownState, original);

        await put.Should().ThrowAsync<ArchiveTransientException>();
        faults.Requests.Last(r => r.Method == "PUT").Should().BeEquivalentTo(new { IfMatch = etag, CacheControl = "no-cache" });
    }

    [S3Fact]
    public async Task PutBytes_WellKnownAbsentWhenRead_WrittenOnlyIfStillAbsent()
    {
        var (bucket, faults, client) = await ArrangeAsync();
        using var writer = new S3ArchiveWriter(client, new S3ArchiveLocation(bucket));
        (await writer.Reader.ExistsAsync(ArchivePaths.WellKnownState)).Should().BeFalse();
        var missing = async () => await writer.Reader.OpenReadAsync(ArchivePaths.WellKnownState);
        await missing.Should().ThrowAsync<ArchiveFileNotFoundException>();

        await writer.PutBytesAsync(ArchivePaths.WellKnownState, "{}"u8.ToArray());

        faults.Requests.Last(r => r.Method == "PUT").Should().BeEquivalentTo(new { IfNoneMatch = "*", IfMatch = (string?)null });
    }

    private static S3ArchiveOptions Multipart() => new() { MultipartThreshold = S3ArchiveOptions.MinPartSize, PartSize = S3ArchiveOptions.MinPartSize, MaxPartsInFlight = 1 };

    private static async Task<string> BigFileAsync(string dir)
    {
        var file = Path.Combine(dir, "big");
        var data = new byte[(10 * 1024 * 1024) + 1];
        new Random(3).NextBytes(data);
        await File.WriteAllBytesAsync(file, data);
        return file;
    }

    private static Func<HttpRequestMessage, bool> IsGet(string path) =>
        r => r.Method == HttpMethod.Get && r.RequestUri!.AbsolutePath.Contains(path, StringComparison.Ordinal);

    private static async Task<byte[]> PutFixtureAsync(IAmazonS3 client, string bucket, string path)
    {
        var bytes = await File.ReadAllBytesAsync(Path.Combine(Fixtures.TestnetSmall, path));
        await client.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = path, InputStream = new MemoryStream(bytes), UseChunkEncoding = false });
        return bytes;
    }

    private static async Task<byte[]> ReadAllAsync(IArchiveReader reader, string path)
    {
        await using var stream = await reader.OpenReadAsync(path);
        using var copy = new MemoryStream();
        await stream.CopyToAsync(copy);
        return copy.ToArray();
    }

    private async Task<(string Bucket, S3FaultHandler Faults, IAmazonS3 Client)> ArrangeAsync()
    {
        var bucket = await server.CreateBucketAsync();
        var faults = new S3FaultHandler();
        return (bucket, faults, server.CreateClient(faults));
    }
}
