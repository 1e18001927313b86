using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Stellar.HistoryWork.Telemetry;

internal sealed partial class HistoryWorkTelemetry
{
    private PublishInstruments? _publish;

    /// <summary>Instruments of the publish work, tagged by target archive (its writer's name, never a path).</summary>
    public PublishInstruments Publish =>
        LazyInitializer.EnsureInitialized(ref _publish, () => new PublishInstruments(Meter));

    internal sealed class PublishInstruments
    {
        public const string SuccessName = "history.publish.success";
        public const string FailureName = "history.publish.failure";
        public const string TimeName = "history.publish.time";
        public const string BytesName = "history.publish.bytes";
        public const string FilesName = "history.publish.files";

        /// <summary>The target archive: <c>IArchiveWriter.Name</c>.</summary>
        public const string ArchiveTag = "archive";

        /// <summary>What was published: buckets, ledger, transactions, results, scp, history-archive-state, checkpoint.</summary>
        public const string StageTag = "stage";

        /// <summary>For files: <c>written</c>, or <c>skipped</c> when the target already held a valid copy.</summary>
        public const string ResultTag = "result";

        public PublishInstruments(Meter meter)
        {
            Success = meter.CreateCounter<long>(
                SuccessName, "{checkpoint}", "Checkpoints whose HAS was published to a target after all their data (the reference node's publish success).");
            Failure = meter.CreateCounter<long>(
                FailureName, "{attempt}", "Failed attempts of a publish work item, by target and stage.");
            Time = meter.CreateHistogram<double>(
                TimeName, "s", "Duration of one attempt of a publish work item, by target and stage.");
            Bytes = meter.CreateCounter<long>(
                BytesName, "By", "Bytes written to a target archive, by stage.");
            Files = meter.CreateCounter<long>(
                FilesName, "{file}", "Files published to a target, by stage and result (written or skipped).");
        }

        public Counter<long> Success { get; }

        public Counter<long> Failure { get; }

        public Histogram<double> Time { get; }

        public Counter<long> Bytes { get; }

        public Counter<long> Files { get; }

        public static TagList Tags(string archive, string stage) => new() { { ArchiveTag, archive }, { StageTag, stage } };
    }
}
