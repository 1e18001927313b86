using System.Diagnostics;
using System.Globalization;
using Stellar.HistoryWork.Verification;

namespace Stellar.HistoryWork.Benchmarks.Verification;

/// <summary>
/// <c>verify-archive DIR [FROM]</c>: one timed <see cref="ArchiveVerifier"/> run over a local archive, for
/// scripts/bench-verify.sh, which compares it with <c>gzip -dc | sha256sum</c> over the same files.
/// </summary>
internal static class VerifyArchiveCommand
{
    public static bool TryRun(string[] args)
    {
        if (args.Length < 2 || args[0] != "verify-archive")
        {
            return false;
        }

        var from = args.Length > 2 ? uint.Parse(args[2], CultureInfo.InvariantCulture) : (uint?)null;
        var options = new ArchiveVerifierOptions { FromLedger = from, MaxConcurrency = Concurrency(), Limits = Limits() };
        var watch = Stopwatch.StartNew();
        var report = new ArchiveVerifier(new LocalArchiveReader(args[1]), options).VerifyAsync().GetAwaiter().GetResult();
        watch.Stop();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"ok={report.Ok} checkpoints={report.Checkpoints} files={report.Files} bytes={report.Bytes} problems={report.Problems.Count} seconds={watch.Elapsed.TotalSeconds:F3} {MemoryFigures.Describe()}"));
        foreach (var problem in report.Problems.Take(20))
        {
            Console.WriteLine(problem.Message);
        }

        return true;
    }

    // VERIFY_BUFFER overrides the bucket read buffer size, for experiments.
    private static HistoryVerificationOptions Limits() =>
        int.TryParse(Environment.GetEnvironmentVariable("VERIFY_BUFFER"), CultureInfo.InvariantCulture, out var n)
            ? new HistoryVerificationOptions { BucketBufferSize = n }
            : HistoryVerificationOptions.Default;

    // VERIFY_CONCURRENCY overrides the default of two files per core, for experiments.
    private static int Concurrency() =>
        int.TryParse(Environment.GetEnvironmentVariable("VERIFY_CONCURRENCY"), CultureInfo.InvariantCulture, out var n) ? n : Environment.ProcessorCount * 2;
}
