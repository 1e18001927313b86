using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Stellar.HistoryWork.Scheduling;
using Stellar.HistoryWork.Tests.Scheduling;
using Stellar.HistoryWork.Tests.Support;
using Stellar.TestSupport;

namespace Stellar.HistoryWork.Tests.Publish;

public class PublishWorkTests
{
    private static readonly CheckpointMath Math64 = CheckpointMath.Default;

    [Fact]
    public async Task RegisterPublish_EmptyTarget_BucketsThenCheckpointFilesThenStatesThenWellKnownLast()
    {
        using var work = new TempDirectory();
        using var target = new TempDirectory();
        var writer = new RecordingArchiveWriter(target.Path);
        var range = new CheckpointRange(9919, 10047, Math64);

        var result = await RunAsync(range, work.Path, everyState: true, writer);

        result.Succeeded.Should().BeTrue(result.ToString());
        var writes = writer.Writes;
        writes.Should().OnlyHaveUniqueItems();
        writes.Should().BeEquivalentTo(ExpectedFiles(range, everyState: true));
        AssertPublishOrder(writes);
        writes[^1].Should().Be(ArchivePaths.WellKnownState);
        PublishAssertions.CopyMatchesSource(Fixtures.TestnetSmall, target.Path);
        (await PublishAssertions.VerifyCopyAsync(target.Path, 9919)).Problems.Should().BeEmpty();
    }

    [Fact]
    public async Task RegisterPublish_CatchupOptions_PublishesEveryStateAndItsBuckets()
    {
        using var work = new TempDirectory();
        using var target = new TempDirectory();
        var writer = new RecordingArchiveWriter(target.Path);
        var range = new CheckpointRange(9919, 10047, Math64);

        var result = await RunAsync(range, work.Path, everyState: false, writer);

        result.Succeeded.Should().BeTrue(result.ToString());
        writer.Writes.Should().BeEquivalentTo(ExpectedFiles(range, everyState: true), "a published range is a complete archive");
        AssertPublishOrder(writer.Writes);
        PublishAssertions.NoStateNamesMissingData(target.Path);
    }

    [Fact]
    public async Task RegisterPublish_WholeArchiveWithDefaultOptions_TargetVerifiesFromGenesisWithEveryState()
    {
        using var work = new TempDirectory();
        using var target = new TempDirectory();
        var range = new CheckpointRange(63, 10047, Math64);

        var result = await RunAsync(range, work.Path, everyState: false, new LocalArchiveWriter(target.Path));

        result.Succeeded.Should().BeTrue(result.ToString());
        Directory.EnumerateFiles(Path.Combine(target.Path, "history"), "history-*.json", SearchOption.AllDirectories).Should().HaveCount(range.Count);
        var report = await PublishAssertions.VerifyCopyAsync(target.Path, 1);
        report.Problems.Should().BeEmpty();
        report.Checkpoints.Should().Be(range.Count);
    }

    [Fact]
    public async Task RegisterPublish_AfterTheDownloadStarted_Throws()
    {
        using var work = new TempDirectory();
        using var target = new TempDirectory();
        using var state = new SharedHistoryState();
        var builder = new HistoryWorkBuilder(new LocalArchiveReader(Fixtures.TestnetSmall), new CheckpointRange(9983, 10047, Math64), state, new HistoryWorkOptions { WorkDirectory = work.Path });
        await using var scheduler = new WorkScheduler();
        var ids = builder.Register(scheduler);
        (await scheduler.RunToCompletionAsync()).Succeeded.Should().BeTrue();

        var publish = () => builder.RegisterPublish(scheduler, new LocalArchiveWriter(target.Path), ids);

        publish.Should().Throw<InvalidOperationException>().WithMessage("*every checkpoint's HAS*");
    }

    public static TheoryData<string> FailingWrites => new()
    {
        "bucket",
        "transactions",
        "scp",
        "history-000026ff",
        ".well-known",
    };

    [Theory]
    [MemberData(nameof(FailingWrites))]
    public async Task RegisterPublish_WriterFailsPartWay_NoStateNamesMissingDataAndARerunCompletes(string failOn)
    {
        using var work = new TempDirectory();
        using var target = new TempDirectory();
        var range = new CheckpointRange(9919, 10047, Math64);
        var failing = new RecordingArchiveWriter(target.Path)
        {
            // Let a few writes through first, so the target is left half-published.
            FailWhen = (path, written) => path.Contains(failOn, StringComparison.Ordinal) && (written > 2 || failOn != "bucket"),
        };

        var failed = await RunAsync(range, work.Path, everyState: true, failing);

        failed.Succeeded.Should().BeFalse();
        failed.Works.Should().Contain(w => w.State == WorkState.Failed && w.Name.StartsWith("publish-", StringComparison.Ordinal));
        PublishAssertions.NoStateNamesMissingData(target.Path);
        Directory.EnumerateFiles(target.Path, "*.partial", SearchOption.AllDirectories).Should().BeEmpty();
        var before = PublishAssertions.Relative(target.Path);
        var healthy = new RecordingArchiveWriter(target.Path);

        var rerun = await RunAsync(range, work.Path, everyState: true, healthy);

        rerun.Succeeded.Should().BeTrue(rerun.ToString());
        healthy.Writes.Should().NotIntersectWith(before, "what reached the target intact is not written again");
        healthy.Writes.Concat(before).Should().BeEquivalentTo(ExpectedFiles(range, everyState: true));
        (await PublishAssertions.VerifyCopyAsync(target.Path, 9919)).Problems.Should().BeEmpty();
    }

