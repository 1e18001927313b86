using System.Text.Json;
using Stellar.HistoryWork.Cli.Tests.Support;
using Stellar.HistoryWork.Tests.BadInput;
using Stellar.HistoryWork.Tests.Support;

namespace Stellar.HistoryWork.Cli.Tests.BadInput;

/// <summary>
/// Issue 10 through the command: a loopback server that serves the small real archive of
/// <see cref="BadArchive"/> but answers one file the hostile way. Every run ends (never a hang), names the
/// file, and prints no stack trace and no control character the server sent.
/// </summary>
public class HostileServerCommandTests
{
    private static readonly TimeSpan Limit = TimeSpan.FromMinutes(3);

    [Fact]
    public async Task Verify_RedirectToAFileUri_EndsWithAProblemNamingTheFile()
    {
        // Row 3: the UriFormatException this made escape the reader left verify waiting forever.
        using var archive = new BadArchive();
        await using var server = Serve(archive, BadArchive.Ledger, async (stream, ct) =>
            await HostileHttpServer.WriteHeadAsync(stream, "HTTP/1.1 302 Found", ct, "Location: file:///etc/passwd", "Content-Length: 0"));

        var run = await CliRun.RunAsync("verify", "--archive", server.BaseUri.AbsoluteUri, "--quiet").WaitAsync(Limit);

        AssertEndedNamingTheLedgerFile(run);
    }

    [Fact]
    public async Task Verify_RedirectToAnotherHost_IsRefused()
    {
        // Row 14: the other host serves the real file, and must never be asked for it.
        using var archive = new BadArchive();
        await using var other = new HostileHttpServer(async (_, stream, ct) =>
        {
            await HostileHttpServer.WriteOkAsync(stream, archive.Bytes(BadArchive.Ledger), ct);
            return true;
        });
        await using var server = Serve(archive, BadArchive.Ledger, async (stream, ct) =>
            await HostileHttpServer.WriteHeadAsync(stream, "HTTP/1.1 302 Found", ct, $"Location: {new Uri(other.BaseUri, BadArchive.Ledger)}", "Content-Length: 0"));

        var run = await CliRun.RunAsync("verify", "--archive", server.BaseUri.AbsoluteUri, "--quiet").WaitAsync(Limit);

        AssertEndedNamingTheLedgerFile(run);
        run.ToString().Should().Contain("another host");
        other.Requests.Should().Be(0);
    }

    [Fact]
    public async Task Verify_ControlCharactersInTheReasonPhrase_AreEscaped()
    {
        // Row 14: ESC [ 2 J clears a terminal; BEL rings it.
        using var archive = new BadArchive();
        await using var server = Serve(archive, BadArchive.Ledger, async (stream, ct) =>
            await HostileHttpServer.WriteHeadAsync(stream, "HTTP/1.1 403 \u001b[2J\u0007Forbidden", ct, "Content-Length: 0"));

        var run = await CliRun.RunAsync("verify", "--archive", server.BaseUri.AbsoluteUri).WaitAsync(Limit);

        AssertEndedNamingTheLedgerFile(run);
        run.ToString().Should().NotContain("\u001b").And.NotContain("\u0007").And.Contain("\\x1B[2J");
    }

    [Fact]
    public async Task Verify_EndlessEmptyDeflateBlocks_EndsAsCorruptAfterABoundedRead()
    {
        // Row 1: a 200 with a gzip header and then empty stored blocks for ever (no Content-Length).
        using var archive = new BadArchive();
        long sent = 0;
        await using var server = Serve(archive, BadArchive.Ledger, async (stream, ct) =>
        {
            await HostileHttpServer.WriteHeadAsync(stream, "HTTP/1.1 200 OK", ct);
            await stream.WriteAsync(new byte[] { 0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3 }, ct);
            var blocks = Enumerable.Repeat<byte[]>([0, 0, 0, 0xff, 0xff], 64 * 1024 / 5).SelectMany(b => b).ToArray();
            while (sent < 1L << 32)
            {
                await stream.WriteAsync(blocks, ct);
                Interlocked.Add(ref sent, blocks.Length);
            }
        });

        var run = await CliRun.RunAsync("verify", "--archive", server.BaseUri.AbsoluteUri, "--quiet").WaitAsync(Limit);

        AssertEndedNamingTheLedgerFile(run);
        run.ExitCode.Should().Be(1, "the archive served a corrupt file");
        Interlocked.Read(ref sent).Should().BeLessThan(64L << 20, "the reader stops soon after the bound");
    }

