using Stellar.HistoryWork.Cli.Tests.Support;
using Stellar.TestSupport;

namespace Stellar.HistoryWork.Cli.Tests.Archives;

/// <summary>stellar-core command archives on the command line: <c>cmd:@stellar-core.cfg#NAME</c> and <c>cmd:get=…;put=…;mkdir=…</c>.</summary>
public class CommandArchiveLocationTests
{
    private static readonly string Source = Fixtures.TestnetSmall;

    [Fact]
    public async Task Verify_HistorySectionOfAStellarCoreConfig_VerifiesThroughItsGetCommand()
    {
        using var temp = new TempDirectory();
        var config = temp.Combine("stellar-core.cfg");
        File.WriteAllText(config, $"""
            NETWORK_PASSPHRASE="Test SDF Network ; September 2015"

            [HISTORY.local]
            get="cp {Source}/{"{0}"} {"{1}"}"

            [HISTORY.other]
            get="false {"{0}"} {"{1}"}"
            """);

        var run = await CliRun.RunAsync("verify", "--archive", $"cmd:@{config}#local", "--from", "9600", "--quiet");

        run.ExitCode.Should().Be(0, run.ToString());
    }

    [Fact]
    public async Task Catchup_InlineGetTemplate_WritesTheVerifiedFiles()
    {
        using var temp = new TempDirectory();
        var output = temp.Combine("out");

        var run = await CliRun.RunAsync("catchup", "--archive", $"cmd:get=cp {Source}/{{0}} {{1}}", "--to", "10047", "--out", output, "--quiet");

        run.ExitCode.Should().Be(0, run.ToString());
        File.Exists(ArchiveFixtures.LedgerFile(output, 10047)).Should().BeTrue();
    }

    [Fact]
    public async Task Mirror_ToPutAndMkdirTemplates_TargetIsTheSourceAndVerifies()
    {
        using var temp = new TempDirectory();
        var target = temp.Combine("target");
        Directory.CreateDirectory(target);

        var run = await CliRun.RunAsync(
            "mirror", "--archive", Source, "--to-archive", $"cmd:get=cp {target}/{{0}} {{1}};put=cp {{0}} {target}/{{1}};mkdir=mkdir -p {target}/{{0}}", "--from", "9600", "--quiet");

        run.ExitCode.Should().Be(0, run.ToString());
        foreach (var file in Directory.EnumerateFiles(target, "*", SearchOption.AllDirectories))
        {
            var relative = Path.GetRelativePath(target, file);
            File.ReadAllBytes(file).Should().Equal(File.ReadAllBytes(Path.Combine(Source, relative)), relative);
        }

        var verify = await CliRun.RunAsync("verify", "--archive", target, "--from", "9600", "--quiet");
        verify.ExitCode.Should().Be(0, verify.ToString());
    }

    [Theory]
    [InlineData("cmd:fetch=cp {0} {1}", "is not get=, put=, mkdir= or name=")]
    [InlineData("cmd:get=cp {2} {1}", "uses '{2}'")]
    [InlineData("cmd:@/no/such/stellar-core.cfg", "does not exist")]
    public async Task Verify_BadCommandArchive_IsAUsageErrorNamingIt(string location, string message)
    {
        var run = await CliRun.RunAsync("verify", "--archive", location, "--quiet");

        run.ExitCode.Should().Be(2, run.ToString());
        run.ToString().Should().Contain(message);
    }
}
