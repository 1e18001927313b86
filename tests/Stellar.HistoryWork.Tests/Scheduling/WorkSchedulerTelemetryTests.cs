using System.Diagnostics;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Logging;
using Stellar.HistoryWork.Scheduling;

namespace Stellar.HistoryWork.Tests.Scheduling;

public class WorkSchedulerTelemetryTests
{
    private const string WorkTypeTag = "stellar.work.type";

    [Fact]
    public async Task RunToCompletionAsync_Metrics_CountAttemptsRetriesDurationsAndEndBalanced()
    {
        using var meterFactory = new TestMeterFactory();
        using var duration = Collector<double>(meterFactory, "stellar.work.duration");
        using var attempts = Collector<long>(meterFactory, "stellar.work.attempts");
        using var retries = Collector<long>(meterFactory, "stellar.work.retries");
        using var completed = Collector<long>(meterFactory, "stellar.work.completed");
        using var active = Collector<long>(meterFactory, "stellar.work.active");
        using var queued = Collector<long>(meterFactory, "stellar.work.queued");
        await using var scheduler = new WorkScheduler(new WorkSchedulerOptions { MeterFactory = meterFactory, RetryDelay = _ => TimeSpan.Zero });
        for (var i = 0; i < 3; i++)
        {
            scheduler.Add(DelegateWork.Succeeding($"/archive/bucket/{i}.xdr.gz"));
        }

        var calls = 0;
        var flaky = scheduler.Add(new OtherWork("/archive/ledger/flaky.xdr.gz", _ => ++calls == 1 ? WorkOutcome.Retry("once") : WorkOutcome.Success));
        scheduler.Add(DelegateWork.Succeeding("after"), [flaky]);

        await scheduler.RunToCompletionAsync().Guard();

        attempts.GetMeasurementSnapshot().EvaluateAsCounter().Should().Be(6);
        attempts.GetMeasurementSnapshot().ContainsTags(WorkTypeTag).Should().HaveCount(6);
        attempts.GetMeasurementSnapshot().Where(m => (string?)m.Tags[WorkTypeTag] == nameof(OtherWork)).Should().HaveCount(2);
        retries.GetMeasurementSnapshot().Should().ContainSingle().Which.Tags[WorkTypeTag].Should().Be(nameof(OtherWork));
        duration.Instrument!.Unit.Should().Be("s");
        var durations = duration.GetMeasurementSnapshot();
        durations.Should().HaveCount(6).And.OnlyContain(m => m.Value >= 0);
        durations.Select(m => m.Tags["stellar.work.outcome"]).Should().Contain("retry").And.Contain("success");
        completed.GetMeasurementSnapshot().EvaluateAsCounter().Should().Be(5);
        active.GetMeasurementSnapshot().Should().NotBeEmpty();
        active.GetMeasurementSnapshot().EvaluateAsCounter().Should().Be(0);
        queued.GetMeasurementSnapshot().Should().NotBeEmpty();
        queued.GetMeasurementSnapshot().EvaluateAsCounter().Should().Be(0);
        foreach (var collector in new[] { attempts.GetMeasurementSnapshot(), retries.GetMeasurementSnapshot(), completed.GetMeasurementSnapshot() })
        {
            collector.SelectMany(m => m.Tags.Values).OfType<string>().Should().NotContain(v => v.Contains('/'), "tags must stay low-cardinality, never a path");
        }
    }

    [Fact]
    public async Task RunToCompletionAsync_CompletedMetric_TagsEachFinalState()
    {
        using var meterFactory = new TestMeterFactory();
        using var completed = Collector<long>(meterFactory, "stellar.work.completed");
        await using var scheduler = new WorkScheduler(new WorkSchedulerOptions { MeterFactory = meterFactory });
        var bad = scheduler.Add(new DelegateWork("bad", () => WorkOutcome.Failed("no")));
        scheduler.Add(DelegateWork.Succeeding("blocked"), [bad]);
        scheduler.Add(DelegateWork.Succeeding("good"));

        await scheduler.RunToCompletionAsync().Guard();

        completed.GetMeasurementSnapshot().Select(m => m.Tags["stellar.work.outcome"])
            .Should().BeEquivalentTo(["failed", "blocked", "success"]);
    }

    [Fact]
    public async Task RunToCompletionAsync_Logging_UsesStableEventIds()
    {
        var loggers = new RecordingLoggerFactory();
        await using var scheduler = new WorkScheduler(new WorkSchedulerOptions { LoggerFactory = loggers, RetryDelay = _ => TimeSpan.Zero });
        var calls = 0;
        scheduler.Add(new DelegateWork("flaky", () => ++calls == 1 ? WorkOutcome.Retry("once") : WorkOutcome.Success));
        var bad = scheduler.Add(new DelegateWork("bad", () => WorkOutcome.Failed("broken")));
        scheduler.Add(DelegateWork.Succeeding("blocked"), [bad]);

        await scheduler.RunToCompletionAsync().Guard();

        var ids = loggers.Entries.Select(e => e.EventId.Id).ToList();
        ids.Should().Contain([3000, 3001, 3010, 3011, 3012, 3013, 3015]);
        loggers.Entries.Should().Contain(e => e.EventId.Id == 3012 && e.Level == LogLevel.Warning && e.Message.Contains("flaky"));
        loggers.Entries.Should().Contain(e => e.EventId.Id == 3013 && e.Level == LogLevel.Error && e.Message.Contains("broken"));
        loggers.Entries.Should().OnlyContain(e => e.Category == typeof(WorkScheduler).FullName);
    }

    [Fact]
    public async Task RunToCompletionAsync_WorkLogger_IsCategorizedByWorkType()
    {
        var loggers = new RecordingLoggerFactory();
        await using var scheduler = new WorkScheduler(new WorkSchedulerOptions { LoggerFactory = loggers });
        scheduler.Add(new DelegateWork("talks", (ctx, _) =>
        {
            ctx.Logger.Log(LogLevel.Information, new EventId(1), "hello from the work", null, (state, _) => state);
            return new ValueTask<WorkOutcome>(WorkOutcome.Success);
        }));

        await scheduler.RunToCompletionAsync().Guard();

        loggers.Entries.Should().Contain(e => e.Category == typeof(DelegateWork).FullName && e.Message == "hello from the work");
    }

    [Fact]
    public async Task RunToCompletionAsync_WithListener_EmitsRunAndAttemptActivities()
    {
        var activities = new List<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == HistoryWorkInfo.TelemetryName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activity =>
            {
                lock (activities)
                {
                    activities.Add(activity);
                }
            },
        };
        ActivitySource.AddActivityListener(listener);
        await using var scheduler = new WorkScheduler();
        scheduler.Add(new TracedWork());

        await scheduler.RunToCompletionAsync().Guard();

        Activity[] mine;
        lock (activities)
        {
            mine = activities.Where(a => (string?)a.GetTagItem(WorkTypeTag) == nameof(TracedWork)).ToArray();
        }

        var attempt = mine.Should().ContainSingle().Subject;
        attempt.OperationName.Should().Be("stellar.work.attempt");
        attempt.Parent.Should().NotBeNull();
        attempt.Parent!.OperationName.Should().Be("stellar.work.run");
    }

    private static MetricCollector<T> Collector<T>(TestMeterFactory meterFactory, string instrument)
        where T : struct =>
        new(meterFactory, HistoryWorkInfo.TelemetryName, instrument);

    private sealed class TracedWork : IWork
    {
        public string Name => "traced";

        public ValueTask<WorkOutcome> RunAsync(WorkContext context, CancellationToken cancellationToken) => new(WorkOutcome.Success);
    }
}