    [Fact]
    public async Task Verify_BodyTricklingBelowTheMinimumRate_EndsUnreachableOnceTheWindowIsOver()
    {
        // Row 2: a byte every 200 ms resets any stall timer. The trickle lasts 10 s and then the rest of the file
        // follows at once, so a run that does not apply --min-rate-window (1 s) would accept the file.
        const int trickled = 50;
        using var archive = new BadArchive();
        var body = archive.Bytes(BadArchive.Ledger);
        var whole = 0;
        await using var server = Serve(archive, BadArchive.Ledger, async (stream, ct) =>
        {
            await HostileHttpServer.WriteHeadAsync(stream, "HTTP/1.1 200 OK", ct, $"Content-Length: {body.Length}");
            for (var i = 0; i < trickled; i++)
            {
                await stream.WriteAsync(body.AsMemory(i, 1), ct);
                await stream.FlushAsync(ct);
                await Task.Delay(200, ct);
            }

            await stream.WriteAsync(body.AsMemory(trickled), ct);
            Interlocked.Increment(ref whole);
        });

        using var temp = new TempDirectory();
        var report = temp.Combine("report.json");

        var run = await CliRun.RunAsync(
            "verify", "--archive", server.BaseUri.AbsoluteUri, "--quiet", "--retries", "0", "--json", report, "--min-bytes-per-second", "1024", "--min-rate-window", "1").WaitAsync(Limit);

        AssertEndedNamingTheLedgerFile(run);
        run.ExitCode.Should().Be(ExitCodes.Unreachable, "a slow server is a retryable failure, not damage");
        using var json = JsonDocument.Parse(File.ReadAllText(report));
        var problem = json.RootElement.GetProperty("problems").EnumerateArray().Single(p => p.GetProperty("path").GetString() == BadArchive.Ledger);
        problem.GetProperty("kind").GetString().Should().Be("unreachable");
        problem.GetProperty("message").GetString().Should().Contain("too slow");
        Volatile.Read(ref whole).Should().Be(0, "the run gave up during the trickle");
    }

    [Fact]
    public async Task Verify_FifoInALocalArchive_EndsWithAProblemNamingTheFile()
    {
        // Row 5: opening a FIFO nobody writes to blocks for ever, beyond the reach of Ctrl-C.
        using var archive = new BadArchive();
        if (!archive.TryReplaceWithFifo(BadArchive.Ledger))
        {
            return;
        }

        var run = await CliRun.RunAsync("verify", "--archive", archive.Root, "--quiet").WaitAsync(Limit);

        AssertEndedNamingTheLedgerFile(run);
        run.ExitCode.Should().Be(1);
    }

    private static HostileHttpServer Serve(BadArchive archive, string hostilePath, Func<Stream, CancellationToken, Task> hostile) =>
        new(async (path, stream, ct) =>
        {
            if (path == hostilePath)
            {
                await hostile(stream, ct);
                return true;
            }

            if (!File.Exists(archive[path]))
            {
                return false;
            }

            await HostileHttpServer.WriteOkAsync(stream, archive.Bytes(path), ct);
            return true;
        });

    private static void AssertEndedNamingTheLedgerFile(CliRun run)
    {
        run.ExitCode.Should().BeOneOf([1, 3], run.ToString());
        run.ToString().Should().Contain(BadArchive.Ledger);
        run.Error.Should().NotContain("   at ", run.ToString());
        run.Error.Should().NotContain("internal error", run.ToString());
    }
}
