using System.Diagnostics;
using System.Globalization;
using Stellar.HistoryWork.Cli.Tests.Sharding;
using Stellar.HistoryWork.Cli.Tests.Support;
using Stellar.HistoryWork.Tests.BadInput;
using Stellar.HistoryWork.Tests.Support;

namespace Stellar.HistoryWork.Cli.Tests.BadInput;

/// <summary>
/// Issue 10 row 6 through real <c>stellar-history catchup</c> processes: a loopback server holds one bucket's
/// download half-way (the request is the signal that the run is writing it), then the run is interrupted or killed.
/// Nothing half-written ever has a final name, a concurrent run never deletes the live run's files, and the next run
/// sweeps what a killed one left.
/// </summary>
public sealed class KilledRunCommandTests : IAsyncDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(2);

    private readonly BadArchive _archive = new();
    private readonly TempDirectory _temp = new();
    private readonly SemaphoreSlim _heldRequests = new(0);
    private readonly List<Process> _children = [];
    private readonly HostileHttpServer _server;
    private volatile bool _holding = true;

    public KilledRunCommandTests() => _server = new HostileHttpServer(RespondAsync);

    private string Out => _temp.Combine("out");

    [Fact]
    public async Task Catchup_CtrlCWhileABucketIsHalfDownloaded_ExitsCancelledLeavingOnlyWholeFiles()
    {
        var run = Start();
        await WaitForHeldRequestAsync();
        await WaitForAsync(() => Leftovers().Length == 1, "the held bucket is being written under a temporary name");

        (await ProcessRun.RunAsync("kill", ["-INT", run.Id.ToString(CultureInfo.InvariantCulture)])).ExitCode.Should().Be(0);
        await run.WaitForExitAsync().WaitAsync(Patience);

        run.ExitCode.Should().Be(ExitCodes.Cancelled);
        Leftovers().Should().BeEmpty("a cancelled write deletes its temporary file");
        File.Exists(Path.Combine(Out, BadArchive.Bucket)).Should().BeFalse();
        AssertEveryFinalFileIsWhole();
    }

    [Fact]
    public async Task Catchup_KilledWhileABucketIsHalfDownloaded_LeavesOnlyAHiddenLeftoverThatTheNextRunSweeps()
    {
        var run = Start();
        await WaitForHeldRequestAsync();
        await WaitForAsync(() => Leftovers().Length == 1, "the held bucket is being written under a temporary name");

        run.Kill();
        await run.WaitForExitAsync().WaitAsync(Patience);

        var leftover = Leftovers().Should().ContainSingle().Subject;
        File.Exists(Path.Combine(Out, BadArchive.Bucket)).Should().BeFalse("half a bucket never has its final name");
        AssertEveryFinalFileIsWhole();

        // Older than the sweep's grace period, as a killed run's files are by the time anyone looks.
        File.SetLastWriteTimeUtc(leftover, DateTime.UtcNow.AddHours(-1));
        _holding = false;
        var rerun = await CliRun.RunAsync("catchup", "--archive", _server.BaseUri.ToString(), "--to", "127", "--out", Out, "--quiet");

        rerun.ExitCode.Should().Be(ExitCodes.Ok, rerun.ToString());
        Leftovers().Should().BeEmpty("the rerun swept the killed run's leftover");
        File.ReadAllBytes(Path.Combine(Out, BadArchive.Bucket)).Should().Equal(_archive.Bytes(BadArchive.Bucket));
    }

    [Fact]
    public async Task Catchup_SecondRunIntoTheSameOut_LeavesTheFirstRunsLiveFileAlone()
    {
        var first = Start();
        await WaitForHeldRequestAsync();
        await WaitForAsync(() => Leftovers().Length == 1, "the held bucket is being written under a temporary name");
        var live = Leftovers()[0];

        // Old enough to be swept were it not locked: only the live writer's lock protects it.
        File.SetLastWriteTimeUtc(live, DateTime.UtcNow.AddHours(-1));
        var second = Start();
        await WaitForHeldRequestAsync(); // the second run swept the bucket's directory and is writing its own copy

        File.Exists(live).Should().BeTrue("a concurrent run never deletes a live run's file");
        Leftovers().Should().HaveCount(2);
        first.HasExited.Should().BeFalse();
        second.HasExited.Should().BeFalse();
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var child in _children)
        {
            try
            {
                if (!child.HasExited)
                {
                    child.Kill(entireProcessTree: true);
                    await child.WaitForExitAsync().WaitAsync(Patience);
                }
            }
            catch (InvalidOperationException)
            {
                // already gone
            }

            child.Dispose();
        }

        await _server.DisposeAsync();
        _heldRequests.Dispose();
        _archive.Dispose();
        _temp.Dispose();
    }

    private Process Start()
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[] { ShardFixtures.CommandDll, "catchup", "--archive", _server.BaseUri.ToString(), "--to", "127", "--out", Out, "--quiet" })
        {
            start.ArgumentList.Add(arg);
        }

        var process = Process.Start(start)!;
        _children.Add(process);
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    private async Task WaitForHeldRequestAsync() =>
        (await _heldRequests.WaitAsync(Patience)).Should().BeTrue("the run asks for the held bucket");

    private static async Task WaitForAsync(Func<bool> condition, string what)
    {
        using var timeout = new CancellationTokenSource(Patience);
        while (!condition())
        {
            timeout.IsCancellationRequested.Should().BeFalse("waited for: " + what);
            await Task.Delay(50);
        }
    }

    // Temporary names (AtomicFile: .NAME.HEX.partial; older .tmp; a HAS waiting to be bound: .unbound).
    private string[] Leftovers() => Directory.Exists(Out)
        ? Directory.EnumerateFiles(Out, "*", SearchOption.AllDirectories)
            .Where(f => Path.GetFileName(f) is var name && name.StartsWith('.') && (name.EndsWith(".partial", StringComparison.Ordinal) || name.EndsWith(".tmp", StringComparison.Ordinal) || name.EndsWith(".unbound", StringComparison.Ordinal)))
            .ToArray()
        : [];

    private void AssertEveryFinalFileIsWhole()
    {
        foreach (var file in Directory.EnumerateFiles(Out, "*", SearchOption.AllDirectories).Except(Leftovers()))
        {
            var relative = Path.GetRelativePath(Out, file).Replace(Path.DirectorySeparatorChar, '/');
            if (File.Exists(_archive[relative]))
            {
                File.ReadAllBytes(file).Should().Equal(_archive.Bytes(relative), $"{relative} has its final name only when whole");
            }
        }
    }

    private async Task<bool> RespondAsync(string path, Stream stream, CancellationToken cancellationToken)
    {
        var file = _archive[path];
        if (path.Length == 0 || !File.Exists(file))
        {
            return false;
        }

        var bytes = await File.ReadAllBytesAsync(file, cancellationToken);
        if (!_holding || path != BadArchive.Bucket)
        {
            await HostileHttpServer.WriteOkAsync(stream, bytes, cancellationToken);
            return true;
        }

        await HostileHttpServer.WriteHeadAsync(stream, "HTTP/1.1 200 OK", cancellationToken, $"Content-Length: {bytes.Length}");
        var sent = bytes.Length / 2;
        await stream.WriteAsync(bytes.AsMemory(0, sent), cancellationToken);
        await stream.FlushAsync(cancellationToken);
        _heldRequests.Release();

        // Until the client goes (killed) or the test ends. A byte every 5 s keeps the client's stall timer (30 s) from
        // retrying, so every held request is a run's first; its minimum-rate window (60 s) is longer than any test.
        using var bounded = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        bounded.CancelAfter(Patience);
        try
        {
            while (sent < bytes.Length - 1)
            {
                await Task.Delay(TimeSpan.FromSeconds(5), bounded.Token);
                await stream.WriteAsync(bytes.AsMemory(sent++, 1), bounded.Token);
                await stream.FlushAsync(bounded.Token);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or IOException)
        {
            // the client went away, or the test is over
        }

        return true;
    }
}
