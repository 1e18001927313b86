using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Stellar.HistoryWork.Scheduling;
using Stellar.HistoryWork.Tests.Support;
using Stellar.HistoryWork.Verification;
using Stellar.TestSupport;

namespace Stellar.HistoryWork.Hosting.Tests;

/// <summary>
/// The hosted path (configuration → IHttpClientFactory → readers, pool, options from DI) passes the checks the direct
/// path passes, on the bundled testnet archive served on loopback, and refuses the same hostile answers.
/// </summary>
public class HostedArchivePathTests
{
    private const uint Newest = 10047;
    private const string LedgerPath = "ledger/00/00/27/ledger-0000273f.xdr.gz";

    [Fact]
    public async Task Verify_HostedAndDirectReaders_ReportTheSame()
    {
        await using var server = await ArchiveHttpServer.StartAsync(Fixtures.TestnetSmall);
        using var host = HostedArchives.Build(HostedArchives.Archives(("sdf1", server.BaseUri.AbsoluteUri)));
        var hosted = host.Services.GetRequiredService<HistoryArchives>().Get("sdf1");
        using var direct = new HttpArchiveReader(server.BaseUri);
        var options = new ArchiveVerifierOptions { FromLedger = 9000, ToLedger = Newest, NetworkPassphrase = HostedArchives.Testnet };

        var viaHost = await new ArchiveVerifier(hosted, options).VerifyAsync();
        var viaLibrary = await new ArchiveVerifier(direct, options).VerifyAsync();

        viaHost.Problems.Should().BeEmpty();
        viaHost.Ok.Should().BeTrue();
        (viaHost.Checkpoints, viaHost.Files, viaHost.Bytes).Should().Be((viaLibrary.Checkpoints, viaLibrary.Files, viaLibrary.Bytes));
        viaHost.Checkpoints.Should().Be(17);
    }

    [Fact]
    public async Task Catchup_HostedPoolAndOptions_VerifiesTrustedAndReportsThroughTheHostsMeters()
    {
        await using var server = await ArchiveHttpServer.StartAsync(Fixtures.TestnetSmall);
        using var host = HostedArchives.Build(HostedArchives.Archives(("sdf1", server.BaseUri.AbsoluteUri), ("local", Fixtures.TestnetSmall)));
        var archives = host.Services.GetRequiredService<HistoryArchives>();
        using var bytes = new MetricCollector<long>(archives.MeterFactory, HistoryWorkInfo.TelemetryName, "history.archive.bytes");
        using var work = new TempDirectory();
        var options = archives.CreateWorkOptions();
        options.WorkDirectory = work.Path;
        options.TrustedHash = new TrustedLedgerHash(Newest, NewestHeaderHash());

        using var state = new SharedHistoryState();
        var builder = new HistoryWorkBuilder(archives.Pool, archives.Checkpoints.RangeCovering(9900, Newest), state, options);
        await using var scheduler = new WorkScheduler(archives.CreateSchedulerOptions());
        builder.Register(scheduler);
        var result = await scheduler.RunToCompletionAsync();

        result.Succeeded.Should().BeTrue(result.ToString());
        var data = await state.BuildCheckpointDataAsync();
        data.IsTrusted.Should().BeTrue();
        data.Headers[^1].Hash.Should().Equal(options.TrustedHash.Hash);
        bytes.GetMeasurementSnapshot().Should().NotBeEmpty("the library's meter is created by the host's IMeterFactory");
    }

    [Fact]
    public async Task OpenReadAsync_HostileRedirectToAnotherHost_IsRefusedUnlessConfigured()
    {
        await using var other = await ArchiveHttpServer.StartAsync(Fixtures.TestnetSmall);
        await using var hostile = new HostileHttpServer(async (path, stream, ct) =>
        {
            await HostileHttpServer.WriteHeadAsync(stream, "HTTP/1.1 302 Found", ct, $"Location: {new Uri(other.BaseUri, path)}", "Content-Length: 0");
            return true;
        });
        using var strict = HostedArchives.Build(HostedArchives.Archives(("hostile", hostile.BaseUri.AbsoluteUri)));
        var lenientSettings = HostedArchives.Archives(("hostile", hostile.BaseUri.AbsoluteUri));
        lenientSettings["HistoryArchives:Http:AllowCrossHostRedirects"] = "true";
        using var lenient = HostedArchives.Build(lenientSettings);

        var act = async () => await strict.Services.GetRequiredService<HistoryArchives>().Get("hostile").OpenReadAsync(LedgerPath);

        (await act.Should().ThrowAsync<ArchiveException>()).WithMessage("*another host*");
        other.RequestCount(LedgerPath).Should().Be(0, "no request leaves the archive's host");
        await using var body = await lenient.Services.GetRequiredService<HistoryArchives>().Get("hostile").OpenReadAsync(LedgerPath);
        using var copy = new MemoryStream();
        await body.CopyToAsync(copy);
        copy.ToArray().Should().Equal(File.ReadAllBytes(Path.Combine(Fixtures.TestnetSmall, LedgerPath)));
    }

    [Fact]
    public async Task HealthCheck_OneArchiveDown_DegradedWithEachArchivesNewestCheckpointOrError()
    {
        await using var server = await ArchiveHttpServer.StartAsync(Fixtures.TestnetSmall);
        using var host = HostedArchives.Build(HostedArchives.Archives(("up", server.BaseUri.AbsoluteUri), ("down", $"http://127.0.0.1:{ClosedPort()}/"), ("disk", Fixtures.TestnetSmall)));
        var health = host.Services.GetRequiredService<HealthCheckService>();

        var report = await health.CheckHealthAsync();

        var entry = report.Entries["stellar-history-archives"];
        entry.Status.Should().Be(HealthStatus.Degraded);
        entry.Description.Should().Be($"2 of 3 archives reachable, newest checkpoint {Newest}");
        entry.Data["up"].Should().Be(Newest);
        entry.Data["disk"].Should().Be(Newest);
        entry.Data["down"].Should().BeOfType<string>().Which.Should().Contain("down");
    }

    [Fact]
    public async Task HealthCheck_EveryArchiveUp_Healthy()
    {
        using var host = HostedArchives.Build(HostedArchives.Archives(("disk", Fixtures.TestnetSmall)));

        var report = await host.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync();

        report.Status.Should().Be(HealthStatus.Healthy);
        report.Entries["stellar-history-archives"].Data["disk"].Should().Be(Newest);
    }

    private static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static byte[] NewestHeaderHash()
    {
        var file = Path.Combine(Fixtures.TestnetSmall, ArchivePaths.CheckpointFile(HistoryFileKind.Ledger, Newest));
        using var records = Stellar.Xdr.XdrRecordReader.OpenGzip(File.OpenRead(file));
        Stellar.Xdr.LedgerHeaderHistoryEntry? last = null;
        while (records.ReadNext())
        {
            last = records.DecodeCurrent<Stellar.Xdr.LedgerHeaderHistoryEntry>();
        }

        return last!.Hash;
    }
}
