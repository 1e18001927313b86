using System.Text.Json;
using Stellar.HistoryWork.Cli.Tests.Support;
using Stellar.HistoryWork.Tests.BadInput;
using Stellar.HistoryWork.Tests.Support;
using Stellar.TestSupport;

namespace Stellar.HistoryWork.Cli.Tests.Commands;

/// <summary>
/// Issue 11: retries are visible. A server that answers one file's first request with 503 makes every verb
/// retry it once through the pool: the run succeeds, the progress line and the summary say so, and the
/// report's <c>retries</c> counts it — the same for verify, catchup and mirror.
/// </summary>
public class RetryVisibilityTests
{
    private static readonly TimeSpan Limit = TimeSpan.FromMinutes(3);

    public static TheoryData<string> Verbs => new() { "verify", "catchup", "mirror" };

    [Theory]
    [MemberData(nameof(Verbs))]
    public async Task Run_OneServerErrorOnAFile_SucceedsAndCountsTheRetry(string verb)
    {
        using var archive = new BadArchive();
        using var temp = new TempDirectory();
        var failed = 0;
        await using var server = new HostileHttpServer(async (path, stream, ct) =>
        {
            if (path == BadArchive.Ledger && Interlocked.Exchange(ref failed, 1) == 0)
            {
                await HostileHttpServer.WriteHeadAsync(stream, "HTTP/1.1 503 Service Unavailable", ct, "Content-Length: 0");
                return true;
            }

            if (!File.Exists(archive[path]))
            {
                return false;
            }

            await HostileHttpServer.WriteOkAsync(stream, archive.Bytes(path), ct);
            return true;
        });
        var report = temp.Combine("report.json");
        string[] args = verb switch
        {
            "verify" => ["verify"],
            "catchup" => ["catchup", "--to", BadArchive.Checkpoint.ToString(System.Globalization.CultureInfo.InvariantCulture), "--out", temp.Combine("out")],
            _ => ["mirror", "--to-archive", temp.Combine("mirror")],
        };

        var run = await CliRun.RunAsync([.. args, "--archive", server.BaseUri.AbsoluteUri, "--retries", "2", "--json", report]).WaitAsync(Limit);

        run.ExitCode.Should().Be(0, run.ToString());
        Volatile.Read(ref failed).Should().Be(1, "the ledger file was asked for");
        using var json = JsonDocument.Parse(File.ReadAllText(report));
        json.RootElement.GetProperty("retries").GetInt64().Should().BeGreaterThanOrEqualTo(1, run.ToString());
        run.Output.Should().MatchRegex(@"\] .*\b[1-9]\d* retr(y|ies)\b", "the last progress line shows the retry: " + run);
        run.OutputLines.Should().Contain(l => !l.StartsWith('[') && l.Contains("1 retry", StringComparison.Ordinal), "the summary counts it");
    }
}
