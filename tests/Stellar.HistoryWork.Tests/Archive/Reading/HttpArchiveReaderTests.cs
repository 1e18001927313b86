using System.Net;
using Microsoft.Extensions.Time.Testing;
using Stellar.HistoryWork.Tests.Support;
using Stellar.TestSupport;

namespace Stellar.HistoryWork.Tests.Archive.Reading;

public sealed class HttpArchiveReaderTests : IAsyncLifetime
{
    private static readonly string LedgerPath = ArchivePaths.CheckpointFile(HistoryFileKind.Ledger, 10047);
    private ArchiveHttpServer _server = null!;

    public async Task InitializeAsync() => _server = await ArchiveHttpServer.StartAsync(Fixtures.TestnetSmall);

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task OpenReadAsync_RealFiles_StreamTheExactBytesAndCountThem()
    {
        using var metrics = new ArchiveMetrics();
        using var reader = new HttpArchiveReader(_server.BaseUri);
        var paths = new[] { ArchivePaths.WellKnownState, LedgerPath, BiggestBucket() };
        long total = 0;

        foreach (var path in paths)
        {
            var expected = await File.ReadAllBytesAsync(Path.Combine(Fixtures.TestnetSmall, path));
            (await ReadAllAsync(reader, path)).Should().Equal(expected, path);
            total += expected.Length;
        }

        metrics.Files(reader.Name).Should().Be(paths.Length);
        metrics.Bytes(reader.Name).Should().Be(total);
        metrics.Failures(reader.Name).Should().Be(0);
    }

    [Fact]
    public async Task OpenReadAsync_Missing_ThrowsNotFound()
    {
        using var metrics = new ArchiveMetrics();
        using var reader = new HttpArchiveReader(_server.BaseUri);

        var act = async () => await reader.OpenReadAsync(ArchivePaths.CheckpointFile(HistoryFileKind.Ledger, 99999999));

        var error = (await act.Should().ThrowAsync<ArchiveFileNotFoundException>()).Which;
        error.ArchiveName.Should().Be(reader.Name);
        error.Path.Should().Be(ArchivePaths.CheckpointFile(HistoryFileKind.Ledger, 99999999));
        metrics.Failures(reader.Name, "not_found").Should().Be(1);
    }

    [Theory]
    [InlineData(500)]
    [InlineData(503)]
    [InlineData(502)]
    [InlineData(408)]
    public async Task OpenReadAsync_ServerError_ThrowsTransientWithStatus(int status)
    {
        using var metrics = new ArchiveMetrics();
        using var reader = new HttpArchiveReader(_server.BaseUri);
        _server.AddFault(LedgerPath, HttpFault.Status(status));

        var act = async () => await reader.OpenReadAsync(LedgerPath);

        (await act.Should().ThrowAsync<ArchiveTransientException>()).Which.StatusCode.Should().Be(status);
        metrics.Failures(reader.Name, "transient").Should().Be(1);
        (await ReadAllAsync(reader, LedgerPath)).Should().HaveCount((int)new FileInfo(Path.Combine(Fixtures.TestnetSmall, LedgerPath)).Length, "the fault was one-off");
    }

    [Fact]
    public async Task OpenReadAsync_TooManyRequests_ExposesRetryAfter()
    {
        using var reader = new HttpArchiveReader(_server.BaseUri);
        _server.AddFault(LedgerPath, HttpFault.Status(429, retryAfter: TimeSpan.FromSeconds(7)));

        var act = async () => await reader.OpenReadAsync(LedgerPath);

        var error = (await act.Should().ThrowAsync<ArchiveTransientException>()).Which;
        error.StatusCode.Should().Be(429);
        error.RetryAfter.Should().Be(TimeSpan.FromSeconds(7));
    }

