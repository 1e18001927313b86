using BenchmarkDotNet.Running;
using Stellar.HistoryWork.Benchmarks.Archives;
using Stellar.HistoryWork.Benchmarks.Download;
using Stellar.HistoryWork.Benchmarks.Verification;

// BenchmarkDotNet: dotnet run -c Release --project tests/benchmarks/Stellar.HistoryWork.Benchmarks -- --filter '*'
// One-shot drivers for the scripts (scripts/bench-*.sh): make-archive, verify-archive, catchup-archive, serve-archive.
if (MakeArchiveCommand.TryRun(args)
    || VerifyArchiveCommand.TryRun(args)
    || CatchupArchiveCommand.TryRun(args)
    || ServeArchiveCommand.TryRun(args)
    || ProfileBucketCommand.TryRun(args))
{
    return;
}

BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);

internal sealed partial class Program;
