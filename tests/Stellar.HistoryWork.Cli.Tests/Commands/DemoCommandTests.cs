using Stellar.HistoryWork.Cli.Tests.Support;
using Stellar.TestSupport;

namespace Stellar.HistoryWork.Cli.Tests.Commands;

public class DemoCommandTests
{
    [Fact]
    public async Task Run_NoArgumentsWithOutputRedirected_CatchesUpTheBundledArchiveOverLoopbackAndTrustsIt()
    {
        var run = await CliRun.RunAsync();

        run.ExitCode.Should().Be(0, run.ToString());
        run.Error.Should().BeEmpty();
        run.Output.Should().MatchRegex(@"serving a real testnet history archive \(1955 files, .*\) at http://127\.0\.0\.1:[0-9]+/")
            .And.Contain("checkpoints   157 (63..10047, every 64 ledgers)")
            .And.Contain("ledgers       1..10047: 10047 headers")
            .And.Contain("trusted: the chain ends at the trusted hash 10047:")
            .And.MatchRegex(@"\[[0-9]{2}:[0-9]{2}\] .*scp history 157/157 \(100%\)", "redirected output gets plain progress lines")
            .And.NotContain("\u001b[", "no terminal escape codes when output is redirected");
        var files = ArchiveFixtures.CountFiles(Path.Combine(AppContext.BaseDirectory, "demo-archive"), "*");
        files.Should().Be(ArchiveFixtures.CountFiles(Fixtures.TestnetSmall, "*"), "the build copies the whole fixture archive");
    }
}