    [Fact]
    public async Task OpenReadAsync_Forbidden_ThrowsPlainArchiveException()
    {
        using var metrics = new ArchiveMetrics();
        using var reader = new HttpArchiveReader(_server.BaseUri);
        _server.AddFault(LedgerPath, HttpFault.Status(403));

        var act = async () => await reader.OpenReadAsync(LedgerPath);

        var error = (await act.Should().ThrowAsync<ArchiveException>()).Which;
        error.Should().NotBeOfType<ArchiveTransientException>().And.NotBeOfType<ArchiveFileNotFoundException>();
        error.Message.Should().Contain("403").And.Contain(LedgerPath);
        metrics.Failures(reader.Name, "error").Should().Be(1);
    }

    [Fact]
    public async Task Read_ConnectionResetMidBody_ThrowsTransient()
    {
        using var metrics = new ArchiveMetrics();
        using var reader = new HttpArchiveReader(_server.BaseUri);
        var path = BiggestBucket();
        _server.AddFault(path, HttpFault.Reset());

        var act = () => ReadAllAsync(reader, path);

        (await act.Should().ThrowAsync<ArchiveTransientException>()).Which.Path.Should().Be(path);
        metrics.Failures(reader.Name, "transient").Should().Be(1);
        metrics.Files(reader.Name).Should().Be(0);
    }

    [Fact]
    public async Task Read_TruncatedBodyWithFullContentLength_ThrowsTransient()
    {
        using var reader = new HttpArchiveReader(_server.BaseUri);
        var path = BiggestBucket();
        _server.AddFault(path, HttpFault.Truncated());

        var act = () => ReadAllAsync(reader, path);

        await act.Should().ThrowAsync<ArchiveTransientException>();
    }

    [Fact]
    public async Task Read_ShortBodyThatEndsCleanly_ThrowsAtTheEnd()
    {
        using var client = new HttpClient(new ShortBodyHandler(announced: 100, actual: 60));
        using var reader = new HttpArchiveReader(new Uri("http://archive.invalid/"), client);
        await using var stream = await reader.OpenReadAsync(LedgerPath);
        var buffer = new byte[200];

        (await stream.ReadAtLeastAsync(buffer, 60)).Should().Be(60);
        var act = async () => await stream.ReadAsync(buffer);

        (await act.Should().ThrowAsync<ArchiveTransientException>()).Which.Detail.Should().Contain("60 of 100");
    }

    [Fact]
    public async Task Read_CorruptedBody_IsDeliveredForTheVerifierToReject()
    {
        using var reader = new HttpArchiveReader(_server.BaseUri);
        _server.AddFault(LedgerPath, HttpFault.Corrupt());
        var expected = await File.ReadAllBytesAsync(Path.Combine(Fixtures.TestnetSmall, LedgerPath));

        var bytes = await ReadAllAsync(reader, LedgerPath);

        bytes.Should().HaveCount(expected.Length).And.NotEqual(expected);
    }

    [Fact]
    public async Task Read_BodyStalls_ThrowsTransientAfterTheStallTimeout()
    {
        var time = new FakeTimeProvider();
        using var reader = new HttpArchiveReader(_server.BaseUri, options: new HttpArchiveReaderOptions { StallTimeout = TimeSpan.FromSeconds(20), TimeProvider = time });
        var path = BiggestBucket();
        var length = (int)new FileInfo(Path.Combine(Fixtures.TestnetSmall, path)).Length;
        _server.AddFault(path, HttpFault.Stall());
        await using var stream = await reader.OpenReadAsync(path);
        var buffer = new byte[length];
        var got = await stream.ReadAtLeastAsync(buffer, length / 2);

        var read = stream.ReadAsync(buffer.AsMemory(got)).AsTask();
        time.Advance(TimeSpan.FromSeconds(19));
        await Task.Delay(50);
        read.IsCompleted.Should().BeFalse("19 s of silence is below the stall timeout");
        await AdvanceUntilDoneAsync(time, read, TimeSpan.FromSeconds(1));

        var error = (await read.Invoking(t => t).Should().ThrowAsync<ArchiveTransientException>()).Which;
        error.Detail.Should().Contain("stalled");
    }

