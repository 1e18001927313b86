using System.Text.Json.Nodes;
using Stellar.HistoryWork.Cli.Tests.Support;
using Stellar.HistoryWork.Tests.BadInput;
using Stellar.HistoryWork.Tests.Support;

namespace Stellar.HistoryWork.Cli.Tests.BadInput;

/// <summary>
/// Issue 10 rows 13 and 5 through the command, against loopback Kestrel servers with faults: one bad member of a pool
/// does not defeat failover, and a server's Retry-After never makes a run sleep longer than the maximum backoff.
/// </summary>
public class PoolAndRetryCommandTests
{
    public static TheoryData<bool> Orders => new() { true, false };

    [Theory]
    [MemberData(nameof(Orders))]
    public async Task Catchup_OneMemberServesAHasThatDoesNotBind_FetchesItFromTheOtherAndSucceeds(bool badFirst)
    {
        using var good = new BadArchive();
        using var bad = new BadArchive();
        using var temp = new TempDirectory();

        // A well-formed HAS whose bucket list is not the header's: level 1's curr and snap swapped.
        var json = JsonNode.Parse(bad.Text(BadArchive.State))!;
        var level = json["currentBuckets"]![1]!;
        (level["curr"], level["snap"]) = (level["snap"]!.DeepClone(), level["curr"]!.DeepClone());
        bad.WriteText(BadArchive.State, json.ToJsonString());

        // The good member fails its first answer for that HAS, so the bad copy is always the one the run gets first.
        await using var goodServer = await ArchiveHttpServer.StartAsync(good.Root);
        goodServer.AddFault(BadArchive.State, HttpFault.Status(503));
        await using var badServer = await ArchiveHttpServer.StartAsync(bad.Root);
        string[] members = badFirst ? [badServer.BaseUri.ToString(), goodServer.BaseUri.ToString()] : [goodServer.BaseUri.ToString(), badServer.BaseUri.ToString()];
        var output = temp.Combine("out");

        var run = await CliRun.RunAsync("catchup", "--archive", members[0], "--archive", members[1], "--to", "127", "--out", output, "--quiet");

        run.ExitCode.Should().Be(ExitCodes.Ok, run.ToString());
        File.ReadAllText(Path.Combine(output, BadArchive.State)).Should().Be(good.Text(BadArchive.State), "the HAS that binds is the one kept");
        badServer.RequestCount(BadArchive.State).Should().BePositive("the bad copy was served and refused");
    }

    [Fact]
    public async Task Catchup_RetryAfterOfSixtyThreeYears_WaitsAtMostTheMaximumBackoffAndSucceeds()
    {
        using var archive = new BadArchive();
        using var temp = new TempDirectory();
        await using var server = await ArchiveHttpServer.StartAsync(archive.Root);
        server.AddFault(BadArchive.Ledger, HttpFault.Status(429, retryAfter: TimeSpan.FromSeconds(2_000_000_000)));

        // The hint is capped at the pool's maximum backoff (30 s): the run retries and finishes, neither crashing on the
        // hint nor sleeping for it (the bound below only keeps a broken run from hanging the suite).
        using var bounded = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        var run = await CliRun.RunAsync(false, bounded.Token, "catchup", "--archive", server.BaseUri.ToString(), "--to", "127", "--out", temp.Combine("out"), "--quiet", "--retries", "2");

        run.ExitCode.Should().Be(ExitCodes.Ok, run.ToString());
        server.RequestCount(BadArchive.Ledger).Should().BeGreaterThan(1, "a refused answer, then the retry after the capped wait");
    }
}
