using System.Text.Json;
using Stellar.HistoryWork.Cli.Archives;
using Stellar.HistoryWork.Cli.Tests.Support;
using Stellar.TestSupport;

namespace Stellar.HistoryWork.Cli.Tests.Archives;

public class NetworkPresetTests
{
    [Fact]
    public async Task Status_NetworkTestnetWithArchive_ChecksTheTestnetPassphrase()
    {
        var run = await CliRun.RunAsync("status", "--network", "testnet", "--archive", Fixtures.TestnetSmall);

        run.ExitCode.Should().Be(0, run.ToString());
    }

    [Fact]
    public async Task Status_NetworkPubnetOnTestnetArchive_PassphraseMismatch()
    {
        var run = await CliRun.RunAsync("status", "--network", "pubnet", "--archive", Fixtures.TestnetSmall, "--json", "-");

        run.ExitCode.Should().Be(1, run.ToString());
        using var json = JsonDocument.Parse(run.Output);
        json.RootElement.GetProperty("problems")[0].GetProperty("kind").GetString().Should().Be("passphrase-mismatch");
    }

    [Theory]
    [InlineData("verify")]
    [InlineData("status")]
    public async Task Run_NeitherArchiveNorNetwork_UsageErrorNamingBoth(string verb)
    {
        var run = await CliRun.RunAsync(verb);

        run.ExitCode.Should().Be(2, run.ToString());
        run.Error.Should().Contain("--archive").And.Contain("--network");
    }

    [Fact]
    public async Task Verify_UnknownNetwork_UsageErrorListingTheKnownOnes()
    {
        var run = await CliRun.RunAsync("verify", "--network", "moon");

        run.ExitCode.Should().Be(2, run.ToString());
        run.Error.Should().Contain("--network: 'moon' is not one of pubnet, testnet, futurenet");
    }

    [Fact]
    public void ChooseArchives_NetworkOnly_SdfArchivesOfThatNetwork()
    {
        NetworkPreset.ChooseArchives(null, NetworkPreset.Testnet).Should().OnlyContain(a => a.StartsWith("https://history.stellar.org/prd/core-testnet/", StringComparison.Ordinal));
        NetworkPreset.ChooseArchives(["/srv/history"], NetworkPreset.Testnet).Should().Equal("/srv/history");
    }

    [Fact]
    public void ChoosePassphrase_ContradictingPassphrase_UsageError()
    {
        var choose = () => NetworkPreset.ChoosePassphrase("Test SDF Network ; September 2015", NetworkPreset.Pubnet);

        choose.Should().Throw<UsageException>().WithMessage("*contradicts --network pubnet*");
        NetworkPreset.ChoosePassphrase(null, NetworkPreset.Futurenet).Should().Be("Test SDF Future Network ; October 2022");
    }
}
