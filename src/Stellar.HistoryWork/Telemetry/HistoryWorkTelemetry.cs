using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Runtime.CompilerServices;

namespace Stellar.HistoryWork.Telemetry;

/// <summary>
/// The library's single <see cref="Meter"/> and <see cref="ActivitySource"/>, both named
/// <see cref="HistoryWorkInfo.TelemetryName"/>. Each area adds its instruments in its own partial file
/// (<c>HistoryWorkTelemetry.&lt;Area&gt;.cs</c>) as a lazily created group, so that a component which never
/// runs never registers instruments.
/// </summary>
internal sealed partial class HistoryWorkTelemetry
{
    private static readonly string? s_version = typeof(HistoryWorkTelemetry).Assembly.GetName().Version?.ToString();

    // Meters created by an IMeterFactory belong to it; caching per factory keeps one Meter (and one set of
    // instruments) per factory however many schedulers or readers are built from it.
    private static readonly ConditionalWeakTable<IMeterFactory, HistoryWorkTelemetry> s_byFactory = [];

    private static readonly Lazy<HistoryWorkTelemetry> s_default =
        new(() => new HistoryWorkTelemetry(new Meter(HistoryWorkInfo.TelemetryName, s_version)));

    /// <summary>Traces of the whole library; spans are started only when someone listens.</summary>
    public static ActivitySource ActivitySource { get; } = new(HistoryWorkInfo.TelemetryName, s_version);

    private HistoryWorkTelemetry(Meter meter) => Meter = meter;

    public Meter Meter { get; }

    /// <summary>
    /// The telemetry for <paramref name="meterFactory"/>, or, when it is <see langword="null"/>, a
    /// process-wide default whose Meter is not owned by any factory (what a listener sees without DI).
    /// </summary>
    public static HistoryWorkTelemetry For(IMeterFactory? meterFactory)
    {
        if (meterFactory is null)
        {
            return s_default.Value;
        }

        return s_byFactory.GetValue(
            meterFactory,
            static factory => new HistoryWorkTelemetry(
                factory.Create(new MeterOptions(HistoryWorkInfo.TelemetryName) { Version = s_version })));
    }

    /// <summary>Tag names shared by every area (OpenTelemetry style, low cardinality only).</summary>
    public static class Tags
    {
        /// <summary>The CLR type name of a work (e.g. <c>DownloadBucketsWork</c>), never its instance name.</summary>
        public const string WorkType = "stellar.work.type";

        /// <summary>How an attempt or a work ended: success, retry, failed, cancelled, blocked.</summary>
        public const string Outcome = "stellar.work.outcome";
    }
}
