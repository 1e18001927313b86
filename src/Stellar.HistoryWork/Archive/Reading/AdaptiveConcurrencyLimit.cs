namespace Stellar.HistoryWork;

/// <summary>
/// How many files one archive serves at once, adapted to what it can take by additive increase and
/// multiplicative decrease (AIMD, as TCP congestion control): an overload signal (a refused, reset or
/// timed-out connection, 429, 503) halves the limit; a limit's worth of successes adds one, up to the
/// ceiling. It starts low and doubles until the first overload (TCP's slow start), so that a burst of
/// connections never floods a small server at the start. An answer that came much later than the fastest recent
/// one is an overload signal too: a server whose listen queue is full drops connection attempts, and TCP resends
/// them only after a second, so the request succeeds late instead of failing (<see cref="QueuedAnswerSlack"/>).
/// </summary>
/// <remarks>
/// Growth is paced by time as well as by successes: at most one step (a doubling while starting, one more after)
/// per <see cref="GrowthInterval"/>, the time an overload caused by the last step takes to show. Successes of
/// small files arrive hundreds per second while a dropped connection attempt shows a second later, so growth
/// counted in successes alone raced far past what the archive takes before the first sign came back.
/// </remarks>
/// <remarks>
/// While starting, each doubling is judged by the answers to the requests it admitted, as TCP Vegas judges a
/// window by its round trips: when they came more than <see cref="QueueingTolerance"/> times later on average
/// than the answers at the limit before, the archive is queueing them — a server that works one request at a
/// time answers twice as late at twice the requests, well before its listen queue overflows — so the limit goes
/// back to the one before and the start ends. An archive that answers as fast at the doubled limit (a CDN, any
/// server with room) is grown again after only <see cref="StartInterval"/>, so a distant fast archive reaches a
/// high ceiling within about a second.
/// </remarks>
/// <remarks>
/// A burst of requests started together fails together: only a failure of a request admitted after the
/// last decrease decreases again, so one overload halves once, not once per request in flight. After a
/// decrease the limit holds (no growth) for <see cref="HoldAfterDecrease"/> or the server's Retry-After,
/// whichever is longer (up to the pool's maximum delay), giving the server time to drain.
/// </remarks>
internal sealed class AdaptiveConcurrencyLimit
{
    /// <summary>How long the limit stays put after a decrease, at least.</summary>
    public static readonly TimeSpan HoldAfterDecrease = TimeSpan.FromSeconds(1);

    /// <summary>
    /// How much later than twice the fastest recent answer an answer may come before it counts as queued
    /// (overload): less than the one second a dropped connection attempt costs TCP, more than ordinary jitter.
    /// </summary>
    public static readonly TimeSpan QueuedAnswerSlack = TimeSpan.FromMilliseconds(750);

    /// <summary>
    /// How long after a decrease the limit stays below the limit that overloaded (it grows back to one less):
    /// an overload found by a late answer arrives a second or more after the cause, far slower than successes
    /// of small files arrive, so growing straight back to it would overload the archive again and again.
    /// </summary>
    public static readonly TimeSpan PlateauDuration = TimeSpan.FromSeconds(10);

    /// <summary>
    /// How long after a growth step the next one may come, beyond twice the fastest recent answer: more than the
    /// second TCP waits before resending a dropped connection attempt, so the overload a step caused is seen first.
    /// </summary>
    public static readonly TimeSpan GrowthInterval = TimeSpan.FromMilliseconds(1250);

    /// <summary>
    /// How long after a doubling the next may come while starting, beyond twice the fastest recent answer: long
    /// enough for the answers to the requests the doubling admitted to judge it (<see cref="QueueingTolerance"/>).
    /// </summary>
    public static readonly TimeSpan StartInterval = TimeSpan.FromMilliseconds(250);

    /// <summary>
    /// How much later on average the answers at a doubled limit may come than those at the limit before, while
    /// starting, before the archive counts as queueing them: twice the requests at a server that works one at a
    /// time take twice as long; a server with room answers as fast, give or take jitter.
    /// </summary>
    public const double QueueingTolerance = 1.5;

    /// <summary>The limit an adaptive archive starts with (or its ceiling, if lower).</summary>
    public const int StartLimit = 2;