    [Fact]
    public async Task RegisterPublish_TwoCheckpointsConcurrentlyOlderStateLast_WellKnownStaysAtTheNewer()
    {
        using var olderWork = new TempDirectory();
        using var newerWork = new TempDirectory();
        using var target = new TempDirectory();
        var newerWellKnown = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var writer = new RecordingArchiveWriter(target.Path)
        {
            // Hold the older checkpoint's HAS until the newer one has set .well-known: the older then comes last.
            BeforeWrite = path => path == ArchivePaths.HistoryState(9983) ? newerWellKnown.Task.WaitAsync(TimeSpan.FromSeconds(60)) : Task.CompletedTask,
            AfterWrite = path =>
            {
                if (path == ArchivePaths.WellKnownState)
                {
                    newerWellKnown.TrySetResult();
                }
            },
        };
        await using var scheduler = new WorkScheduler(new WorkSchedulerOptions { RetryDelay = _ => TimeSpan.FromMilliseconds(1) });
        using var olderState = new SharedHistoryState();
        using var newerState = new SharedHistoryState();
        var older = new HistoryWorkBuilder(new LocalArchiveReader(Fixtures.TestnetSmall), 9983, olderState, new HistoryWorkOptions { WorkDirectory = olderWork.Path });
        var newer = new HistoryWorkBuilder(new LocalArchiveReader(Fixtures.TestnetSmall), 10047, newerState, new HistoryWorkOptions { WorkDirectory = newerWork.Path });
        older.RegisterPublish(scheduler, writer, older.Register(scheduler));
        newer.RegisterPublish(scheduler, writer, newer.Register(scheduler));

        var result = await scheduler.RunToCompletionAsync().WaitAsync(TimeSpan.FromSeconds(120));

        result.Succeeded.Should().BeTrue(result.ToString());
        writer.Writes.Should().ContainInOrder(ArchivePaths.WellKnownState, ArchivePaths.HistoryState(9983));
        writer.Writes.Count(p => p == ArchivePaths.WellKnownState).Should().Be(1, "the older checkpoint must not move .well-known back");
        File.ReadAllBytes(Path.Combine(target.Path, ArchivePaths.WellKnownState))
            .Should().Equal(File.ReadAllBytes(Path.Combine(Fixtures.TestnetSmall, ArchivePaths.HistoryState(10047))));
    }

    [Fact]
    public async Task RegisterPublishWork_TwoTargets_EachInPublishOrderAndBothVerify()
    {
        using var work = new TempDirectory();
        using var first = new TempDirectory();
        using var second = new TempDirectory();
        var writers = new[] { new RecordingArchiveWriter(first.Path, "first"), new RecordingArchiveWriter(second.Path, "second") };
        var range = new CheckpointRange(9919, 10047, Math64);
        using var state = new SharedHistoryState();
        var builder = new HistoryWorkBuilder(new LocalArchiveReader(Fixtures.TestnetSmall), range, state, new HistoryWorkOptions { WorkDirectory = work.Path, FetchEveryHistoryArchiveState = true });
        await using var scheduler = new WorkScheduler(new WorkSchedulerOptions { RetryDelay = _ => TimeSpan.FromMilliseconds(1) });
        var publish = builder.RegisterPublishWork(scheduler, writers, builder.Register(scheduler));

        var result = await scheduler.RunToCompletionAsync();

        result.Succeeded.Should().BeTrue(result.ToString());
        result[publish].Name.Should().Contain("first").And.Contain("second");
        foreach (var writer in writers)
        {
            writer.Writes.Should().BeEquivalentTo(ExpectedFiles(range, everyState: true));
            AssertPublishOrder(writer.Writes);
        }

        (await PublishAssertions.VerifyCopyAsync(first.Path, 9919)).Problems.Should().BeEmpty();
        (await PublishAssertions.VerifyCopyAsync(second.Path, 9919)).Problems.Should().BeEmpty();
    }

