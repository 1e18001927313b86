using Stellar.HistoryWork.Telemetry;

namespace Stellar.HistoryWork.Download;

/// <summary>
/// Times one catchup registered by a <see cref="HistoryWorkBuilder"/>: from the start of its HAS work to the
/// end of its last download work, recorded once as <c>ledger.catchup.duration</c> (success when every work
/// succeeded, failed as soon as one gives up).
/// </summary>
internal sealed class CatchupTimer(HistoryWorkTelemetry.DownloadInstruments telemetry, TimeProvider timeProvider, int works)
{
    private readonly Lock _gate = new();
    private long? _startedAt;
    private int _remaining = works;
    private bool _ended;

    /// <summary>Starts the clock; later calls (retries of the HAS work) keep the first start.</summary>
    public void Start()
    {
        lock (_gate)
        {
            _startedAt ??= timeProvider.GetTimestamp();
        }
    }

    public void WorkSucceeded()
    {
        lock (_gate)
        {
            if (--_remaining == 0)
            {
                End(succeeded: true);
            }
        }
    }

    public void GaveUp()
    {
        lock (_gate)
        {
            End(succeeded: false);
        }
    }

    private void End(bool succeeded)
    {
        if (_startedAt is { } start && !_ended)
        {
            _ended = true;
            telemetry.CatchupEnded(timeProvider.GetElapsedTime(start), succeeded);
        }
    }
}
