using System.Collections.Concurrent;
using Stellar.HistoryWork.Scheduling;

namespace Stellar.HistoryWork.Tests.Scheduling;

public class WorkSchedulerPropertyTests
{
    private enum Step
    {
        Success,
        Retry,
        Throw,
        Fail,
        Fatal,
    }

    [Fact]
    public async Task RunToCompletionAsync_RandomDags_KeepOrderLimitAndEndAsASimpleModelPredicts()
    {
        SchedulerTesting.ClearSynchronizationContext();
        for (var seed = 1; seed <= 300; seed++)
        {
            await RunOneAsync(seed);
        }
    }

    private static async Task RunOneAsync(int seed)
    {
        var random = new Random(seed);
        var count = random.Next(1, 80);
        var limit = random.Next(1, 9);
        var sequence = 0;
        var current = 0;
        var max = 0;
        var firstStart = new ConcurrentDictionary<int, int>();
        var success = new ConcurrentDictionary<int, int>();
        var attempts = new int[count];
        var scripts = new Step[count][];
        var maxRetries = new int[count];
        var dependencies = new int[count][];
        var ids = new WorkId[count];

        await using var scheduler = new WorkScheduler(new WorkSchedulerOptions { MaxConcurrency = limit, RetryDelay = _ => TimeSpan.Zero });
        for (var i = 0; i < count; i++)
        {
            var index = i;
            dependencies[i] = Enumerable.Range(0, i == 0 ? 0 : random.Next(0, 4)).Select(_ => random.Next(0, index)).Distinct().ToArray();
            maxRetries[i] = random.Next(0, 3);
            var script = scripts[i] = Enumerable.Range(0, 3).Select(_ => PickStep(random)).ToArray();
            var yields = random.Next(0, 3);
            var work = new DelegateWork($"w{i}", async (context, _) =>
            {
                WorkSchedulerConcurrencyTests.InterlockedMax(ref max, Interlocked.Increment(ref current));
                Interlocked.Increment(ref attempts[index]);
                firstStart.TryAdd(index, Interlocked.Increment(ref sequence));
                for (var y = 0; y < yields; y++)
                {
                    await Task.Yield();
                }

                var step = script[Math.Min(context.Attempt - 1, script.Length - 1)];
                if (step == Step.Success)
                {
                    success[index] = Interlocked.Increment(ref sequence);
                }

                Interlocked.Decrement(ref current);
                return step switch
                {
                    Step.Success => WorkOutcome.Success,
                    Step.Retry => WorkOutcome.Retry("scripted retry"),
                    Step.Throw => throw new InvalidOperationException("scripted throw"),
                    Step.Fail => WorkOutcome.Failed("scripted failure"),
                    _ => throw new FatalWorkException("scripted fatal"),
                };
            });
            ids[i] = scheduler.Add(work, dependencies[i].Select(d => ids[d]), maxRetries[i]);
        }

        var result = await scheduler.RunToCompletionAsync().Guard();

        var because = $"seed {seed} ({count} works, limit {limit})";
        max.Should().BeLessThanOrEqualTo(limit, because);
        var expected = Model(scripts, maxRetries, dependencies);
        for (var i = 0; i < count; i++)
        {
            var work = result[ids[i]];
            work.State.Should().Be(expected[i].State, "{0}, work {1}", because, i);
            work.Attempts.Should().Be(expected[i].Attempts, "{0}, work {1}", because, i);
            attempts[i].Should().Be(work.Attempts, because);
            if (firstStart.TryGetValue(i, out var start))
            {
                foreach (var dependency in dependencies[i])
                {
                    success.Should().ContainKey(dependency, because);
                    success[dependency].Should().BeLessThan(start, "{0}: work {1} started before dependency {2} succeeded", because, i, dependency);
                }
            }
        }

        result.Succeeded.Should().Be(expected.All(e => e.State == WorkState.Succeeded), because);
    }

    // What the contract says should happen, computed without the scheduler (works were added in topological order).
    private static (WorkState State, int Attempts)[] Model(Step[][] scripts, int[] maxRetries, int[][] dependencies)
    {
        var outcome = new (WorkState State, int Attempts)[scripts.Length];
        for (var i = 0; i < scripts.Length; i++)
        {
            if (dependencies[i].Any(d => outcome[d].State != WorkState.Succeeded))
            {
                outcome[i] = (WorkState.Blocked, 0);
                continue;
            }

            for (var attempt = 1; ; attempt++)
            {
                var step = scripts[i][Math.Min(attempt - 1, scripts[i].Length - 1)];
                if (step == Step.Success)
                {
                    outcome[i] = (WorkState.Succeeded, attempt);
                    break;
                }

                if (step is Step.Fail or Step.Fatal || attempt > maxRetries[i])
                {
                    outcome[i] = (WorkState.Failed, attempt);
                    break;
                }
            }
        }

        return outcome;
    }

    private static Step PickStep(Random random) => random.Next(100) switch
    {
        < 70 => Step.Success,
        < 82 => Step.Retry,
        < 90 => Step.Throw,
        < 95 => Step.Fail,
        _ => Step.Fatal,
    };
}