    [Fact]
    public async Task RegisterPublish_Metrics_BytesFilesAndCheckpointsPerTargetNameAndFailures()
    {
        using var work = new TempDirectory();
        using var target = new TempDirectory();
        using var meters = new TestMeterFactory();
        using var bytes = new MetricCollector<long>(meters, HistoryWorkInfo.TelemetryName, "history.publish.bytes");
        using var files = new MetricCollector<long>(meters, HistoryWorkInfo.TelemetryName, "history.publish.files");
        using var success = new MetricCollector<long>(meters, HistoryWorkInfo.TelemetryName, "history.publish.success");
        using var failure = new MetricCollector<long>(meters, HistoryWorkInfo.TelemetryName, "history.publish.failure");
        using var time = new MetricCollector<double>(meters, HistoryWorkInfo.TelemetryName, "history.publish.time");
        var failedOnce = 0;
        var writer = new RecordingArchiveWriter(target.Path, "mirror-a")
        {
            FailWhen = (path, _) => path.StartsWith("scp/", StringComparison.Ordinal) && Interlocked.Exchange(ref failedOnce, 1) == 0,
        };
        var range = new CheckpointRange(9919, 10047, Math64);

        var result = await RunAsync(range, work.Path, everyState: true, writer, meters);

        result.Succeeded.Should().BeTrue(result.ToString());
        var written = writer.Writes.Sum(p => new FileInfo(Path.Combine(target.Path, p)).Length);
        bytes.GetMeasurementSnapshot().Should().OnlyContain(m => Equals(m.Tags["archive"], "mirror-a"));
        bytes.GetMeasurementSnapshot().Sum(m => m.Value).Should().Be(written);
        files.GetMeasurementSnapshot().Where(m => Equals(m.Tags["result"], "written")).Sum(m => m.Value).Should().Be(writer.Writes.Count);
        success.GetMeasurementSnapshot().Sum(m => m.Value).Should().Be(range.Count);
        failure.GetMeasurementSnapshot().Should().ContainSingle().Which.Tags["stage"].Should().Be("scp");
        time.GetMeasurementSnapshot().Should().NotBeEmpty().And.OnlyContain(m => m.Value >= 0 && Equals(m.Tags["archive"], "mirror-a"));
    }

    private static async Task<WorkSchedulerResult> RunAsync(CheckpointRange range, string workDirectory, bool everyState, IArchiveWriter writer, TestMeterFactory? meters = null)
    {
        using var state = new SharedHistoryState();
        var options = new HistoryWorkOptions { WorkDirectory = workDirectory, FetchEveryHistoryArchiveState = everyState, MeterFactory = meters, PublishRetries = WorkRetries.Once };
        var builder = new HistoryWorkBuilder(new LocalArchiveReader(Fixtures.TestnetSmall), range, state, options);
        await using var scheduler = new WorkScheduler(new WorkSchedulerOptions { RetryDelay = _ => TimeSpan.FromMilliseconds(1) });
        var ids = builder.RegisterPublish(scheduler, writer, builder.Register(scheduler));
        ids.All.Should().HaveCount(6);
        return await scheduler.RunToCompletionAsync();
    }

    /// <summary>What a publish of <paramref name="range"/> from the testnet fixture must write, computed from the source.</summary>
    private static List<string> ExpectedFiles(CheckpointRange range, bool everyState)
    {
        var states = (everyState ? range.ToList() : [range.Last])
            .Select(c => HistoryArchiveState.Parse(File.ReadAllBytes(Path.Combine(Fixtures.TestnetSmall, ArchivePaths.HistoryState(c))), "has"))
            .ToList();
        var files = states.SelectMany(s => s.GetReferencedBuckets()).Distinct().Select(ArchivePaths.Bucket).ToList();
        foreach (var checkpoint in range)
        {
            files.AddRange(Enum.GetValues<HistoryFileKind>().Select(k => ArchivePaths.CheckpointFile(k, checkpoint)));
        }

        files.AddRange(states.Select(s => ArchivePaths.HistoryState(s.CurrentLedger)));
        files.Add(ArchivePaths.WellKnownState);
        return files;
    }

    private static void AssertPublishOrder(IReadOnlyList<string> writes)
    {
        static int Rank(string path) =>
            path.StartsWith("bucket/", StringComparison.Ordinal) ? 0
            : ArchivePaths.TryParseCheckpointFile(path, out _, out _) ? 1
            : ArchivePaths.TryParseHistoryState(path, out _) ? 2
            : path == ArchivePaths.WellKnownState ? 3
            : throw new InvalidOperationException($"unexpected write {path}");

        writes.Select(Rank).Should().BeInAscendingOrder("buckets, then checkpoint files, then HAS files, then .well-known");
        writes.Select(p => ArchivePaths.TryParseHistoryState(p, out var c) ? c : 0u).Where(c => c > 0).Should().BeInAscendingOrder();
    }
}
