using System.Diagnostics.Metrics;

namespace Stellar.HistoryWork.Telemetry;

internal sealed partial class HistoryWorkTelemetry
{
    private SchedulingInstruments? _scheduling;

    /// <summary>Instruments of <c>WorkScheduler</c>.</summary>
    public SchedulingInstruments Scheduling =>
        LazyInitializer.EnsureInitialized(ref _scheduling, () => new SchedulingInstruments(Meter));

    internal sealed class SchedulingInstruments
    {
        public const string RunActivityName = "stellar.work.run";
        public const string AttemptActivityName = "stellar.work.attempt";

        public SchedulingInstruments(Meter meter)
        {
            AttemptDuration = meter.CreateHistogram<double>(
                "stellar.work.duration", "s", "Duration of one attempt of a work, by work type and outcome.");
            Attempts = meter.CreateCounter<long>(
                "stellar.work.attempts", "{attempt}", "Attempts started, by work type.");
            Retries = meter.CreateCounter<long>(
                "stellar.work.retries", "{retry}", "Retries scheduled after an attempt asked to retry or threw.");
            Completed = meter.CreateCounter<long>(
                "stellar.work.completed", "{work}", "Works that reached a final state, by work type and outcome.");
            Active = meter.CreateUpDownCounter<long>(
                "stellar.work.active", "{work}", "Works running now.");
            Queued = meter.CreateUpDownCounter<long>(
                "stellar.work.queued", "{work}", "Works whose dependencies succeeded, waiting for a free slot.");
        }

        public Histogram<double> AttemptDuration { get; }

        public Counter<long> Attempts { get; }

        public Counter<long> Retries { get; }

        public Counter<long> Completed { get; }

        public UpDownCounter<long> Active { get; }

        public UpDownCounter<long> Queued { get; }
    }
}
