using System.Diagnostics.Metrics;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Stellar.HistoryWork.Download;
using Stellar.HistoryWork.Scheduling;
using Stellar.HistoryWork.Telemetry;
using Stellar.HistoryWork.Tests.Download;
using Stellar.HistoryWork.Tests.Scheduling;
using Stellar.HistoryWork.Tests.Support;
using Stellar.TestSupport;
using Instruments = Stellar.HistoryWork.Telemetry.HistoryWorkTelemetry.DownloadInstruments;

namespace Stellar.HistoryWork.Tests.Telemetry;

public class HistoryWorkTelemetryTests
{
    private static readonly CheckpointRange Range = new(9919, 10047, CheckpointMath.Default);

    [Fact]
    public void For_SchedulerReaderAndStoreOnOneFactory_CreateOneMeter()
    {
        var factory = new CountingMeterFactory();
        using var work = new TempDirectory();

        _ = new WorkScheduler(new WorkSchedulerOptions { MeterFactory = factory });
        _ = new LocalArchiveReader(Fixtures.TestnetSmall, meterFactory: factory);
        _ = new HttpArchiveReader(new Uri("http://127.0.0.1:9/"), options: new HttpArchiveReaderOptions { MeterFactory = factory });
        _ = new VerifiedFileStore(work.Path, factory);
        _ = new VerifyBucketWork("x.xdr.gz", new string('1', 64), new HistoryWorkOptions { MeterFactory = factory });

        factory.Created.Should().ContainSingle().Which.Name.Should().Be(HistoryWorkInfo.TelemetryName);
        HistoryWorkTelemetry.For(factory).Meter.Should().BeSameAs(factory.Created[0]);
    }

    [Fact]
    public async Task Catchup_WholeRange_CountsBytesAndFilesPerKindAndOneSuccessfulDuration()
    {
        using var factory = new TestMeterFactory();
        using var metrics = new DownloadMetrics(factory);
        using var work = new TempDirectory();
        using var harness = new CatchupHarness(new LocalArchiveReader(Fixtures.TestnetSmall, meterFactory: factory), Range, work.Path, new HistoryWorkOptions { MeterFactory = factory });

        (await harness.RunAsync()).Succeeded.Should().BeTrue();

        foreach (var kind in new[] { HistoryFileKind.Ledger, HistoryFileKind.Transactions, HistoryFileKind.Results, HistoryFileKind.Scp })
        {
            var name = ArchivePaths.CategoryOf(kind);
            var expectedBytes = Range.Sum(c => new FileInfo(WorkRunner.Local(Fixtures.TestnetSmall, ArchivePaths.CheckpointFile(kind, c))).Length);
            DownloadMetrics.Sum(metrics.Throughput, name).Should().Be(expectedBytes, name);
            DownloadMetrics.Sum(metrics.GetSuccess, name).Should().Be(Range.Count, name);
            DownloadMetrics.Sum(metrics.CheckSuccess, name).Should().Be(Range.Count, name);
        }

        var buckets = Directory.EnumerateFiles(Path.Combine(work.Path, "bucket"), "*", SearchOption.AllDirectories).ToList();
        DownloadMetrics.Sum(metrics.Throughput, "bucket").Should().Be(buckets.Sum(f => new FileInfo(f).Length));
        DownloadMetrics.Sum(metrics.GetSuccess, "history").Should().Be(1);
        metrics.GetFailure.GetMeasurementSnapshot().Should().BeEmpty();
        metrics.CheckFailure.GetMeasurementSnapshot().Should().BeEmpty();
        var duration = metrics.CatchupDuration.GetMeasurementSnapshot().Should().ContainSingle().Subject;
        duration.Value.Should().BeGreaterThanOrEqualTo(0);
        duration.Tags[Instruments.OutcomeTag].Should().Be("success");
        metrics.AllTagValues().Should().NotContain(v => v.Contains('/'), "tags never carry a path");
    }

    [Fact]
    public async Task Catchup_TamperedTransactions_CountsTheProblemByKindAndAFailedDuration()
    {
        using var archive = new TempDirectory();
        HistoryWorkBuilderTests.CopyDirectory(Fixtures.TestnetSmall, archive.Path);
        ArchiveTampering.FlipByteInLastRecord(WorkRunner.Local(archive.Path, ArchivePaths.CheckpointFile(HistoryFileKind.Transactions, 10047)));
        using var factory = new TestMeterFactory();
        using var metrics = new DownloadMetrics(factory);
        using var work = new TempDirectory();
        using var harness = new CatchupHarness(new LocalArchiveReader(archive.Path), new CheckpointRange(10047, 10047, CheckpointMath.Default), work.Path, new HistoryWorkOptions { MeterFactory = factory, DownloadRetries = WorkRetries.Once });

        (await harness.RunAsync()).Succeeded.Should().BeFalse();

        var failures = metrics.CheckFailure.GetMeasurementSnapshot();
        failures.Should().HaveCount(2, "two attempts each found the problem");
        failures.Should().OnlyContain(m => (string?)m.Tags[Instruments.FileKindTag] == "transactions");
        failures.Select(m => (string?)m.Tags[Instruments.ProblemKindTag]).Should().OnlyContain(k => k == "hash-mismatch" || k == "corrupt");
        metrics.CatchupDuration.GetMeasurementSnapshot().Should().ContainSingle().Which.Tags[Instruments.OutcomeTag].Should().Be("failed");
    }

