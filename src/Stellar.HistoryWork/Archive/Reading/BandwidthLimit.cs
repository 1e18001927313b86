namespace Stellar.HistoryWork;

/// <summary>
/// A cap on bytes per second shared by every stream of a pool: a token bucket holding at most one
/// second's worth of bytes. A read spends what it got, running into debt when it got more than the
/// bucket held; the reader then waits until the debt is paid, so the average rate never exceeds the cap
/// while single reads stay as large as the caller asked.
/// </summary>
internal sealed class BandwidthLimit
{
    private readonly Lock _lock = new();
    private readonly TimeProvider _time;
    private readonly double _bytesPerTick;
    private double _tokens;
    private long _updated;

    public BandwidthLimit(long bytesPerSecond, TimeProvider time)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(bytesPerSecond, 1);
        ArgumentNullException.ThrowIfNull(time);
        BytesPerSecond = bytesPerSecond;
        _time = time;
        _bytesPerTick = bytesPerSecond / (double)time.TimestampFrequency;
        _tokens = bytesPerSecond;
        _updated = time.GetTimestamp();
    }

    /// <summary>The cap.</summary>
    public long BytesPerSecond { get; }

    /// <summary>Spends <paramref name="bytes"/>; waits while the bucket is in debt.</summary>
    public ValueTask SpendAsync(int bytes, CancellationToken cancellationToken)
    {
        var wait = Spend(bytes);
        return wait <= TimeSpan.Zero ? default : new ValueTask(Task.Delay(wait, _time, cancellationToken));
    }

    /// <summary>As <see cref="SpendAsync"/>, blocking.</summary>
    public void SpendBlocking(int bytes)
    {
        var wait = Spend(bytes);
        if (wait > TimeSpan.Zero)
        {
            Task.Delay(wait, _time).GetAwaiter().GetResult();
        }
    }

    /// <summary>How long to wait before the bucket is out of debt after spending <paramref name="bytes"/>.</summary>
    internal TimeSpan Spend(int bytes)
    {
        if (bytes <= 0)
        {
            return TimeSpan.Zero;
        }

        lock (_lock)
        {
            var now = _time.GetTimestamp();
            _tokens = Math.Min(BytesPerSecond, _tokens + ((now - _updated) * _bytesPerTick));
            _updated = now;
            _tokens -= bytes;
            return _tokens >= 0 ? TimeSpan.Zero : TimeSpan.FromSeconds(-_tokens / BytesPerSecond);
        }
    }
}
