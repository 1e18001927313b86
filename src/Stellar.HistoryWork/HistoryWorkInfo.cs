namespace Stellar.HistoryWork;

/// <summary>Facts about this library shared by its telemetry.</summary>
public static class HistoryWorkInfo
{
    /// <summary>The name of the library's <c>Meter</c> and <c>ActivitySource</c>.</summary>
    public const string TelemetryName = "Stellar.HistoryWork";
}
