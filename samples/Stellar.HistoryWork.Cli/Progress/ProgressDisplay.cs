using System.Diagnostics;
using System.Globalization;
using Spectre.Console;

namespace Stellar.HistoryWork.Cli.Progress;

/// <summary>
/// Shows a running verb's progress: live Spectre.Console bars on a terminal, one plain line per
/// interval when output is redirected (logs, CI), nothing with <c>--quiet</c>.
/// </summary>
internal static class ProgressDisplay
{
    private static readonly TimeSpan LiveInterval = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan PlainInterval = TimeSpan.FromSeconds(1);

    /// <param name="console">Where progress goes (standard error when standard output carries JSON).</param>
    /// <param name="quiet">Show nothing.</param>
    /// <param name="poll">The verb's progress now.</param>
    /// <param name="work">The run; progress ends when it does.</param>
    /// <param name="archives">The pool the run reads through: its retries and avoided archives are shown; null for none.</param>
    /// <param name="cancellationToken">Stops showing progress.</param>
    public static async Task<T> RunAsync<T>(
        CliConsole console,
        bool quiet,
        Func<CancellationToken, Task<ProgressSnapshot>> poll,
        Task<T> work,
        ArchivePool? archives,
        CancellationToken cancellationToken)
    {
        if (archives is not null)
        {
            var verb = poll;
            poll = async ct => (await verb(ct)).WithRetries(archives);
        }

        if (quiet)
        {
            return await work;
        }

        if (console.Interactive)
        {
            await RunLiveAsync(console, poll, work, cancellationToken);
        }
        else
        {
            await RunPlainAsync(console, poll, work, cancellationToken);
        }

        return await work;
    }

    private static async Task RunPlainAsync<T>(CliConsole console, Func<CancellationToken, Task<ProgressSnapshot>> poll, Task<T> work, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var last = string.Empty;
        while (true)
        {
            var finished = await WaitAsync(work, PlainInterval, cancellationToken);
            var snapshot = await PollQuietlyAsync(poll, cancellationToken);
            if (snapshot.Line.Length > 0 && (finished || snapshot.Line != last))
            {
                last = snapshot.Line;
                await console.Output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"[{clock.Elapsed:mm\\:ss}] {snapshot.Line}"));
            }

            if (finished)
            {
                return;
            }
        }
    }

    private static async Task RunLiveAsync<T>(CliConsole console, Func<CancellationToken, Task<ProgressSnapshot>> poll, Task<T> work, CancellationToken cancellationToken)
    {
        var ansi = console.CreateAnsiConsole();
        await ansi.Progress()
            .AutoClear(false)
            .HideCompleted(false)
            .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new ElapsedTimeColumn())
            .StartAsync(async context =>
            {
                var bars = new Dictionary<int, ProgressTask>();
                ProgressTask? footer = null;
                while (true)
                {
                    var finished = await WaitAsync(work, LiveInterval, cancellationToken);
                    var snapshot = await PollQuietlyAsync(poll, cancellationToken);
                    for (var i = 0; i < snapshot.Items.Count; i++)
                    {
                        var item = snapshot.Items[i];
                        if (!bars.TryGetValue(i, out var bar))
                        {
                            // Spectre refuses an empty task name.
                            bar = bars[i] = context.AddTask(Markup.Escape(item.Description.Length > 0 ? item.Description : "…"), autoStart: true, maxValue: 1);
                        }

                        Update(bar, item);
                    }

                    if (snapshot.Footer.Length > 0)
                    {
                        footer ??= context.AddTask(Markup.Escape(snapshot.Footer), autoStart: true, maxValue: 1);
                        footer.Description = Markup.Escape(snapshot.Footer);
                        footer.IsIndeterminate = !finished;
                        footer.Value = finished ? 1 : 0;
                    }

                    if (finished)
                    {
                        foreach (var bar in bars.Values.Append(footer).OfType<ProgressTask>())
                        {
                            bar.StopTask();
                        }

                        context.Refresh();
                        return;
                    }
                }
            });
    }

    private static void Update(ProgressTask bar, ProgressItem item)
    {
        bar.Description = Markup.Escape(item.Description);
        bar.IsIndeterminate = item.Total == 0 && !item.Finished;
        bar.MaxValue = Math.Max(1, item.Total);
        bar.Value = item.Finished && item.Total == 0 ? 1 : Math.Min(item.Done, bar.MaxValue);
    }

    /// <summary>True when <paramref name="work"/> ended (in any way) within <paramref name="interval"/>.</summary>
    private static async Task<bool> WaitAsync(Task work, TimeSpan interval, CancellationToken cancellationToken)
    {
        try
        {
            await work.WaitAsync(interval, cancellationToken);
            return true;
        }
        catch (TimeoutException)
        {
            return false;
        }
        catch (Exception) when (work.IsCompleted)
        {
            // The work's own failure is reported by the caller awaiting it; here it only means "done".
            return true;
        }
    }

    private static async Task<ProgressSnapshot> PollQuietlyAsync(Func<CancellationToken, Task<ProgressSnapshot>> poll, CancellationToken cancellationToken)
    {
        try
        {
            return await poll(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            return ProgressSnapshot.Empty;
        }
    }
}
