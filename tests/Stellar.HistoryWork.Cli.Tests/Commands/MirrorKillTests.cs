using System.Diagnostics;
using Stellar.HistoryWork.Cli.Tests.Support;
using Stellar.TestSupport;

namespace Stellar.HistoryWork.Cli.Tests.Commands;

/// <summary>
/// Crash safety with a real process kill (issue 12): <c>stellar-history mirror</c> runs as a child process and is
/// SIGKILLed the moment the first file of a publish phase lands at the target (buckets, checkpoint files, HAS
/// files: the target directory is watched, so the point is reached, not timed). Whatever the kill left, the target
/// never shows a HAS whose files are missing or damaged, no file under a final name differs from the source, and the
/// same command run again finishes with a copy identical to the source.
/// </summary>
public class MirrorKillTests
{
    private static readonly TimeSpan ChildTimeout = TimeSpan.FromMinutes(3);

    [Theory]
    [InlineData("bucket/")]
    [InlineData("ledger/,transactions/,results/,scp/")]
    [InlineData("history/")]
    public async Task Mirror_KilledWhenAPublishPhaseBegins_TargetStaysConsistentAndARerunCompletesIt(string phase)
    {
        using var temp = new TempDirectory();
        var source = Fixtures.PubnetLegacy;
        var target = temp.Combine("target");
        Directory.CreateDirectory(target);
        string[] args = [CommandDll, "mirror", "--archive", source, "--to-archive", target, "--work-dir", temp.Combine("work"), "--quiet"];

        var killedAt = await RunAndKillAtAsync(args, target, phase.Split(','));

        killedAt.Should().NotBeNull("the mirror reached the phase and was killed while still running");
        TargetIsConsistent(source, target);
        var rerun = await ProcessRun.RunAsync("dotnet", args, timeout: ChildTimeout);
        rerun.ExitCode.Should().Be(ExitCodes.Ok, rerun.ToString());
        FinalNames(target).Should().Equal(FinalNames(source), "the rerun completes the copy");
        TargetIsConsistent(source, target);
    }

    private static string CommandDll => Path.Combine(AppContext.BaseDirectory, "stellar-history.dll");

    /// <summary>Starts the mirror and SIGKILLs it when the first file under one of <paramref name="phase"/> lands; returns that file, or null when the run ended first.</summary>
    private static async Task<string?> RunAndKillAtAsync(string[] args, string target, string[] phase)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        var landed = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        using var watcher = new FileSystemWatcher(target) { IncludeSubdirectories = true };
        void Seen(string fullPath)
        {
            var path = Path.GetRelativePath(target, fullPath).Replace('\\', '/');
            if (!Path.GetFileName(path).StartsWith('.') && phase.Any(p => path.StartsWith(p, StringComparison.Ordinal)) && File.Exists(fullPath))
            {
                landed.TrySetResult(path);
            }
        }

        // A file may land in a new directory before the watcher watches that directory (inotify adds it only once
        // told of the directory), so a new directory is searched for what is already in it.
        watcher.Created += (_, e) =>
        {
            Seen(e.FullPath);
            if (Directory.Exists(e.FullPath))
            {
                foreach (var file in Directory.EnumerateFiles(e.FullPath, "*", SearchOption.AllDirectories))
                {
                    Seen(file);
                }
            }
        };
        watcher.Renamed += (_, e) => Seen(e.FullPath);
        watcher.EnableRaisingEvents = true;

        using var process = Process.Start(start)!;
        try
        {
            var output = process.StandardOutput.ReadToEndAsync();
            var error = process.StandardError.ReadToEndAsync();
            var first = await Task.WhenAny(landed.Task, process.WaitForExitAsync()).WaitAsync(ChildTimeout);
            if (first != landed.Task || process.HasExited)
            {
                await process.WaitForExitAsync().WaitAsync(ChildTimeout);
                return null;
            }

            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync().WaitAsync(ChildTimeout);
            _ = await Task.WhenAll(output, error).WaitAsync(ChildTimeout);
            return await landed.Task;
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }
    }

    /// <summary>
    /// Every file under a final name is the source's, byte for byte (temporary names of a killed write start with a
    /// dot and are swept by a later run), and every HAS — <c>.well-known</c> included — names only files that are there.
    /// </summary>
    private static void TargetIsConsistent(string source, string target)
    {
        foreach (var path in FinalNames(target))
        {
            File.ReadAllBytes(Path.Combine(target, path)).Should().Equal(File.ReadAllBytes(Path.Combine(source, path)), $"{path} at the target is the source's");
        }

        foreach (var path in FinalNames(target).Where(p => p.EndsWith(".json", StringComparison.Ordinal)))
        {
            var state = HistoryArchiveState.Parse(File.ReadAllBytes(Path.Combine(target, path)), path);
            var needed = state.GetReferencedBuckets().Select(ArchivePaths.Bucket)
                .Concat(new[] { HistoryFileKind.Ledger, HistoryFileKind.Transactions, HistoryFileKind.Results, HistoryFileKind.Scp }
                    .Select(kind => ArchivePaths.CheckpointFile(kind, state.CurrentLedger))
                    .Where(file => File.Exists(Path.Combine(source, file))));
            foreach (var file in needed)
            {
                File.Exists(Path.Combine(target, file)).Should().BeTrue($"{path} is at the target, so {file} must be");
            }
        }
    }

    private static List<string> FinalNames(string root) =>
        [.. Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories)
            .Where(f => !Path.GetFileName(f).StartsWith('.'))
            .Select(f => Path.GetRelativePath(root, f).Replace('\\', '/'))
            .Order(StringComparer.Ordinal)];
}