    private readonly Lock _lock = new();
    private readonly Queue<TaskCompletionSource<Lease>> _waiters = new();
    private readonly TimeProvider _time;
    private readonly TimeSpan _maxHold;
    private int _limit;
    private int _successes;
    private int _inFlight;
    private long _generation;
    private DateTimeOffset _holdUntil = DateTimeOffset.MinValue;
    private TimeSpan _fastest = TimeSpan.MaxValue;
    private bool _slowStart;
    private int _overloadedAt = int.MaxValue;
    private DateTimeOffset _plateauUntil = DateTimeOffset.MinValue;
    private DateTimeOffset _nextGrowth = DateTimeOffset.MinValue;
    private long _step;
    private int _stepAnswers;
    private TimeSpan _stepAnswerTime;
    private TimeSpan? _previousStepMean;
    private int _limitBeforeStep;

    /// <param name="ceiling">The most at once; a fixed limit starts there, an adaptive one at <see cref="StartLimit"/>.</param>
    /// <param name="adaptive">False for a fixed limit of <paramref name="ceiling"/>.</param>
    /// <param name="time">The clock of the hold after a decrease.</param>
    /// <param name="maxHold">The longest hold a Retry-After can ask for.</param>
    public AdaptiveConcurrencyLimit(int ceiling, bool adaptive, TimeProvider time, TimeSpan maxHold)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(ceiling, 1);
        ArgumentNullException.ThrowIfNull(time);
        Ceiling = ceiling;
        IsAdaptive = adaptive;
        _time = time;
        _maxHold = maxHold < HoldAfterDecrease ? HoldAfterDecrease : maxHold;
        _limit = adaptive ? Math.Min(ceiling, StartLimit) : ceiling;
        _slowStart = _limit < ceiling;
    }

    /// <summary>What a finished request says about the archive's load.</summary>
    public enum Signal
    {
        /// <summary>Nothing about load (404, bad content, cancellation).</summary>
        Neutral,

        /// <summary>Served.</summary>
        Success,

        /// <summary>Refused, reset, timed out, 429 or 503: the archive is overloaded.</summary>
        Overload,
    }

    /// <summary>The most the limit can be.</summary>
    public int Ceiling { get; }

    /// <summary>Whether the limit adapts.</summary>
    public bool IsAdaptive { get; }

    /// <summary>Requests admitted now (whole; at least 1).</summary>
    public int Limit
    {
        get
        {
            lock (_lock)
            {
                return _limit;
            }
        }
    }

    /// <summary>Requests admitted and not yet released.</summary>
    public int InFlight
    {
        get
        {
            lock (_lock)
            {
                return _inFlight;
            }
        }
    }

    /// <summary>Waits for a free slot; FIFO among waiters.</summary>
    public ValueTask<Lease> AcquireAsync(CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        TaskCompletionSource<Lease> waiter;
        lock (_lock)
        {
            while (_waiters.TryPeek(out var head) && head.Task.IsCompleted)
            {
                _waiters.Dequeue();
            }

            if (_waiters.Count == 0 && _inFlight < _limit)
            {
                _inFlight++;
                return ValueTask.FromResult(new Lease(this, _generation, _step, _time.GetTimestamp()));
            }

            waiter = new TaskCompletionSource<Lease>(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiters.Enqueue(waiter);
        }

        return WaitAsync(waiter, cancellationToken);
    }

    private static async ValueTask<Lease> WaitAsync(TaskCompletionSource<Lease> waiter, CancellationToken cancellationToken)
    {
        using var registration = cancellationToken.UnsafeRegister(static (state, token) => ((TaskCompletionSource<Lease>)state!).TrySetCanceled(token), waiter);
        try
        {
            return await waiter.Task.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Granted just as it was cancelled: hand the slot on.
            if (waiter.Task.IsCompletedSuccessfully)
            {
                waiter.Task.Result.Release(Signal.Neutral);
            }

            throw;
        }
    }

    private void Release(long generation, Signal signal, TimeSpan? retryAfter)
    {
        List<(TaskCompletionSource<Lease> Waiter, Lease Lease)>? granted = null;
        lock (_lock)
        {
            _inFlight--;
            if (IsAdaptive)
            {
                Adapt(generation, signal, retryAfter);
            }

            while (_inFlight < _limit && _waiters.TryDequeue(out var next))
            {
                if (next.Task.IsCompleted)
                {
                    continue;
                }

                _inFlight++;
                (granted ??= []).Add((next, new Lease(this, _generation, _step, _time.GetTimestamp())));
            }
        }

        // Completed outside the lock; a waiter cancelled meanwhile gives its slot back.
        foreach (var (waiter, lease) in granted ?? [])
        {
            if (!waiter.TrySetResult(lease))
            {
                lease.Release(Signal.Neutral);
            }
        }
    }

    /// <summary>
    /// Whether an answer after <paramref name="elapsed"/> came queued: later than twice the fastest recent
    /// answer plus <see cref="QueuedAnswerSlack"/>. The fastest answer drifts up slowly (1/256 of the
    /// difference per answer), so that a network that got slower for good stops counting as overloaded.
    /// </summary>
    private bool IsQueued(TimeSpan elapsed, long step)
    {
        lock (_lock)
        {
            if (step == _step)
            {
                _stepAnswers++;
                _stepAnswerTime += elapsed;
            }

            var queued = _fastest != TimeSpan.MaxValue && elapsed > (2 * _fastest) + QueuedAnswerSlack;
            _fastest = elapsed < _fastest ? elapsed : _fastest + ((elapsed - _fastest) / 256);
            return queued;
        }
    }

    private void Adapt(long generation, Signal signal, TimeSpan? retryAfter)
    {
        var now = _time.GetUtcNow();
        if (signal == Signal.Overload && generation == _generation)
        {
            _overloadedAt = _limit;
            _plateauUntil = now + PlateauDuration;
            _limit = Math.Max(1, _limit / 2);
            _successes = 0;
            _slowStart = false;
            _generation++;
            var hold = retryAfter is { } hint && hint > HoldAfterDecrease ? (hint < _maxHold ? hint : _maxHold) : HoldAfterDecrease;
            _holdUntil = now + hold;
        }
        else if (signal == Signal.Success && now >= _holdUntil && _limit < Ceiling && (_limit + 1 < _overloadedAt || now >= _plateauUntil))
        {
            if (++_successes >= _limit && now >= _nextGrowth)
            {
                Grow(now);
            }
        }
    }

    /// <summary>
    /// One growth step once a limit's worth of successes came after the pacing interval; while starting, a doubling
    /// whose answers came queued (<see cref="QueueingTolerance"/>) is undone instead and ends the start.
    /// </summary>
    private void Grow(DateTimeOffset now)
    {
        var twiceFastest = _fastest == TimeSpan.MaxValue ? TimeSpan.Zero : 2 * _fastest;
        if (_slowStart && _stepAnswers > 0 && _stepAnswers < Math.Max(4, _limit) && _successes < 2 * _limit)
        {
            return; // the answers to this step's own requests are still coming: judge it on enough of them
        }

        var mean = _stepAnswers > 0 ? _stepAnswerTime / _stepAnswers : (TimeSpan?)null;
        if (_slowStart && mean is { } answered && _previousStepMean is { } before && answered > before * QueueingTolerance)
        {
            _overloadedAt = _limit;
            _plateauUntil = now + PlateauDuration;
            _limit = _limitBeforeStep;
            _slowStart = false;
            _nextGrowth = now + GrowthInterval + twiceFastest;
        }
        else
        {
            var grown = _slowStart ? _limit * 2 : _limit + 1;
            _limitBeforeStep = _limit;
            _limit = Math.Min(Ceiling, now >= _plateauUntil ? grown : Math.Min(grown, _overloadedAt - 1));
            _nextGrowth = now + (_slowStart ? StartInterval : GrowthInterval) + twiceFastest;
            _previousStepMean = mean;
        }

        _successes = 0;
        _step++;
        _stepAnswers = 0;
        _stepAnswerTime = TimeSpan.Zero;
    }

    /// <summary>One admitted request; release it exactly once with what it learned.</summary>
    internal sealed class Lease
    {
        private readonly AdaptiveConcurrencyLimit _owner;
        private readonly long _generation;
        private readonly long _step;
        private readonly long _admitted;
        private bool _queued;
        private int _released;

        internal Lease(AdaptiveConcurrencyLimit owner, long generation, long step, long admitted)
        {
            _owner = owner;
            _generation = generation;
            _step = step;
            _admitted = admitted;
        }

        /// <summary>
        /// The archive answered (a stream opened, a size known): times the answer from admission, so that a
        /// queued answer releases as <see cref="Signal.Overload"/> even though it succeeded.
        /// </summary>
        public void Answered() => _queued = _owner.IsAdaptive && _owner.IsQueued(_owner._time.GetElapsedTime(_admitted), _step);

        /// <summary>Frees the slot; later calls do nothing.</summary>
        public void Release(Signal signal, TimeSpan? retryAfter = null)
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
            {
                _owner.Release(_generation, signal == Signal.Success && _queued ? Signal.Overload : signal, retryAfter);
            }
        }
    }
}
