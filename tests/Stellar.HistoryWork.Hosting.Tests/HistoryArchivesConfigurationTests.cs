using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Stellar.TestSupport;

namespace Stellar.HistoryWork.Hosting.Tests;

/// <summary>Named archives from configuration, as stellar-core's <c>[HISTORY.name] get=…</c> lists them, checked at start.</summary>
public class HistoryArchivesConfigurationTests
{
    [Fact]
    public void AddStellarHistoryArchives_NamedLocationsAndTemplates_MakeAReaderEach()
    {
        using var host = HostedArchives.Build(HostedArchives.Archives(
            ("sdf1", "https://history.example.org/prd/core-testnet/core_testnet_001/"),
            ("sdf2", "curl -sf https://history.example.org/prd/core-testnet/core_testnet_002/{0} -o {1}"),
            ("local", Fixtures.TestnetSmall),
            ("copy", $"cp {Fixtures.TestnetSmall}/{{0}} {{1}}")));

        var archives = host.Services.GetRequiredService<HistoryArchives>();

        archives.Names.Should().BeEquivalentTo(["sdf1", "sdf2", "local", "copy"]);
        archives.Get("SDF1").Should().BeOfType<HttpArchiveReader>().Which.BaseUri.AbsoluteUri.Should().Be("https://history.example.org/prd/core-testnet/core_testnet_001/");
        archives.Get("sdf2").Should().BeOfType<HttpArchiveReader>().Which.BaseUri.AbsoluteUri.Should().Be("https://history.example.org/prd/core-testnet/core_testnet_002/");
        archives.Get("sdf1").Name.Should().Be("sdf1", "the configured name tags logs and metrics");
        archives.Get("local").Should().BeOfType<LocalArchiveReader>();
        archives.Get("copy").Should().BeOfType<LocalArchiveReader>();
        archives.Pool.Archives.Should().HaveCount(4);
        archives.CreateWorkOptions().NetworkPassphrase.Should().Be(HostedArchives.Testnet);
        var missing = () => archives.Get("nope");
        missing.Should().Throw<KeyNotFoundException>().WithMessage("*nope*sdf1*");
    }

    [Fact]
    public async Task StartAsync_NoArchive_FailsValidationNamingTheSetting()
    {
        using var host = HostedArchives.Build(new Dictionary<string, string?> { ["HistoryArchives:NetworkPassphrase"] = HostedArchives.Testnet });

        var start = () => host.StartAsync();

        (await start.Should().ThrowAsync<OptionsValidationException>()).WithMessage("*no archive is configured (Archives:NAME:Get)*");
    }

    [Theory]
    [InlineData("s3://bucket/history", "*Archives:bad*no reader is registered for s3://*")]
    [InlineData("ftp://host/history", "*Archives:bad*no reader is registered for ftp://*")]
    [InlineData("curl -sf https://host/history/ -o {1}", "*Archives:bad*no argument ends with {0}*")]
    [InlineData(" ", "*Archives:bad*'Get' is empty*")]
    [InlineData("file:relative/path", "*Archives:bad*not a file:///absolute/path URI*")]
    public async Task StartAsync_BadLocation_FailsValidationNamingTheArchive(string get, string message)
    {
        using var host = HostedArchives.Build(HostedArchives.Archives(("good", Fixtures.TestnetSmall), ("bad", get)));

        var start = () => host.StartAsync();

        (await start.Should().ThrowAsync<OptionsValidationException>()).WithMessage(message);
    }

    [Fact]
    public async Task StartAsync_BadHttpSetting_FailsValidation()
    {
        var settings = HostedArchives.Archives(("good", Fixtures.TestnetSmall));
        settings["HistoryArchives:Http:StallTimeout"] = "-00:00:01";
        using var host = HostedArchives.Build(settings);

        var start = () => host.StartAsync();

        (await start.Should().ThrowAsync<OptionsValidationException>()).WithMessage("*HistoryArchives:Http:*StallTimeout*");
    }

    [Fact]
    public void AddScheme_ApplicationReader_ReadsThatScheme()
    {
        using var host = HostedArchives.Build(
            HostedArchives.Archives(("objects", "mem://bucket/history")),
            archives => archives.AddScheme("mem", (_, name, location) => new LocalArchiveReader(Fixtures.TestnetSmall)));

        host.Services.GetRequiredService<HistoryArchives>().Get("objects").Should().BeOfType<LocalArchiveReader>();
    }

    [Fact]
    public void AddStellarHistoryArchives_ActionOverload_ConfiguresInCode()
    {
        var services = new ServiceCollection();
        services.AddStellarHistoryArchives(options =>
        {
            options.Archives["local"] = new HistoryArchiveOptions { Get = Fixtures.TestnetSmall };
            options.CheckpointFrequency = 8;
        });
        using var provider = services.BuildServiceProvider();

        var archives = provider.GetRequiredService<HistoryArchives>();

        archives.Names.Should().Equal("local");
        archives.Checkpoints.Frequency.Should().Be(8);
    }

    [Fact]
    public void HttpClient_PrimaryHandler_IsTheLibrarysOwn()
    {
        var settings = HostedArchives.Archives(("sdf1", "https://history.example.org/"));
        settings["HistoryArchives:Http:ConnectTimeout"] = "00:00:07";
        using var host = HostedArchives.Build(settings);

        using var handler = host.Services.GetRequiredService<IHttpMessageHandlerFactory>().CreateHandler(HistoryArchives.HttpClientName);
        HttpMessageHandler primary = handler;
        while (primary is DelegatingHandler delegating)
        {
            primary = delegating.InnerHandler!;
        }

        var sockets = primary.Should().BeOfType<SocketsHttpHandler>().Subject;
        sockets.AllowAutoRedirect.Should().BeFalse("the reader follows redirects itself, to its own host only");
        sockets.AutomaticDecompression.Should().Be(DecompressionMethods.None, "archives serve .gz files as bytes");
        sockets.ConnectTimeout.Should().Be(TimeSpan.FromSeconds(7));
        sockets.PooledConnectionLifetime.Should().Be(HttpArchiveReader.CreateHandler().PooledConnectionLifetime);
        host.Services.GetRequiredService<IHttpClientFactory>().CreateClient(HistoryArchives.HttpClientName).Timeout
            .Should().Be(Timeout.InfiniteTimeSpan, "stalls are timed by the reader; a large bucket outlasts any fixed timeout");
    }

    [Fact]
    public void HttpOptions_Unset_AreTheLibrarysDefaults()
    {
        var hosted = new HistoryArchiveHttpOptions().ToReaderOptions();
        var library = new HttpArchiveReaderOptions();

        hosted.StallTimeout.Should().Be(library.StallTimeout);
        hosted.ConnectTimeout.Should().Be(library.ConnectTimeout);
        hosted.MinimumBytesPerSecond.Should().Be(library.MinimumBytesPerSecond);
        hosted.MinimumRateWindow.Should().Be(library.MinimumRateWindow);
        hosted.AllowCrossHostRedirects.Should().Be(library.AllowCrossHostRedirects);
    }
}
