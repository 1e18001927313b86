using System.Diagnostics;
using System.Globalization;
using Stellar.HistoryWork.Scheduling;

namespace Stellar.HistoryWork.Benchmarks.Download;

/// <summary>
/// <c>catchup-archive SOURCE WORKDIR</c>: downloads every checkpoint of an archive (a directory or an
/// http:// URL) with <see cref="HistoryWorkBuilder"/> and <see cref="WorkScheduler"/> into WORKDIR, which
/// should be empty, and prints time and memory.
/// </summary>
internal static class CatchupArchiveCommand
{
    public static bool TryRun(string[] args)
    {
        if (args.Length < 3 || args[0] != "catchup-archive")
        {
            return false;
        }

        RunAsync(args[1], args[2]).GetAwaiter().GetResult();
        return true;
    }

    private static async Task RunAsync(string source, string workDirectory)
    {
        IArchiveReader archive = source.StartsWith("http://", StringComparison.Ordinal)
            ? new HttpArchiveReader(new Uri(source))
            : new LocalArchiveReader(source);
        var watch = Stopwatch.StartNew();
        HistoryArchiveState root;
        await using (var stream = await archive.OpenReadAsync(ArchivePaths.WellKnownState))
        {
            root = await HistoryArchiveState.ReadAsync(stream, ArchivePaths.WellKnownState);
        }

        var range = new CheckpointRange(CheckpointMath.Default.FirstCheckpoint, root.CurrentLedger, CheckpointMath.Default);
        using var state = new SharedHistoryState();
        var builder = new HistoryWorkBuilder(archive, range, state, new HistoryWorkOptions { WorkDirectory = workDirectory });
        await using var scheduler = new WorkScheduler();
        builder.Register(scheduler);
        var result = await scheduler.RunToCompletionAsync();
        watch.Stop();
        var bytes = Directory.EnumerateFiles(workDirectory, "*", SearchOption.AllDirectories).Sum(f => new FileInfo(f).Length);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"ok={result.Succeeded} checkpoints={range.Count} stored_bytes={bytes} seconds={watch.Elapsed.TotalSeconds:F3} {MemoryFigures.Describe()}"));
        if (!result.Succeeded)
        {
            foreach (var work in result.Works.Where(w => w.State != WorkState.Succeeded))
            {
                Console.WriteLine($"{work.Name}: {work.State} {work.Reason}");
            }

            Environment.ExitCode = 1;
        }

        (archive as IDisposable)?.Dispose();
    }
}
