using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Stellar.HistoryWork.Telemetry;

internal sealed partial class HistoryWorkTelemetry
{
    private ArchiveInstruments? _archive;

    /// <summary>Instruments of the archive readers (<c>LocalArchiveReader</c>, <c>HttpArchiveReader</c>).</summary>
    public ArchiveInstruments Archive =>
        LazyInitializer.EnsureInitialized(ref _archive, () => new ArchiveInstruments(Meter));

    /// <summary>
    /// Archive I/O. Tags are the archive's name (one per configured archive) and a failure reason, never a
    /// file path.
    /// </summary>
    internal sealed class ArchiveInstruments
    {
        public const string FilesName = "history.archive.files";
        public const string BytesName = "history.archive.bytes";
        public const string FailuresName = "history.archive.failures";
        public const string RetriesName = "history.archive.retries";

        public const string ArchiveTag = "archive";
        public const string ReasonTag = "reason";

        private readonly Counter<long> _files;
        private readonly Counter<long> _bytes;
        private readonly Counter<long> _failures;
        private readonly Counter<long> _retries;

        public ArchiveInstruments(Meter meter)
        {
            _files = meter.CreateCounter<long>(FilesName, "{file}", "Files read completely from an archive.");
            _bytes = meter.CreateCounter<long>(BytesName, "By", "Bytes read from an archive.");
            _failures = meter.CreateCounter<long>(FailuresName, "{failure}", "Failed archive reads, by reason: not_found, transient, error.");
            _retries = meter.CreateCounter<long>(RetriesName, "{retry}", "Archive reads retried by a pool, by the archive whose failure caused the retry.");
        }

        public void FileCompleted(string archive) => _files.Add(1, new KeyValuePair<string, object?>(ArchiveTag, archive));

        public void BytesRead(string archive, long count) => _bytes.Add(count, new KeyValuePair<string, object?>(ArchiveTag, archive));

        public void Retried(string archive) => _retries.Add(1, new KeyValuePair<string, object?>(ArchiveTag, archive));

        public void Failed(string archive, ArchiveException error)
        {
            var reason = error switch
            {
                ArchiveFileNotFoundException => "not_found",
                ArchiveTransientException => "transient",
                _ => "error",
            };
            _failures.Add(1, new TagList { { ArchiveTag, archive }, { ReasonTag, reason } });
        }
    }
}
