using System.Diagnostics;
using Stellar.HistoryWork.Cli.Tests.Support;

namespace Stellar.HistoryWork.Cli.Tests.Sharding;

/// <summary>Pods are stopped with SIGTERM: the command stops cleanly, as on Ctrl-C, and leaves no report half-written.</summary>
public class TerminationTests
{
    [Fact]
    public async Task Verify_SigTerm_StopsCleanlyWithExitCancelledAndNoReport()
    {
        using var temp = new TempDirectory();
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        // Slowed to a crawl so that it is surely still running when the signal comes.
        foreach (var arg in new[]
        {
            ShardFixtures.CommandDll, "verify", "--archive", ArchiveFixtures.ArchiveRoot("testnet-2025-small"), "--to", "10047",
            "--shard-count", "2", "--shard-index", "0", "--report-dir", temp.Path, "--max-bytes-per-second", "20000",
        })
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        var error = process.StandardError.ReadToEndAsync();
        // The first progress line: Main has registered its handlers and the run is under way.
        (await process.StandardOutput.ReadLineAsync()).Should().NotBeNull();

        (await ProcessRun.RunAsync("kill", ["-TERM", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])).ExitCode.Should().Be(0);
        var output = process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(2));

        process.ExitCode.Should().Be(ExitCodes.Cancelled, await output + await error);
        (await error).Should().Contain("cancelled:");
        Directory.EnumerateFiles(temp.Path, "*", SearchOption.AllDirectories).Should().BeEmpty("a stopped shard writes no report, not half of one");
    }
}