    [Fact]
    public async Task Catchup_MissingBucket_CountsAFetchFailurePerAttempt()
    {
        using var factory = new TestMeterFactory();
        using var metrics = new DownloadMetrics(factory);
        using var work = new TempDirectory();
        using var harness = new CatchupHarness(new LocalArchiveReader(Fixtures.TestnetHotArchive), new CheckpointRange(127, 127, CheckpointMath.Default), work.Path, new HistoryWorkOptions { MeterFactory = factory, DownloadRetries = WorkRetries.Once });

        await harness.RunAsync();

        DownloadMetrics.Sum(metrics.GetFailure, "bucket").Should().Be(2, "the one absent hot-archive bucket, once per attempt");
        metrics.CheckFailure.GetMeasurementSnapshot().Should().BeEmpty("a missing file is a fetch failure, not a verification problem");
    }

    [Fact]
    public async Task VerifyBucketWork_GoodAndBadFile_CountsCheckSuccessAndFailure()
    {
        using var factory = new TestMeterFactory();
        using var metrics = new DownloadMetrics(factory);
        var options = new HistoryWorkOptions { MeterFactory = factory };
        const string hash = "985df9efcbf64a95583d74326cec318dcea7a894a06ff0e00430925a32f213f1";
        var good = WorkRunner.Local(Fixtures.TestnetSmall, ArchivePaths.Bucket(hash));
        var other = Directory.EnumerateFiles(Path.Combine(Fixtures.TestnetSmall, "bucket"), "*", SearchOption.AllDirectories).First(f => !f.Contains(hash, StringComparison.Ordinal));

        await WorkRunner.RunAsync(new VerifyBucketWork(good, hash, options));
        await WorkRunner.RunAsync(new VerifyBucketWork(other, hash, options), WorkRetries.Never);

        DownloadMetrics.Sum(metrics.CheckSuccess, "bucket").Should().Be(1);
        metrics.CheckFailure.GetMeasurementSnapshot().Should().ContainSingle()
            .Which.Tags[Instruments.ProblemKindTag].Should().Be("hash-mismatch");
    }

    /// <summary>Counts the meters a factory creates, to show the library creates one.</summary>
    private sealed class CountingMeterFactory : IMeterFactory
    {
        public List<Meter> Created { get; } = [];

        public Meter Create(MeterOptions options)
        {
            var meter = new Meter(new MeterOptions(options.Name) { Version = options.Version, Scope = this });
            Created.Add(meter);
            return meter;
        }

        public void Dispose() => Created.ForEach(m => m.Dispose());
    }

    private sealed class DownloadMetrics(IMeterFactory factory) : IDisposable
    {
        public MetricCollector<long> Throughput { get; } = new(factory, HistoryWorkInfo.TelemetryName, Instruments.GetThroughputName);

        public MetricCollector<long> GetSuccess { get; } = new(factory, HistoryWorkInfo.TelemetryName, Instruments.GetSuccessName);

        public MetricCollector<long> GetFailure { get; } = new(factory, HistoryWorkInfo.TelemetryName, Instruments.GetFailureName);

        public MetricCollector<long> CheckSuccess { get; } = new(factory, HistoryWorkInfo.TelemetryName, Instruments.CheckSuccessName);

        public MetricCollector<long> CheckFailure { get; } = new(factory, HistoryWorkInfo.TelemetryName, Instruments.CheckFailureName);

        public MetricCollector<double> CatchupDuration { get; } = new(factory, HistoryWorkInfo.TelemetryName, Instruments.CatchupDurationName);

        public static long Sum(MetricCollector<long> collector, string fileKind) =>
            collector.GetMeasurementSnapshot().Where(m => (string?)m.Tags[Instruments.FileKindTag] == fileKind).Sum(m => m.Value);

        public IEnumerable<string> AllTagValues() =>
            new[] { Throughput, GetSuccess, GetFailure, CheckSuccess, CheckFailure }
                .SelectMany(c => c.GetMeasurementSnapshot())
                .SelectMany(m => m.Tags.Values)
                .Concat(CatchupDuration.GetMeasurementSnapshot().SelectMany(m => m.Tags.Values))
                .OfType<string>();

        public void Dispose()
        {
            Throughput.Dispose();
            GetSuccess.Dispose();
            GetFailure.Dispose();
            CheckSuccess.Dispose();
            CheckFailure.Dispose();
            CatchupDuration.Dispose();
        }
    }
}
