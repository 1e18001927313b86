using Microsoft.Extensions.Time.Testing;
using Stellar.HistoryWork.Telemetry;
using Stellar.HistoryWork.Tests.Support;
using Stellar.TestSupport;

namespace Stellar.HistoryWork.Tests.BadInput;

/// <summary>
/// Issue 10 rows 2, 3 and 14 on the HTTP reader: what a hostile server answers ends as a typed
/// <see cref="ArchiveException"/>, never another exception and never a hang; a request never leaves the
/// archive's host unless allowed; a trickling body fails as retryable.
/// </summary>
public class HostileServerTests
{
    private static readonly string LedgerPath = ArchivePaths.CheckpointFile(HistoryFileKind.Ledger, 63);

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task OpenReadAsync_RedirectToAFileUri_ThrowsArchiveException(bool injectedClient)
    {
        await using var server = new HostileHttpServer(async (_, stream, ct) =>
        {
            await HostileHttpServer.WriteHeadAsync(stream, "HTTP/1.1 302 Found", ct, "Location: file:///etc/passwd", "Content-Length: 0");
            return true;
        });
        using var client = injectedClient ? new HttpClient() : null; // the default handler follows redirects itself
        using var reader = new HttpArchiveReader(server.BaseUri, client);

        var act = async () => await reader.OpenReadAsync(LedgerPath);

        (await act.Should().ThrowAsync<ArchiveException>()).Which.Path.Should().Be(LedgerPath);
    }

    [Fact]
    public async Task OpenReadAsync_RedirectLoop_ThrowsArchiveExceptionAfterTheLimit()
    {
        await using var server = new HostileHttpServer(async (path, stream, ct) =>
        {
            await HostileHttpServer.WriteHeadAsync(stream, "HTTP/1.1 302 Found", ct, $"Location: /{path}", "Content-Length: 0");
            return true;
        });
        using var reader = new HttpArchiveReader(server.BaseUri);

        var act = async () => await reader.OpenReadAsync(LedgerPath);

        (await act.Should().ThrowAsync<ArchiveException>()).WithMessage("*more than 5 times*");
        server.Requests.Should().Be(HttpArchiveReader.MaxRedirects + 1);
    }

    [Fact]
    public async Task OpenReadAsync_RedirectToAnotherHost_IsRefusedUnlessAllowed()
    {
        await using var other = await ArchiveHttpServer.StartAsync(Fixtures.TestnetSmall);
        await using var server = new HostileHttpServer(async (path, stream, ct) =>
        {
            await HostileHttpServer.WriteHeadAsync(stream, "HTTP/1.1 301 Moved Permanently", ct, $"Location: {new Uri(other.BaseUri, path)}", "Content-Length: 0");
            return true;
        });
        using var strict = new HttpArchiveReader(server.BaseUri);
        using var lenient = new HttpArchiveReader(server.BaseUri, options: new HttpArchiveReaderOptions { AllowCrossHostRedirects = true });

        var act = async () => await strict.OpenReadAsync(LedgerPath);

        (await act.Should().ThrowAsync<ArchiveException>()).WithMessage("*another host*");
        other.RequestCount(LedgerPath).Should().Be(0, "no request leaves the archive's host");
        await using var body = await lenient.OpenReadAsync(LedgerPath);
        var copy = new MemoryStream();
        await body.CopyToAsync(copy);
        copy.ToArray().Should().Equal(File.ReadAllBytes(Path.Combine(Fixtures.TestnetSmall, LedgerPath)));
    }

    [Fact]
    public async Task OpenReadAsync_RedirectOnTheSameHost_IsFollowed()
    {
        var bytes = File.ReadAllBytes(Path.Combine(Fixtures.TestnetSmall, LedgerPath));
        await using var server = new HostileHttpServer(async (path, stream, ct) =>
        {
            if (path.StartsWith("moved/", StringComparison.Ordinal))
            {
                await HostileHttpServer.WriteOkAsync(stream, bytes, ct);
            }
            else
            {
                await HostileHttpServer.WriteHeadAsync(stream, "HTTP/1.1 307 Temporary Redirect", ct, $"Location: /moved/{path}", "Content-Length: 0");
            }

            return true;
        });
        using var reader = new HttpArchiveReader(server.BaseUri);

        await using var body = await reader.OpenReadAsync(LedgerPath);
        var copy = new MemoryStream();
        await body.CopyToAsync(copy);

        copy.ToArray().Should().Equal(bytes);
    }

    [Fact]
    public async Task ArchiveBody_OneByteEveryTwentySeconds_FailsAsTransientOnceTheWindowIsOver()
    {
        SynchronizationContext.SetSynchronizationContext(null);
        var time = new FakeTimeProvider();
        await using var body = Body(new TrickleStream(time, TimeSpan.FromSeconds(20), 1), time);
        var buffer = new byte[1024];

        var act = async () =>
        {
            while (await body.ReadAsync(buffer) > 0)
            {
            }
        };

        (await act.Should().ThrowAsync<ArchiveTransientException>()).WithMessage("*too slow: 3 bytes in 60 s*");
    }

    [Fact]
    public async Task ArchiveBody_SlowConsumerOfAFastServer_IsNotBlamedOnTheServer()
    {
        SynchronizationContext.SetSynchronizationContext(null);
        var time = new FakeTimeProvider();
        await using var body = Body(new TrickleStream(time, TimeSpan.Zero, 4096, total: 40 * 4096), time);
        var buffer = new byte[4096];

        while (await body.ReadAsync(buffer) > 0)
        {
            time.Advance(TimeSpan.FromMinutes(5)); // the consumer (a throttle, a busy disk) takes its time
        }

        body.Position.Should().Be(40 * 4096);
    }

    private static ArchiveBodyStream Body(Stream inner, TimeProvider time) =>
        new(inner, null, null, TimeSpan.FromSeconds(30), time, "hostile", LedgerPath, HistoryWorkTelemetry.For(null).Archive)
        {
            MinimumRate = new HttpArchiveReaderOptions().MinimumBytesPerSecond,
            MinimumRateWindow = new HttpArchiveReaderOptions().MinimumRateWindow,
        };

    /// <summary>Each read waits <c>delay</c> (on the fake clock) and then delivers <c>chunk</c> bytes.</summary>
    private sealed class TrickleStream(FakeTimeProvider time, TimeSpan delay, int chunk, long total = long.MaxValue) : Stream
    {
        private long _sent;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => _sent;
            set => throw new NotSupportedException();
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            time.Advance(delay);
            var n = (int)Math.Min(Math.Min(chunk, buffer.Length), total - _sent);
            buffer.Span[..n].Fill(0x42);
            _sent += n;
            return ValueTask.FromResult(n);
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
