using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace Stellar.HistoryWork;

/// <summary>
/// Runs the commands of one command archive: at most <see cref="CommandArchiveOptions.MaxConcurrentCommands"/> at a
/// time (the reference node's <c>MAX_CONCURRENT_SUBPROCESSES</c>), each with the archive's timeout, standard input
/// closed, standard output drained and dropped, standard error kept up to a bound for the error. A timeout or a
/// cancellation kills the command's whole process tree.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "A SemaphoreSlim owns nothing to release unless its AvailableWaitHandle is used, which it never is here; the runner lives as long as its archive.")]
internal sealed class CommandRunner
{
    private readonly SemaphoreSlim _slots;
    private readonly CommandArchiveOptions _options;

    public CommandRunner(CommandArchiveOptions options)
    {
        _options = options;
        _slots = new SemaphoreSlim(options.MaxConcurrentCommands, options.MaxConcurrentCommands);
    }

    /// <summary>Runs <paramref name="argv"/>; returns when it exited 0.</summary>
    /// <exception cref="ArchiveTransientException">It exited otherwise, or timed out: worth another try.</exception>
    /// <exception cref="ArchiveException">It could not be started (no such program): trying again cannot help.</exception>
    public async Task RunAsync(IReadOnlyList<string> argv, string archive, string path, CancellationToken cancellationToken)
    {
        // Made before the first wait, so the timeout counts from the call (and a test's clock can run it out).
        using var timeout = new CancellationTokenSource(_options.Timeout, _options.TimeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        await _slots.WaitAsync(linked.Token).ConfigureAwait(false);
        try
        {
            await RunOneAsync(argv, archive, path, timeout.Token, linked.Token, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw new ArchiveTransientException(archive, path, Describe($"`{string.Join(' ', argv)}` timed out after {_options.Timeout.TotalSeconds:0.###} s and was killed"));
        }
        finally
        {
            _slots.Release();
        }
    }

    private async Task RunOneAsync(IReadOnlyList<string> argv, string archive, string path, CancellationToken timedOut, CancellationToken stop, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(argv[0])
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            CreateNoWindow = true,
        };
        foreach (var argument in argv.Skip(1))
        {
            start.ArgumentList.Add(argument);
        }

        using var process = new Process { StartInfo = start };
        try
        {
            process.Start();
        }
        catch (Win32Exception e)
        {
            throw new ArchiveException(archive, path, Describe($"`{string.Join(' ', argv)}` could not be started: {e.Message}"), e);
        }

        process.StandardInput.Close();
        var stdout = process.StandardOutput.BaseStream.CopyToAsync(Stream.Null, CancellationToken.None);
        var stderr = ReadBoundedAsync(process.StandardError.BaseStream, _options.MaxErrorBytes);
        try
        {
            await process.WaitForExitAsync(stop).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            Kill(process);
            await process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
            cancellationToken.ThrowIfCancellationRequested();
            timedOut.ThrowIfCancellationRequested();
            throw;
        }
        finally
        {
            await Task.WhenAll(stdout, stderr).ConfigureAwait(false);
        }

        if (process.ExitCode != 0)
        {
            var error = (await stderr.ConfigureAwait(false)).Trim();
            throw new ArchiveTransientException(archive, path, Describe(
                $"`{string.Join(' ', argv)}` exited with code {process.ExitCode}{(error.Length == 0 ? " and no error output" : ": " + error)}"));
        }
    }

    private static void Kill(Process process)
    {
        try
        {
            process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // it already exited
        }
    }

    /// <summary>The first <paramref name="limit"/> bytes of the stream as text (the rest is read and dropped, so the command never blocks on a full pipe).</summary>
    private static async Task<string> ReadBoundedAsync(Stream stream, int limit)
    {
        var kept = new MemoryStream();
        var buffer = new byte[4096];
        long dropped = 0;
        int read;
        while ((read = await stream.ReadAsync(buffer, CancellationToken.None).ConfigureAwait(false)) > 0)
        {
            var keep = (int)Math.Min(read, limit - kept.Length);
            kept.Write(buffer, 0, keep);
            dropped += read - keep;
        }

        var text = Encoding.UTF8.GetString(kept.GetBuffer(), 0, (int)kept.Length);
        return dropped == 0 ? text : Describe($"{text}… ({dropped} more bytes)");
    }

    private static string Describe(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
