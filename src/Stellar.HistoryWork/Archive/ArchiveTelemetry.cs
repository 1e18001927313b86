using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Stellar.HistoryWork;

/// <summary>
/// Archive I/O metrics. Kept small and separate so it can fold into the library's shared telemetry
/// class; tags are the archive name and a failure reason, never a path.
/// </summary>
internal static class ArchiveTelemetry
{
    public const string FilesName = "history.archive.files";
    public const string BytesName = "history.archive.bytes";
    public const string FailuresName = "history.archive.failures";

    public const string ArchiveTag = "archive";
    public const string ReasonTag = "reason";

    internal static readonly Meter Meter = new(HistoryWorkInfo.TelemetryName);

    private static readonly Counter<long> Files = Meter.CreateCounter<long>(FilesName, "{file}", "Files read completely from an archive.");
    private static readonly Counter<long> Bytes = Meter.CreateCounter<long>(BytesName, "By", "Bytes read from an archive.");
    private static readonly Counter<long> Failures = Meter.CreateCounter<long>(FailuresName, "{failure}", "Failed archive reads, by reason: not_found, transient, error.");

    public static void FileCompleted(string archive) => Files.Add(1, new KeyValuePair<string, object?>(ArchiveTag, archive));

    public static void BytesRead(string archive, long count) => Bytes.Add(count, new KeyValuePair<string, object?>(ArchiveTag, archive));

    public static void Failed(string archive, ArchiveException error)
    {
        var reason = error switch
        {
            ArchiveFileNotFoundException => "not_found",
            ArchiveTransientException => "transient",
            _ => "error",
        };
        var tags = new TagList { { ArchiveTag, archive }, { ReasonTag, reason } };
        Failures.Add(1, tags);
    }
}
