using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Stellar.HistoryWork.Cli.Tests.Support;
using Stellar.HistoryWork.Tests.BadInput;
using Stellar.HistoryWork.Tests.Support;

namespace Stellar.HistoryWork.Cli.Tests.BadInput;

/// <summary>
/// Issue 10 rows 13 and 5 through the command, against loopback servers that answer one request the bad way: one bad
/// member of a pool (a HAS that does not bind, a self-consistent fork of the headers) does not defeat failover, and a server's Retry-After never makes a run sleep longer than the
/// maximum backoff.
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
        await using var goodServer = new CountingServer(good, (path, count) => path == BadArchive.State && count == 1
            ? "HTTP/1.1 503 Service Unavailable"
            : null);
        await using var badServer = new CountingServer(bad, (_, _) => null);
        string[] members = badFirst ? [badServer.BaseUri, goodServer.BaseUri] : [goodServer.BaseUri, badServer.BaseUri];
        var output = temp.Combine("out");

        var run = await CliRun.RunAsync("catchup", "--archive", members[0], "--archive", members[1], "--to", "127", "--out", output, "--quiet");

        run.ExitCode.Should().Be(ExitCodes.Ok, run.ToString());
        File.ReadAllText(Path.Combine(output, BadArchive.State)).Should().Be(good.Text(BadArchive.State), "the HAS that binds is the one kept");
        badServer.Requests(BadArchive.State).Should().BePositive("the bad copy was served and refused");
    }

    public static TheoryData<string, bool> VerbsAndOrders => new() { { "catchup", true }, { "catchup", false }, { "mirror", true }, { "mirror", false } };

    [Theory]
    [MemberData(nameof(VerbsAndOrders))]
    public async Task CatchupAndMirror_OneMemberServesASelfConsistentFork_KeepTheHeadersTheTrustedHashBinds(string verb, bool badFirst)
    {
        using var good = new BadArchive();
        using var bad = new BadArchive();
        using var temp = new TempDirectory();
        var records = good.Records(BadArchive.Ledger);
        var trusted = $"{BadArchive.Checkpoint}:{Convert.ToHexStringLower(records[^1].AsSpan(0, 32))}";

        // Ledger 127 with another close time: a header chain as sound as the real one, ending at another hash.
        var fork = records[^1].ToArray();
        const int closeTimeLow = 32 + 4 + 32 + 32 + 7;
        fork[closeTimeLow] ^= 1;
        SHA256.HashData(fork.AsSpan(32, fork.Length - 32 - 4)).CopyTo(fork, 0);
        bad.WriteRecords(BadArchive.Ledger, [.. records[..^1], fork]);

        // The good member fails its first answer for the headers, so the fork is always the copy the run gets first.
        await using var goodServer = new CountingServer(good, (path, count) => path == BadArchive.Ledger && count == 1
            ? "HTTP/1.1 503 Service Unavailable"
            : null);
        await using var badServer = new CountingServer(bad, (_, _) => null);
        string[] members = badFirst ? [badServer.BaseUri, goodServer.BaseUri] : [goodServer.BaseUri, badServer.BaseUri];
        var output = temp.Combine("out");

        var run = await CliRun.RunAsync(
            verb, "--archive", members[0], "--archive", members[1], "--from", "64", "--to", "127", "--trusted-hash", trusted, verb == "catchup" ? "--out" : "--to-archive", output, "--quiet");

        run.ExitCode.Should().Be(ExitCodes.Ok, run.ToString());
        File.ReadAllBytes(Path.Combine(output, BadArchive.Ledger)).Should().Equal(good.Bytes(BadArchive.Ledger), "the headers the trusted hash binds are the ones kept");
        badServer.Requests(BadArchive.Ledger).Should().BePositive("the fork was served and refused");
    }

    [Fact]
    public async Task Catchup_RetryAfterOfSixtyThreeYears_WaitsAtMostTheMaximumBackoffAndSucceeds()
    {
        using var archive = new BadArchive();
        using var temp = new TempDirectory();
        await using var server = new CountingServer(archive, (path, count) => path == BadArchive.Ledger && count == 1
            ? "HTTP/1.1 429 Too Many Requests\r\nRetry-After: 2000000000"
            : null);

        // The hint is capped at the pool's maximum backoff (30 s): the run retries and finishes, neither crashing on the
        // hint nor sleeping for it (the bound below only keeps a broken run from hanging the suite).
        using var bounded = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        var run = await CliRun.RunAsync(false, bounded.Token, "catchup", "--archive", server.BaseUri, "--to", "127", "--out", temp.Combine("out"), "--quiet", "--retries", "2");

        run.ExitCode.Should().Be(ExitCodes.Ok, run.ToString());
        server.Requests(BadArchive.Ledger).Should().BeGreaterThan(1, "a refused answer, then the retry after the capped wait");
    }

    /// <summary>
    /// Serves <see cref="BadArchive"/>'s files, counting requests per path; <c>refuse(path, count)</c> returns a status
    /// line (and headers) to answer with an empty body instead, or null for the file.
    /// </summary>
    private sealed class CountingServer : IAsyncDisposable
    {
        private readonly ConcurrentDictionary<string, int> _requests = new(StringComparer.Ordinal);
        private readonly HostileHttpServer _server;

        public CountingServer(BadArchive archive, Func<string, int, string?> refuse)
        {
            _server = new HostileHttpServer(async (path, stream, ct) =>
            {
                var count = _requests.AddOrUpdate(path, 1, (_, n) => n + 1);
                if (refuse(path, count) is { } head)
                {
                    await HostileHttpServer.WriteHeadAsync(stream, head, ct, "Content-Length: 0");
                    return true;
                }

                if (!File.Exists(archive[path]))
                {
                    return false;
                }

                await HostileHttpServer.WriteOkAsync(stream, archive.Bytes(path), ct);
                return true;
            });
        }

        public string BaseUri => _server.BaseUri.AbsoluteUri;

        public int Requests(string path) => _requests.GetValueOrDefault(path);

        public ValueTask DisposeAsync() => _server.DisposeAsync();
    }
}
