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

    [Fact]
    public async Task Mirror_TargetWithADirectorySymlinkLeadingOutside_RefusesItAndWritesNothingThere()
    {
        using var temp = new TempDirectory();
        var target = temp.Combine("target");
        var outside = temp.Combine("outside");
        Directory.CreateDirectory(target);
        Directory.CreateDirectory(outside);
        Directory.CreateSymbolicLink(Path.Combine(target, "ledger"), outside);

        var run = await CliRun.RunAsync("mirror", "--archive", Fixtures.TestnetSmall, "--to-archive", target, "--from", "9900", "--quiet");

        run.ExitCode.Should().Be(ExitCodes.LocalError, run.ToString());
        run.Error.Should().Contain(Path.Combine(target, "ledger")).And.Contain("outside");
        Directory.EnumerateFileSystemEntries(outside, "*", SearchOption.AllDirectories).Should().BeEmpty("no write may escape the target");
        File.Exists(Path.Combine(target, ".well-known", "stellar-history.json")).Should().BeFalse();
    }

    [Fact]
    public async Task Catchup_OutWithADirectorySymlinkLeadingOutside_RefusesItAndWritesNothingThere()
    {
        using var temp = new TempDirectory();
        var output = temp.Combine("out");
        var outside = temp.Combine("outside");
        Directory.CreateDirectory(output);
        Directory.CreateDirectory(outside);
        Directory.CreateSymbolicLink(Path.Combine(output, "bucket"), outside);

        var run = await CliRun.RunAsync("catchup", "--archive", Fixtures.TestnetSmall, "--to", "10047", "--out", output, "--quiet");

        run.ExitCode.Should().Be(ExitCodes.LocalError, run.ToString());
        run.Error.Should().Contain(Path.Combine(output, "bucket")).And.Contain("outside");
        Directory.EnumerateFileSystemEntries(outside, "*", SearchOption.AllDirectories).Should().BeEmpty("no write may escape the work directory");
    }

    [Theory]
    [InlineData(new[] { "local-error" }, ExitCodes.LocalError)]
    [InlineData(new[] { "unreachable", "local-error" }, ExitCodes.LocalError)]
    [InlineData(new[] { "local-error", "corrupt" }, ExitCodes.Problems)]
    [InlineData(new[] { "unreachable" }, ExitCodes.Unreachable)]
    public void ForFailure_LocalErrors_ExitFourUnlessTheDataIsBad(string[] kinds, int expected) =>
        ExitCodes.ForFailure(kinds).Should().Be(expected);
}
