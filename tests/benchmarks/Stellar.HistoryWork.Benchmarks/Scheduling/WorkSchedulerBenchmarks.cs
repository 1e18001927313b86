using BenchmarkDotNet.Attributes;
using Stellar.HistoryWork.Scheduling;

namespace Stellar.HistoryWork.Benchmarks.Scheduling;

/// <summary>
/// End-to-end throughput of trivial works (add + run + result), per work: works/second = 1e9 / Mean(ns).
/// DESIGN.md §4 asks for at least 50,000 works/second.
/// </summary>
[MemoryDiagnoser]
[SimpleJob(launchCount: 1, warmupCount: 3, iterationCount: 8)]
public class WorkSchedulerBenchmarks
{
    private const int Works = 10_000;

    [Params(1, 16)]
    public int MaxConcurrency { get; set; }

    /// <summary>Each work depends on the one before: no parallelism, pure hand-off cost.</summary>
    [Benchmark(OperationsPerInvoke = Works)]
    public async Task<bool> Chain()
    {
        await using var scheduler = NewScheduler();
        WorkId? previous = null;
        for (var i = 0; i < Works; i++)
        {
            previous = scheduler.Add(TrivialWork.Instance, previous is { } p ? [p] : null);
        }

        return (await scheduler.RunToCompletionAsync().ConfigureAwait(false)).Succeeded;
    }

    /// <summary>One root, all others depend on it, one sink depends on all of them.</summary>
    [Benchmark(OperationsPerInvoke = Works)]
    public async Task<bool> FanOutFanIn()
    {
        await using var scheduler = NewScheduler();
        var root = scheduler.Add(TrivialWork.Instance);
        var middle = new WorkId[Works - 2];
        WorkId[] rootOnly = [root];
        for (var i = 0; i < middle.Length; i++)
        {
            middle[i] = scheduler.Add(TrivialWork.Instance, rootOnly);
        }

        scheduler.Add(TrivialWork.Instance, middle);
        return (await scheduler.RunToCompletionAsync().ConfigureAwait(false)).Succeeded;
    }

    /// <summary>No dependencies at all.</summary>
    [Benchmark(OperationsPerInvoke = Works)]
    public async Task<bool> Independent()
    {
        await using var scheduler = NewScheduler();
        for (var i = 0; i < Works; i++)
        {
            scheduler.Add(TrivialWork.Instance);
        }

        return (await scheduler.RunToCompletionAsync().ConfigureAwait(false)).Succeeded;
    }

    /// <summary>Works that complete asynchronously (one Task.Yield), in a fan-out: the usual shape of I/O work.</summary>
    [Benchmark(OperationsPerInvoke = Works)]
    public async Task<bool> IndependentYielding()
    {
        await using var scheduler = NewScheduler();
        for (var i = 0; i < Works; i++)
        {
            scheduler.Add(YieldingWork.Instance);
        }

        return (await scheduler.RunToCompletionAsync().ConfigureAwait(false)).Succeeded;
    }

    /// <summary>The fixed cost of one scheduler with one work (construction, start, worker, result).</summary>
    [Benchmark]
    public async Task<bool> SingleWorkRun()
    {
        await using var scheduler = NewScheduler();
        scheduler.Add(TrivialWork.Instance);
        return (await scheduler.RunToCompletionAsync().ConfigureAwait(false)).Succeeded;
    }

    private WorkScheduler NewScheduler() => new(new WorkSchedulerOptions { MaxConcurrency = MaxConcurrency });

    private sealed class TrivialWork : IWork
    {
        public static readonly TrivialWork Instance = new();

        public string Name => "trivial";

        public ValueTask<WorkOutcome> RunAsync(WorkContext context, CancellationToken cancellationToken) => new(WorkOutcome.Success);
    }

    private sealed class YieldingWork : IWork
    {
        public static readonly YieldingWork Instance = new();

        public string Name => "yielding";

        public async ValueTask<WorkOutcome> RunAsync(WorkContext context, CancellationToken cancellationToken)
        {
            await Task.Yield();
            return WorkOutcome.Success;
        }
    }
}
