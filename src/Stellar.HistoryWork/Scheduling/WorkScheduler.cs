using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Stellar.HistoryWork.Telemetry;

namespace Stellar.HistoryWork.Scheduling;

/// <summary>
/// Runs <see cref="IWork"/> items as a dependency DAG: a work starts once all its dependencies succeeded,
/// at most <see cref="WorkSchedulerOptions.MaxConcurrency"/> at once; retries wait on a timer without
/// holding a slot; a failed or cancelled work blocks its dependents transitively. A scheduler runs its
/// graph once: add every work, then call <see cref="RunToCompletionAsync(CancellationToken)"/>.
/// </summary>
/// <remarks>
/// Ready works go through one unbounded channel read by a fixed pool of worker loops, so a slow work holds
/// only its own slot. All bookkeeping (states, dependency counters, the count of unfinished works) is
/// guarded by one lock that is never held across an await or while a work runs. The parts: this file holds the
/// graph as callers build and run it; <c>WorkScheduler.Run.cs</c> the run (worker loops, attempts, retries,
/// cancellation); <c>WorkScheduler.States.cs</c> the state changes and what they release or block;
/// <see cref="WorkNode"/> what is known of one work.
/// </remarks>
public sealed partial class WorkScheduler : IAsyncDisposable
{
    private static int s_lastSchedulerId;

    private readonly Lock _gate = new();
    private readonly int _id = Interlocked.Increment(ref s_lastSchedulerId);
    private readonly int _maxConcurrency;
    private readonly int _defaultMaxRetries;
    private readonly Func<int, TimeSpan> _retryDelay;
    private readonly TimeProvider _timeProvider;
    private readonly ILoggerFactory _loggerFactory;
    private readonly ILogger _logger;
    private readonly HistoryWorkTelemetry.SchedulingInstruments _instruments;
    private readonly Action<WorkEvent>? _stateChanged;
    private readonly IProgress<WorkEvent>? _progress;
    private readonly TimerCallback _onRetryDue;
    private readonly List<WorkNode> _nodes = [];
    private readonly Dictionary<Type, WorkType> _types = [];
    private readonly List<WorkNode> _scratch = [];
    private readonly Stack<WorkNode> _blockStack = new();

    private Channel<WorkNode>? _ready;
    private CancellationTokenSource? _runCts;
    private Task<WorkSchedulerResult>? _run;
    private long _startTimestamp;
    private int _remaining;
    private int _running;
    private bool _started;
    private bool _cancelled;
    private bool _cancelBeforeRun;
    private bool _disposed;

    /// <summary>Creates an empty scheduler.</summary>
    /// <param name="options">Concurrency, retries, backoff, clock, logging and metrics; the defaults when null.</param>
    public WorkScheduler(WorkSchedulerOptions? options = null)
    {
        options ??= new WorkSchedulerOptions();
        if (options.MaxConcurrency < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.MaxConcurrency, "WorkSchedulerOptions.MaxConcurrency must be at least 1.");
        }

