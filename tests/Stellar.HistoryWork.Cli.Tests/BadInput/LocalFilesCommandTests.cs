using Stellar.HistoryWork.Cli.Tests.Support;
using Stellar.TestSupport;

namespace Stellar.HistoryWork.Cli.Tests.BadInput;

/// <summary>
/// Issue 10 rows 10, 11 and 14 through the command: this machine's own files (work directory, target, report) are
/// checked, confined to their root, and a failure of theirs is a local error (exit 4), never the archive's.
/// </summary>
public class LocalFilesCommandTests
{
    [Fact]
    public async Task Verify_ReportOnAFullDisk_ExitsFourAsALocalError()
    {
        var run = await CliRun.RunAsync("verify", "--archive", Fixtures.TestnetSmall, "--from", "9900", "--quiet", "--json", "/dev/full");

        run.ExitCode.Should().Be(ExitCodes.LocalError, run.ToString());
        run.Error.Should().Contain("/dev/full").And.Contain("No space left on device");
    }

    [Theory]
    [InlineData(new[] { "local-error" }, ExitCodes.LocalError)]
    [InlineData(new[] { "unreachable", "local-error" }, ExitCodes.LocalError)]
    [InlineData(new[] { "local-error", "corrupt" }, ExitCodes.Problems)]
    [InlineData(new[] { "unreachable" }, ExitCodes.Unreachable)]
    public void ForFailure_LocalErrors_ExitFourUnlessTheDataIsBad(string[] kinds, int expected) =>
        ExitCodes.ForFailure(kinds).Should().Be(expected);
}
