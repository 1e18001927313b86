using Microsoft.Extensions.Time.Testing;
using Stellar.HistoryWork.Tests.Support;
using Stellar.TestSupport;

namespace Stellar.HistoryWork.Tests.Archive.Reading;

// The readers are disposed in DisposeAsync (xunit's IAsyncLifetime), which CA1001 does not see.
#pragma warning disable CA1001
public sealed class ArchivePoolTests : IAsyncLifetime
#pragma warning restore CA1001
{
    private static readonly string LedgerPath = ArchivePaths.CheckpointFile(HistoryFileKind.Ledger, 10047);
    private readonly FakeTimeProvider _time = new();
    private ArchiveHttpServer _serverA = null!;
    private ArchiveHttpServer _serverB = null!;
    private HttpArchiveReader _a = null!;
    private HttpArchiveReader _b = null!;

    public async Task InitializeAsync()
    {
        _serverA = await ArchiveHttpServer.StartAsync(Fixtures.TestnetSmall);
        _serverB = await ArchiveHttpServer.StartAsync(Fixtures.TestnetSmall);
        _a = new HttpArchiveReader(_serverA.BaseUri, options: new HttpArchiveReaderOptions { Name = "A-" + _serverA.BaseUri.Port });
        _b = new HttpArchiveReader(_serverB.BaseUri, options: new HttpArchiveReaderOptions { Name = "B-" + _serverB.BaseUri.Port });
    }

    public async Task DisposeAsync()
    {
        _a.Dispose();
        _b.Dispose();
        await _serverA.DisposeAsync();
        await _serverB.DisposeAsync();
    }

    [Fact]
    public async Task OpenReadAsync_ServerErrorsOnOneArchive_FailsOverAndReportsThem()
    {
        using var metrics = new ArchiveMetrics();
        _serverA.AddFault(LedgerPath, HttpFault.Status(503, times: int.MaxValue));
        _serverB.AddFault(LedgerPath, HttpFault.Status(500, times: 1));
        // Each failure at its own instant, so that once both have failed the one that failed first is tried
        // next (equal instants made it a coin toss, and A could be drawn until the attempts ran out).
        _time.AutoAdvanceAmount = TimeSpan.FromMilliseconds(1);
        // No backoff: once both archives have failed, the test clock would otherwise have to move.
        var pool = new ArchivePool([_a, _b], new ArchivePoolOptions { TimeProvider = _time, Delay = TimeSpan.Zero, MaxDelay = TimeSpan.Zero });

        var bytes = await HttpArchiveReaderTests.ReadAllAsync(pool, LedgerPath);

        bytes.Should().Equal(await File.ReadAllBytesAsync(Path.Combine(Fixtures.TestnetSmall, LedgerPath)));
        _serverA.RequestCount(LedgerPath).Should().BeGreaterThanOrEqualTo(1);
        _serverB.RequestCount(LedgerPath).Should().Be(2, "B failed once, then served the file");
        metrics.Failures(_a.Name, "transient").Should().Be(_serverA.RequestCount(LedgerPath));
        metrics.Failures(_b.Name, "transient").Should().Be(1);
        metrics.Files(_b.Name).Should().Be(1);
        metrics.Files(_a.Name).Should().Be(0);
        var attempts = _serverA.RequestCount(LedgerPath) + _serverB.RequestCount(LedgerPath);
        pool.Retries.Should().Be(attempts - 1, "every attempt after the first is a retry");
        (metrics.Retries(_a.Name) + metrics.Retries(_b.Name)).Should().Be(attempts - 1);
        metrics.Retries(_b.Name).Should().Be(1, "B's one failure caused one retry");
        pool.AvoidedArchives().Should().Equal([_a], "A failed last; B served the file");
    }

    [Fact]
    public async Task OpenReadAsync_UnhealthyArchive_IsAvoidedUntilItsPenaltyEnds()
    {
        _serverA.AddFault(LedgerPath, HttpFault.Status(503, int.MaxValue));
        var pool = Pool(_a, _b);
        // The first pick among healthy archives is random: read until A has been asked (and failed) once.
        for (var i = 0; i < 64 && _serverA.RequestCount(LedgerPath) == 0; i++)
        {
            await HttpArchiveReaderTests.ReadAllAsync(pool, LedgerPath);
        }

        _serverA.RequestCount(LedgerPath).Should().Be(1);
        pool.IsHealthy(_a).Should().BeFalse();
        pool.IsHealthy(_b).Should().BeTrue();

        var other = ArchivePaths.CheckpointFile(HistoryFileKind.Results, 10047);
        for (var i = 0; i < 10; i++)
        {
            await HttpArchiveReaderTests.ReadAllAsync(pool, other);
        }

        _serverA.RequestCount(other).Should().Be(0, "an unhealthy archive is avoided while a healthy one is left");
        _serverB.RequestCount(other).Should().Be(10);

        _time.Advance(TimeSpan.FromSeconds(31));
        pool.IsHealthy(_a).Should().BeTrue();
        for (var i = 0; i < 64 && _serverA.RequestCount(other) == 0; i++)
        {
            await HttpArchiveReaderTests.ReadAllAsync(pool, other);
        }

        _serverA.RequestCount(other).Should().Be(1, "a recovered archive is used again");
    }

    [Fact]
    public async Task OpenReadAsync_AllArchivesFailing_BacksOffOnTheClock()
    {
        _serverA.AddFault(LedgerPath, HttpFault.Status(503, times: 1));
        _serverB.AddFault(LedgerPath, HttpFault.Status(503, times: 1));
        var pool = Pool(_a, _b);

        var open = pool.OpenReadAsync(LedgerPath).AsTask();
        for (var i = 0; i < 200 && _serverA.RequestCount(LedgerPath) + _serverB.RequestCount(LedgerPath) < 2; i++)
        {
            await Task.Delay(10);
        }

        await Task.Delay(50);
        open.IsCompleted.Should().BeFalse("with every archive failing, the third attempt waits for the backoff");
        for (var i = 0; i < 100 && !open.IsCompleted; i++)
        {
            _time.Advance(TimeSpan.FromSeconds(1));
            await Task.WhenAny(open, Task.Delay(20));
        }

        await using var stream = await open;
        (_serverA.RequestCount(LedgerPath) + _serverB.RequestCount(LedgerPath)).Should().Be(3);
    }

    [Fact]
    public async Task OpenReadAsync_MissingOnOneArchive_FetchedFromTheOther()
    {
        using var empty = new TempDirectory();
        var missing = new LocalArchiveReader(empty.Path, "empty-" + Guid.NewGuid());
        var real = new LocalArchiveReader(Fixtures.TestnetSmall, "real-" + Guid.NewGuid());
        var pool = Pool(missing, real);

        for (var i = 0; i < 10; i++)
        {
            (await HttpArchiveReaderTests.ReadAllAsync(pool, LedgerPath)).Should().NotBeEmpty();
        }

        pool.IsHealthy(missing).Should().BeTrue("a missing file says nothing about the archive's health");
    }

    [Fact]
    public async Task OpenReadAsync_MissingOnAll_ThrowsNotFoundAfterAskingEachOnce()
    {
        var pool = Pool(_a, _b);
        var path = ArchivePaths.CheckpointFile(HistoryFileKind.Ledger, 10047 + 64);

        var act = async () => await pool.OpenReadAsync(path);

        var error = (await act.Should().ThrowAsync<ArchiveFileNotFoundException>()).Which;
        error.Detail.Should().Contain("missing on all 2 archives");
        error.Path.Should().Be(path);
        _serverA.RequestCount(path).Should().Be(1);
        _serverB.RequestCount(path).Should().Be(1);
    }

    [Fact]
    public async Task OpenReadAsync_ForbiddenOnOne_ServedByTheOther()
    {
        _serverA.AddFault(LedgerPath, HttpFault.Status(403, int.MaxValue));
        var pool = Pool(_a, _b);

        for (var i = 0; i < 10; i++)
        {
            (await HttpArchiveReaderTests.ReadAllAsync(pool, LedgerPath)).Should().NotBeEmpty();
        }

        _serverB.RequestCount(LedgerPath).Should().Be(10);
    }

    [Fact]
    public async Task OpenReadAsync_RefusedByAllNotAllMissing_ThrowsArchiveException()
    {
        _serverA.AddFault(LedgerPath, HttpFault.Status(403, int.MaxValue));
        _serverB.AddFault(LedgerPath, HttpFault.NotFound());
        var pool = Pool(_a, _b);

        var act = async () => await pool.OpenReadAsync(LedgerPath);

        var error = (await act.Should().ThrowAsync<ArchiveException>()).Which;
        error.Should().NotBeOfType<ArchiveFileNotFoundException>().And.NotBeOfType<ArchiveTransientException>();
        error.Detail.Should().Contain("403");
        (_serverA.RequestCount(LedgerPath) + _serverB.RequestCount(LedgerPath)).Should().Be(2);
    }

    [Fact]
    public async Task OpenReadAsync_MidStreamReset_CallerReopensFromTheOtherArchive()
    {
        var path = HttpArchiveReaderTests.BiggestBucket();
        var expected = await File.ReadAllBytesAsync(Path.Combine(Fixtures.TestnetSmall, path));
        _serverA.AddFault(path, HttpFault.Reset(int.MaxValue));
        var pool = Pool(_a, _b);
        ArchiveTransientException? midStream = null;
        for (var i = 0; i < 64 && _serverA.RequestCount(path) == 0; i++)
        {
            try
            {
                (await HttpArchiveReaderTests.ReadAllAsync(pool, path)).Should().Equal(expected);
            }
            catch (ArchiveTransientException e)
            {
                midStream = e;
            }
        }

        midStream.Should().NotBeNull("opening succeeded and the reset surfaced while reading");
        midStream!.ArchiveName.Should().Be(_a.Name);
        pool.IsHealthy(_a).Should().BeFalse("a failure while reading marks the archive unhealthy");
        var servedByB = _serverB.RequestCount(path);

        for (var i = 0; i < 5; i++)
        {
            (await HttpArchiveReaderTests.ReadAllAsync(pool, path)).Should().Equal(expected);
        }

        _serverA.RequestCount(path).Should().Be(1);
        _serverB.RequestCount(path).Should().Be(servedByB + 5, "reopening goes to the healthy archive");
    }

    [Fact]
    public async Task OpenReadAsync_SingleArchiveTooManyRequests_WaitsForRetryAfter()
    {
        _serverA.AddFault(LedgerPath, HttpFault.Status(429, retryAfter: TimeSpan.FromSeconds(20)));
        var pool = Pool(_a);

        var open = pool.OpenReadAsync(LedgerPath).AsTask();
        for (var i = 0; i < 200 && _serverA.RequestCount(LedgerPath) < 1; i++)
        {
            await Task.Delay(10);
        }

        await Task.Delay(50);
        _time.Advance(TimeSpan.FromSeconds(19));
        await Task.Delay(50);
        _serverA.RequestCount(LedgerPath).Should().Be(1, "the retry waits for Retry-After");
        for (var i = 0; i < 100 && !open.IsCompleted; i++)
        {
            _time.Advance(TimeSpan.FromSeconds(1));
            await Task.WhenAny(open, Task.Delay(20));
        }

        await using var stream = await open;
        _serverA.RequestCount(LedgerPath).Should().Be(2);
    }

    [Theory]
    [InlineData(3_000_000)]
    [InlineData(2_000_000_000)]
    public async Task OpenReadAsync_HugeRetryAfter_WaitsNoLongerThanMaxDelay(int retryAfterSeconds)
    {
        // Issue 10 row 5: 3,000,000 s parked a catchup for 35 days; 2,000,000,000 s crashed it.
        _serverA.AddFault(LedgerPath, HttpFault.Status(503, retryAfter: TimeSpan.FromSeconds(retryAfterSeconds)));
        var pool = new ArchivePool([_a], new ArchivePoolOptions { TimeProvider = _time, MaxDelay = TimeSpan.FromSeconds(30) });

        var open = pool.OpenReadAsync(LedgerPath).AsTask();
        for (var i = 0; i < 200 && _serverA.RequestCount(LedgerPath) < 1; i++)
        {
            await Task.Delay(10);
        }

        for (var i = 0; i < 31 && !open.IsCompleted; i++)
        {
            await Task.Delay(20);
            _time.Advance(TimeSpan.FromSeconds(1));
        }

        await Task.WhenAny(open, Task.Delay(TimeSpan.FromSeconds(5)));
        open.IsCompleted.Should().BeTrue("the hint is capped at MaxDelay (30 s)");
        await using var stream = await open;
        _serverA.RequestCount(LedgerPath).Should().Be(2);
    }

    [Fact]
    public async Task OpenReadAsync_OverloadedArchive_HalvesItsConcurrencyLimit()
    {
        _serverA.AddFault(LedgerPath, HttpFault.Status(503, times: 1));
        var pool = new ArchivePool([_a], new ArchivePoolOptions { TimeProvider = _time, MaxConcurrency = 8, Delay = TimeSpan.Zero, MaxDelay = TimeSpan.Zero });

        await using (await pool.OpenReadAsync(LedgerPath))
        {
        }

        pool.ConcurrencyLimit(_a).Should().Be(AdaptiveConcurrencyLimit.StartLimit / 2, "a 503 is an overload signal");
        _serverA.RequestCount(LedgerPath).Should().Be(2);
    }

    [Fact]
    public async Task OpenReadAsync_FixedConcurrency_KeepsItsLimitUnderOverload()
    {
        _serverA.AddFault(LedgerPath, HttpFault.Status(503, times: 1));
        var pool = new ArchivePool([_a], new ArchivePoolOptions { TimeProvider = _time, MaxConcurrency = 8, AdaptiveConcurrency = false, Delay = TimeSpan.Zero, MaxDelay = TimeSpan.Zero });

        await using (await pool.OpenReadAsync(LedgerPath))
        {
        }

        pool.ConcurrencyLimit(_a).Should().Be(8);
    }

    [Fact]
    public async Task OpenReadAsync_AttemptsRunOut_ThrowsTheLastTransientFailure()
    {
        _serverA.AddFault(LedgerPath, HttpFault.Status(503, int.MaxValue));
        var pool = new ArchivePool([_a], new ArchivePoolOptions { TimeProvider = _time, MaxAttempts = 3, Delay = TimeSpan.Zero, MaxDelay = TimeSpan.Zero });

        var act = async () => await pool.OpenReadAsync(LedgerPath);

        (await act.Should().ThrowAsync<ArchiveTransientException>()).Which.StatusCode.Should().Be(503);
        _serverA.RequestCount(LedgerPath).Should().Be(3);
    }

    [Fact]
    public async Task ExistsAsync_AnyArchiveHasIt()
    {
        using var empty = new TempDirectory();
        var pool = Pool(new LocalArchiveReader(empty.Path), new LocalArchiveReader(Fixtures.TestnetSmall));

        (await pool.ExistsAsync(LedgerPath)).Should().BeTrue();
        (await pool.ExistsAsync(ArchivePaths.HistoryState(10047 + 64))).Should().BeFalse();
    }

    [Fact]
    public void Constructor_NoArchives_Throws()
    {
        var act = () => new ArchivePool([]);
        act.Should().Throw<ArgumentException>();
    }

    private ArchivePool Pool(params IArchiveReader[] archives) => new(archives, new ArchivePoolOptions { TimeProvider = _time });
}
