using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Stellar.HistoryWork.Telemetry;

namespace Stellar.HistoryWork.Tests.Support;

/// <summary>Collects the archive counters; tests filter by their own archive name because the meter is shared.</summary>
internal sealed class ArchiveMetrics : IDisposable
{
    private readonly MetricCollector<long> _files = new(HistoryWorkTelemetry.For(null).Meter, HistoryWorkTelemetry.ArchiveInstruments.FilesName);
    private readonly MetricCollector<long> _bytes = new(HistoryWorkTelemetry.For(null).Meter, HistoryWorkTelemetry.ArchiveInstruments.BytesName);
    private readonly MetricCollector<long> _failures = new(HistoryWorkTelemetry.For(null).Meter, HistoryWorkTelemetry.ArchiveInstruments.FailuresName);
    private readonly MetricCollector<long> _retries = new(HistoryWorkTelemetry.For(null).Meter, HistoryWorkTelemetry.ArchiveInstruments.RetriesName);

    public long Files(string archive) => Sum(_files, archive);

    public long Bytes(string archive) => Sum(_bytes, archive);

    public long Retries(string archive) => Sum(_retries, archive);

    public long Failures(string archive, string? reason = null) => _failures.GetMeasurementSnapshot()
        .Where(m => Equals(m.Tags[HistoryWorkTelemetry.ArchiveInstruments.ArchiveTag], archive) && (reason is null || Equals(m.Tags[HistoryWorkTelemetry.ArchiveInstruments.ReasonTag], reason)))
        .Sum(m => m.Value);

    public void Dispose()
    {
        _files.Dispose();
        _bytes.Dispose();
        _failures.Dispose();
        _retries.Dispose();
    }

    private static long Sum(MetricCollector<long> collector, string archive) => collector.GetMeasurementSnapshot()
        .Where(m => Equals(m.Tags[HistoryWorkTelemetry.ArchiveInstruments.ArchiveTag], archive))
        .Sum(m => m.Value);
}
