using System.Diagnostics;
using System.Diagnostics.Metrics;
using Stellar.HistoryWork.Verification;

namespace Stellar.HistoryWork.Telemetry;

internal sealed partial class HistoryWorkTelemetry
{
    private DownloadInstruments? _download;

    /// <summary>Instruments of the download and verification work (the reference node's metric names).</summary>
    public DownloadInstruments Download =>
        LazyInitializer.EnsureInitialized(ref _download, () => new DownloadInstruments(Meter));

    /// <summary>
    /// Files fetched and checked, by kind of file (<c>history</c>, <c>bucket</c>, <c>ledger</c>,
    /// <c>transactions</c>, <c>results</c>, <c>scp</c>), problems by their report kind (<c>corrupt</c>,
    /// <c>hash-mismatch</c>, …), and how long a catchup took. Tags never carry a path or a ledger.
    /// </summary>
    internal sealed class DownloadInstruments
    {
        public const string GetThroughputName = "history.get.throughput";
        public const string GetSuccessName = "history.get.success";
        public const string GetFailureName = "history.get.failure";
        public const string CheckSuccessName = "history.check.success";
        public const string CheckFailureName = "history.check.failure";
        public const string CatchupDurationName = "ledger.catchup.duration";

        /// <summary>The kind of history file: a category of <see cref="ArchivePaths"/>.</summary>
        public const string FileKindTag = "stellar.history.file_kind";

        /// <summary>The report spelling of a <see cref="ProblemKind"/>.</summary>
        public const string ProblemKindTag = "stellar.history.problem_kind";

        /// <summary>How a catchup ended: success or failed.</summary>
        public const string OutcomeTag = Tags.Outcome;

        private readonly Counter<long> _getThroughput;
        private readonly Counter<long> _getSuccess;
        private readonly Counter<long> _getFailure;
        private readonly Counter<long> _checkSuccess;
        private readonly Counter<long> _checkFailure;
        private readonly Histogram<double> _catchupDuration;

        public DownloadInstruments(Meter meter)
        {
            _getThroughput = meter.CreateCounter<long>(GetThroughputName, "By", "Compressed bytes of history files fetched from archives, by kind of file.");
            _getSuccess = meter.CreateCounter<long>(GetSuccessName, "{file}", "History files fetched from archives, by kind of file.");
            _getFailure = meter.CreateCounter<long>(GetFailureName, "{failure}", "Fetches of history files that failed in the archive or on the way, by kind of file.");
            _checkSuccess = meter.CreateCounter<long>(CheckSuccessName, "{file}", "History files that passed verification, by kind of file.");
            _checkFailure = meter.CreateCounter<long>(CheckFailureName, "{problem}", "Verification problems found, by kind of file and kind of problem.");
            _catchupDuration = meter.CreateHistogram<double>(CatchupDurationName, "s", "Time from the start of a catchup's HAS download to the end of its last download work, by outcome.");
        }

        public void Fetched(string fileKind, long bytes)
        {
            var tag = new KeyValuePair<string, object?>(FileKindTag, fileKind);
            _getThroughput.Add(bytes, tag);
            _getSuccess.Add(1, tag);
        }

        public void FetchFailed(string fileKind) => _getFailure.Add(1, new KeyValuePair<string, object?>(FileKindTag, fileKind));

        public void Checked(string fileKind) => _checkSuccess.Add(1, new KeyValuePair<string, object?>(FileKindTag, fileKind));

        public void CheckFailed(VerificationProblem problem) =>
            _checkFailure.Add(1, new TagList { { FileKindTag, ArchivePaths.KindNameOf(problem.Path) }, { ProblemKindTag, problem.Kind.ToJsonName() } });

        /// <summary>Counts every verification problem inside <paramref name="error"/> (aggregates are opened).</summary>
        public void CheckFailed(Exception error)
        {
            switch (error)
            {
                case HistoryVerificationException verification:
                    CheckFailed(verification.Problem);
                    break;
                case AggregateException aggregate:
                    foreach (var inner in aggregate.InnerExceptions)
                    {
                        CheckFailed(inner);
                    }

                    break;
            }
        }

        public void CatchupEnded(TimeSpan duration, bool succeeded) =>
            _catchupDuration.Record(duration.TotalSeconds, new KeyValuePair<string, object?>(OutcomeTag, succeeded ? "success" : "failed"));
    }
}