    [Fact]
    public async Task OpenReadAsync_NoHeaders_ThrowsTransientAfterTheStallTimeout()
    {
        var time = new FakeTimeProvider();
        using var reader = new HttpArchiveReader(_server.BaseUri, options: new HttpArchiveReaderOptions { StallTimeout = TimeSpan.FromSeconds(20), TimeProvider = time });
        _server.AddFault(LedgerPath, HttpFault.StallHeaders());

        var open = reader.OpenReadAsync(LedgerPath).AsTask();
        await AdvanceUntilDoneAsync(time, open, TimeSpan.FromSeconds(5));

        (await open.Invoking(t => t).Should().ThrowAsync<ArchiveTransientException>()).Which.Detail.Should().Contain("no response");
    }

    [Fact]
    public async Task ExistsAsync_PresentAndMissing()
    {
        using var reader = new HttpArchiveReader(_server.BaseUri);

        (await reader.ExistsAsync(LedgerPath)).Should().BeTrue();
        (await reader.ExistsAsync(ArchivePaths.HistoryState(127 + (64 * 1000)))).Should().BeFalse();
    }

    [Theory]
    [InlineData("../secret")]
    [InlineData("/etc/passwd")]
    [InlineData("ledger/../../x")]
    [InlineData("")]
    public async Task OpenReadAsync_PathNotInsideTheArchive_Throws(string path)
    {
        using var reader = new HttpArchiveReader(_server.BaseUri);

        var act = async () => await reader.OpenReadAsync(path);

        await act.Should().ThrowAsync<ArgumentException>();
    }

    [Fact]
    public void Constructor_BaseWithoutSlash_GetsOne()
    {
        using var reader = new HttpArchiveReader(new Uri("https://history.stellar.org/prd/core-live/core_live_001"));
        reader.BaseUri.AbsoluteUri.Should().Be("https://history.stellar.org/prd/core-live/core_live_001/");
        reader.Name.Should().Be("history.stellar.org/core_live_001", "one host serves several archives");
        reader.Location.Should().Be(reader.BaseUri.AbsoluteUri);
    }

    [Theory]
    [InlineData("https://history.stellar.org/", "history.stellar.org")]
    [InlineData("https://history.stellar.org:443", "history.stellar.org")]
    [InlineData("http://127.0.0.1:8080/", "127.0.0.1:8080")]
    public void Name_RootOfAHost_IsTheHostAndAnyOtherPort(string baseUri, string expected)
    {
        using var reader = new HttpArchiveReader(new Uri(baseUri));

        reader.Name.Should().Be(expected);
        ((IArchiveReader)reader).Location.Should().StartWith(baseUri.TrimEnd('/').Replace(":443", "", StringComparison.Ordinal));
    }

    [Fact]
    public void Name_GivenInOptions_OverridesTheDefault()
    {
        using var reader = new HttpArchiveReader(new Uri("https://history.stellar.org/prd/core-live/core_live_001/"), options: new HttpArchiveReaderOptions { Name = "sdf-1" });

        reader.Name.Should().Be("sdf-1");
    }

    internal static async Task<byte[]> ReadAllAsync(IArchiveReader reader, string path)
    {
        await using var stream = await reader.OpenReadAsync(path);
        using var copy = new MemoryStream();
        await stream.CopyToAsync(copy);
        return copy.ToArray();
    }

    internal static string BiggestBucket() =>
        Path.GetRelativePath(Fixtures.TestnetSmall, new DirectoryInfo(Path.Combine(Fixtures.TestnetSmall, "bucket"))
            .EnumerateFiles("*.xdr.gz", SearchOption.AllDirectories).MaxBy(f => f.Length)!.FullName).Replace('\\', '/');

    private static async Task AdvanceUntilDoneAsync(FakeTimeProvider time, Task task, TimeSpan step)
    {
        for (var i = 0; i < 200 && !task.IsCompleted; i++)
        {
            time.Advance(step);
            await Task.WhenAny(task, Task.Delay(25));
        }

        task.IsCompleted.Should().BeTrue("advancing the fake clock must end the wait");
    }

    private sealed class ShortBodyHandler(int announced, int actual) : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var content = new StreamContent(new MemoryStream(new byte[actual]));
            content.Headers.ContentLength = announced;
            return Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK) { Content = content, RequestMessage = request });
        }
    }
}
