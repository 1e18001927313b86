using Stellar.HistoryWork.Cli.Tests.Support;
using Stellar.TestSupport;

namespace Stellar.HistoryWork.Cli.Tests.Readme;

/// <summary>
/// The README's shell transcripts are what the current command prints: scripts/readme_examples.py --check runs
/// each one (with this build of stellar-history) and compares, up to timings, rates, ports and temporary names.
/// scripts/update-readme-examples.sh regenerates them.
/// </summary>
public class ReadmeShellExamplesTests
{
    [Fact]
    public async Task ShellExamples_RunWithTheCurrentCommand_PrintWhatTheReadmeShows()
    {
        var script = Path.Combine(Fixtures.RepositoryRoot, "scripts", "readme_examples.py");
        var command = Path.Combine(AppContext.BaseDirectory, "stellar-history");

        var check = await ProcessRun.RunAsync("python3", [script, "--check", "--command", command]);

        check.ExitCode.Should().Be(0, check.ToString());
    }
}
