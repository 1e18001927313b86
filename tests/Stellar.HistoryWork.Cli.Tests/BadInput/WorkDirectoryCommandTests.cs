using System.Text.RegularExpressions;
using Stellar.HistoryWork.Cli.Tests.Support;
using Stellar.TestSupport;

namespace Stellar.HistoryWork.Cli.Tests.BadInput;

/// <summary>
/// Issue 10 row 10 through the command: a work directory is never trusted blindly (a stored file is reused only after
/// it verifies again; a HAS takes its final name only once bound).
/// </summary>
public partial class WorkDirectoryCommandTests
{
    [Fact]
    public async Task Catchup_DamagedBucketInAnExistingOut_IsFetchedAgainNotTrusted()
    {
        using var temp = new TempDirectory();
        var output = temp.Combine("out");
        var first = await CliRun.RunAsync("catchup", "--archive", Fixtures.TestnetSmall, "--to", "10047", "--out", output, "--quiet");
        first.ExitCode.Should().Be(0, first.ToString());
        var bucket = Directory.EnumerateFiles(Path.Combine(output, "bucket"), "*.xdr.gz", SearchOption.AllDirectories).OrderByDescending(f => new FileInfo(f).Length).First();
        var good = File.ReadAllBytes(bucket);
        var damaged = (byte[])good.Clone();
        damaged[damaged.Length / 2] ^= 0xff;
        File.WriteAllBytes(bucket, damaged);

        var rerun = await CliRun.RunAsync("catchup", "--archive", Fixtures.TestnetSmall, "--to", "10047", "--out", output, "--quiet");

        rerun.ExitCode.Should().Be(0, rerun.ToString());
        File.ReadAllBytes(bucket).Should().Equal(good, "a stored bucket is checked again, and a damaged one fetched afresh");
    }

    [Fact]
    public async Task Catchup_HistoryStateTheRunRejects_NeverTakesTheFinalName()
    {
        using var temp = new TempDirectory();
        var output = temp.Combine("out");
        var first = await CliRun.RunAsync("catchup", "--archive", Fixtures.TestnetSmall, "--to", "10047", "--out", output, "--quiet");
        first.ExitCode.Should().Be(0, first.ToString());
        const string statePath = "history/00/00/27/history-0000273f.json";
        var stored = Path.Combine(output, statePath);
        File.WriteAllText(stored, "{"); // damaged, so the rerun fetches it again

        // The source now serves a HAS that keeps its own rules but whose bucket list does not hash to the header's.
        var archive = ArchiveFixtures.CopyArchive(Fixtures.TestnetSmall, temp);
        var state = File.ReadAllText(Path.Combine(archive, statePath));
        var level0 = Level0Buckets().Match(state);
        level0.Success.Should().BeTrue();
        var swapped = state.Replace(level0.Groups["curr"].Value, "CURR", StringComparison.Ordinal)
            .Replace(level0.Groups["snap"].Value, level0.Groups["curr"].Value, StringComparison.Ordinal)
            .Replace("CURR", level0.Groups["snap"].Value, StringComparison.Ordinal);
        File.WriteAllText(Path.Combine(archive, statePath), swapped);

        var rerun = await CliRun.RunAsync("catchup", "--archive", archive, "--to", "10047", "--out", output, "--quiet", "--retries", "0");

        rerun.ExitCode.Should().Be(1, rerun.ToString());
        rerun.Error.Should().Contain("bucket-list-mismatch");
        (File.Exists(stored) ? File.ReadAllText(stored) : null).Should().NotBe(swapped, "a HAS waits under a hidden name until its header binds it");
        Directory.EnumerateFiles(output, "*.unbound", SearchOption.AllDirectories).Should().BeEmpty();
    }

    [GeneratedRegex("\"curr\": \"(?<curr>[0-9a-f]{64})\",\\s*\"next\": \\{\\s*\"state\": 0\\s*\\},\\s*\"snap\": \"(?<snap>[0-9a-f]{64})\"")]
    private static partial Regex Level0Buckets();
}