        if (options.DefaultMaxRetries < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.DefaultMaxRetries, "WorkSchedulerOptions.DefaultMaxRetries must not be negative.");
        }

        _maxConcurrency = options.MaxConcurrency;
        _defaultMaxRetries = options.DefaultMaxRetries;
        _retryDelay = options.RetryDelay ?? throw new ArgumentException("WorkSchedulerOptions.RetryDelay must not be null.", nameof(options));
        _timeProvider = options.TimeProvider ?? throw new ArgumentException("WorkSchedulerOptions.TimeProvider must not be null.", nameof(options));
        _loggerFactory = options.LoggerFactory ?? throw new ArgumentException("WorkSchedulerOptions.LoggerFactory must not be null.", nameof(options));
        _logger = _loggerFactory.CreateLogger<WorkScheduler>();
        _instruments = HistoryWorkTelemetry.For(options.MeterFactory).Scheduling;
        _stateChanged = options.StateChanged;
        _progress = options.Progress;
        _onRetryDue = OnRetryDue;
    }

    /// <summary>Adds a work that starts once every work in <paramref name="dependencies"/> succeeded.</summary>
    /// <param name="work">The work; the same instance may be added more than once.</param>
    /// <param name="dependencies">Ids returned by earlier calls to this scheduler's <see cref="Add"/> (so the graph is acyclic); duplicates count once.</param>
    /// <param name="maxRetries">Retries after a failed attempt (N retries = N + 1 attempts); <see langword="null"/> = <see cref="WorkSchedulerOptions.DefaultMaxRetries"/>.</param>
    /// <exception cref="ArgumentException">A dependency is not an id returned by this scheduler.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxRetries"/> is negative.</exception>
    /// <exception cref="InvalidOperationException">The scheduler has started running.</exception>
    public WorkId Add(IWork work, IEnumerable<WorkId>? dependencies = null, int? maxRetries = null)
    {
        ArgumentNullException.ThrowIfNull(work);
        var retries = maxRetries ?? _defaultMaxRetries;
        ArgumentOutOfRangeException.ThrowIfNegative(retries, nameof(maxRetries));

        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_started)
            {
                throw new InvalidOperationException(
                    "Works cannot be added once RunToCompletionAsync has been called: a WorkScheduler runs its graph once.");
            }

            // Resolve every dependency before linking any, so a bad id leaves the graph untouched.
            _scratch.Clear();
            if (dependencies is not null)
            {
                foreach (var dependency in dependencies)
                {
                    _scratch.Add(Resolve(dependency, nameof(dependencies)));
                }
            }

            var id = new WorkId(_id, _nodes.Count);
            var node = new WorkNode(work, id, retries, GetWorkType(work.GetType()));
            foreach (var dependency in _scratch)
            {
                var dependents = dependency.Dependents ??= [];

                // A repeated dependency was linked a moment ago, so it is the last dependent.
                if (dependents.Count > 0 && ReferenceEquals(dependents[^1], node))
                {
                    continue;
                }

                dependents.Add(node);
                node.PendingDependencies++;
            }

            _scratch.Clear();
            _nodes.Add(node);
            return id;
        }
    }

    /// <summary>The current state of a work (safe to call from any thread, also while running).</summary>
    /// <exception cref="ArgumentException">The id was not returned by this scheduler.</exception>
    public WorkState GetState(WorkId id)
    {
        lock (_gate)
        {
            return Resolve(id, nameof(id)).State;
        }
    }

    /// <summary>
    /// Runs every work to a final state and reports how each ended. Cancelling the token (or calling
    /// <see cref="CancelAll"/>) does not throw: running works see their token cancelled, waiting retries and
    /// works not yet started end as <see cref="WorkState.Cancelled"/>, and the result says
    /// <see cref="WorkSchedulerResult.WasCancelled"/>. The task ends once running works have returned.
    /// </summary>
    /// <exception cref="InvalidOperationException">The scheduler was already run.</exception>
    public Task<WorkSchedulerResult> RunToCompletionAsync(CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_started)
            {
                throw new InvalidOperationException("RunToCompletionAsync was already called: a WorkScheduler runs its graph once.");
            }

            _started = true;
            _runCts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            _ready = Channel.CreateUnbounded<WorkNode>(new UnboundedChannelOptions { SingleReader = false, SingleWriter = false });
            _remaining = _nodes.Count;
            _startTimestamp = _timeProvider.GetTimestamp();
            foreach (var node in _nodes)
            {
                if (node.PendingDependencies == 0)
                {
                    Enqueue(node);
                }
            }

            if (_remaining == 0)
            {
                _ready.Writer.TryComplete();
            }

            if (_cancelBeforeRun)
            {
                _runCts.Cancel();
            }

            var runCts = _runCts;
            var ready = _ready;

            // Off the caller's thread and context: workers and the cancellation callback take the lock.
            _run = Task.Run(() => RunCoreAsync(runCts, ready), CancellationToken.None);
            return _run;
        }
    }

    /// <summary>
    /// Stops the run: nothing new starts, waiting retries end, running works see their token cancelled.
    /// Called before <see cref="RunToCompletionAsync(CancellationToken)"/>, the run starts cancelled.
    /// </summary>
    public void CancelAll()
    {
        CancellationTokenSource? cts;
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            cts = _runCts;
            if (cts is null)
            {
                _cancelBeforeRun = true;
                return;
            }
        }

        try
        {
            cts.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // The run already ended and released its token source; there is nothing left to stop.
        }
    }

    /// <summary>Cancels a run in progress, waits for it to end, and releases timers.</summary>
    public async ValueTask DisposeAsync()
    {
        Task? run;
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            run = _run;
        }

        if (run is not null && !run.IsCompleted)
        {
            CancelAll();
            try
            {
                await run.ConfigureAwait(false);
            }
#pragma warning disable CA1031 // Disposal must not throw what the run's awaiter already saw.
            catch (Exception)
#pragma warning restore CA1031
            {
            }
        }

        lock (_gate)
        {
            _disposed = true;
            foreach (var node in _nodes)
            {
                node.RetryTimer?.Dispose();
                node.RetryTimer = null;
            }
        }
    }

    private WorkNode Resolve(WorkId id, string paramName)
    {
        if (id.SchedulerId == _id && (uint)id.Value < (uint)_nodes.Count)
        {
            return _nodes[id.Value];
        }

        var why = id.SchedulerId == 0
            ? "it is the default WorkId, not one returned by Add"
            : id.SchedulerId != _id ? "it was returned by another WorkScheduler" : "no work has that id";
        throw new ArgumentException($"Unknown work id {id}: {why}.", paramName);
    }

    private WorkType GetWorkType(Type type)
    {
        if (!_types.TryGetValue(type, out var workType))
        {
            workType = new WorkType(type.Name, _loggerFactory.CreateLogger(type.FullName ?? type.Name));
            _types.Add(type, workType);
        }

        return workType;
    }
}
