using BenchmarkDotNet.Running;

// Run with: dotnet run -c Release --project tests/benchmarks/Stellar.HistoryWork.Benchmarks -- --filter '*'
if (Stellar.HistoryWork.Benchmarks.Verification.VerifyArchiveCommand.TryRun(args))
{
    return;
}

BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);

internal sealed partial class Program;
