using System.Diagnostics;
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
/// guarded by one lock that is never held across an await or while a work runs.
/// </remarks>
public sealed class WorkScheduler : IAsyncDisposable
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

    private async Task<WorkSchedulerResult> RunCoreAsync(CancellationTokenSource runCts, Channel<WorkNode> ready)
    {
        using var activity = HistoryWorkTelemetry.ActivitySource.StartActivity(HistoryWorkTelemetry.SchedulingInstruments.RunActivityName);
        activity?.SetTag("stellar.work.count", _nodes.Count);
        _logger.RunStarting(_nodes.Count, _maxConcurrency);

        var registration = runCts.Token.UnsafeRegister(static state => ((WorkScheduler)state!).OnRunCancelled(), this);
        try
        {
            var workers = new Task[Math.Min(_maxConcurrency, _nodes.Count)];
            for (var i = 0; i < workers.Length; i++)
            {
                workers[i] = Task.Run(() => WorkerLoopAsync(ready.Reader, runCts.Token));
            }

            await Task.WhenAll(workers).ConfigureAwait(false);
        }
        finally
        {
            await registration.DisposeAsync().ConfigureAwait(false);
        }

        WorkSchedulerResult result;
        lock (_gate)
        {
            var works = new WorkResult[_nodes.Count];
            for (var i = 0; i < works.Length; i++)
            {
                var node = _nodes[i];
                Debug.Assert(node.State.IsTerminal(), "Workers stop only when every work is final.");
                works[i] = new WorkResult(node.Id, node.Name, node.State, node.Attempts, node.Reason, node.Error, node.BlockedBy);
            }

            result = new WorkSchedulerResult(works, _cancelled, _timeProvider.GetElapsedTime(_startTimestamp));
            _runCts = null;
        }

        runCts.Dispose();
        _logger.RunFinished(
            result.Elapsed,
            result.CountOf(WorkState.Succeeded),
            result.CountOf(WorkState.Failed),
            result.CountOf(WorkState.Cancelled),
            result.CountOf(WorkState.Blocked));
        if (!result.Succeeded)
        {
            activity?.SetStatus(ActivityStatusCode.Error, result.ToString());
        }

        return result;
    }

    private async Task WorkerLoopAsync(ChannelReader<WorkNode> reader, CancellationToken cancellationToken)
    {
        // No token here: the channel completes when the last work is final, cancelled or not.
        while (await reader.WaitToReadAsync(CancellationToken.None).ConfigureAwait(false))
        {
            while (reader.TryRead(out var node))
            {
                _instruments.Queued.Add(-1, node.Type.Tag);
                var context = TryStart(node);
                if (context is not null)
                {
                    await RunAttemptAsync(node, context, cancellationToken).ConfigureAwait(false);
                }
            }
        }
    }

    private WorkContext? TryStart(WorkNode node)
    {
        lock (_gate)
        {
            // A work cancelled while it sat in the queue stays there until a worker drops it here.
            if (node.State != WorkState.Pending || _cancelled)
            {
                return null;
            }

            node.Attempts++;
            _running++;
            SetState(node, WorkState.Running, null, null);
            return new WorkContext(node.Id, node.Attempts, node.MaxRetries, node.LastRetry, _timeProvider, node.Type.Logger);
        }
    }

    private async ValueTask RunAttemptAsync(WorkNode node, WorkContext context, CancellationToken cancellationToken)
    {
        var typeTag = node.Type.Tag;
        _logger.WorkStarting(node.Id, node.Name, context.Attempt);
        _instruments.Attempts.Add(1, typeTag);
        _instruments.Active.Add(1, typeTag);
        var startTimestamp = _timeProvider.GetTimestamp();
        using var activity = HistoryWorkTelemetry.ActivitySource.StartActivity(HistoryWorkTelemetry.SchedulingInstruments.AttemptActivityName);
        activity?.SetTag(HistoryWorkTelemetry.Tags.WorkType, node.Type.Name);
        activity?.SetTag("stellar.work.attempt", context.Attempt);

        WorkOutcome outcome;
        try
        {
            outcome = await node.Work.RunAsync(context, cancellationToken).ConfigureAwait(false)
                ?? WorkOutcome.Failed($"{node.Type.Name}.RunAsync returned no outcome.");
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            outcome = WorkOutcome.Cancelled;
        }
        catch (FatalWorkException ex)
        {
            outcome = WorkOutcome.FailedBy(ex.Message, ex);
        }
#pragma warning disable CA1031 // A work that throws is retried by contract; nothing may escape the worker loop.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            outcome = WorkOutcome.RetryAfter(ex);
        }

        _instruments.Active.Add(-1, typeTag);
        if (_instruments.AttemptDuration.Enabled)
        {
            _instruments.AttemptDuration.Record(
                _timeProvider.GetElapsedTime(startTimestamp).TotalSeconds,
                typeTag,
                new KeyValuePair<string, object?>(HistoryWorkTelemetry.Tags.Outcome, OutcomeTag(outcome.Kind)));
        }

        if (activity is not null)
        {
            activity.SetTag(HistoryWorkTelemetry.Tags.Outcome, OutcomeTag(outcome.Kind));
            if (outcome.Kind != WorkOutcomeKind.Success)
            {
                activity.SetStatus(ActivityStatusCode.Error, outcome.Reason);
            }
        }

        Finish(node, outcome);
    }

    private void Finish(WorkNode node, WorkOutcome outcome)
    {
        // Only this worker touches the node's attempts now, so the delay can be computed outside the lock.
        var delay = TimeSpan.Zero;
        if (outcome.Kind == WorkOutcomeKind.Retry && node.Attempts <= node.MaxRetries)
        {
            try
            {
                delay = _retryDelay(node.Attempts - 1);
            }
#pragma warning disable CA1031 // A broken delay function fails the work instead of the run.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                _logger.RetryDelayThrew(ex, node.Id);
                outcome = WorkOutcome.FailedBy($"WorkSchedulerOptions.RetryDelay threw: {ex.Message}", ex);
            }
        }

        WorkState final;
        lock (_gate)
        {
            _running--;
            switch (outcome.Kind)
            {
                case WorkOutcomeKind.Success:
                    SetState(node, WorkState.Succeeded, null, null);
                    ReleaseDependents(node);
                    break;

                case WorkOutcomeKind.Retry when _cancelled:
                    SetState(node, WorkState.Cancelled, $"The run was cancelled; the attempt had asked to retry: {outcome.Reason}", outcome.Error);
                    BlockDependents(node);
                    break;

                case WorkOutcomeKind.Retry when node.Attempts > node.MaxRetries:
                    SetState(node, WorkState.Failed, $"Gave up after {node.Attempts} attempts: {outcome.Reason}", outcome.Error);
                    BlockDependents(node);
                    break;

                case WorkOutcomeKind.Retry:
                    node.LastRetry = outcome;
                    _instruments.Retries.Add(1, node.Type.Tag);
                    // The timer starts before observers hear of the wait, so that an observer that moves a
                    // fake clock on at once moves it past this timer. It cannot fire before the state is set:
                    // its callback needs the lock held here.
                    if (delay > TimeSpan.Zero)
                    {
                        node.RetryTimer = _timeProvider.CreateTimer(_onRetryDue, node, delay, Timeout.InfiniteTimeSpan);
                    }

                    SetState(node, WorkState.WaitingToRetry, outcome.Reason, outcome.Error, delay);
                    if (delay <= TimeSpan.Zero)
                    {
                        SetState(node, WorkState.Pending, null, null);
                        Enqueue(node);
                    }

                    break;

                case WorkOutcomeKind.Cancelled:
                    SetState(node, WorkState.Cancelled, "The work returned Cancelled.", null);
                    BlockDependents(node);
                    break;

                default:
                    SetState(node, WorkState.Failed, outcome.Reason, outcome.Error);
                    BlockDependents(node);
                    break;
            }

            final = node.State;
        }

        switch (final)
        {
            case WorkState.Succeeded:
                _logger.WorkSucceeded(node.Id, node.Name, node.Attempts);
                break;
            case WorkState.WaitingToRetry or WorkState.Pending:
                _logger.WorkRetrying(outcome.Error, node.Id, node.Name, node.Attempts, delay, node.Attempts, node.MaxRetries, outcome.Reason);
                break;
            case WorkState.Failed:
                _logger.WorkFailed(node.Error, node.Id, node.Name, node.Attempts, node.Reason);
                break;
            case WorkState.Cancelled:
                _logger.WorkCancelled(node.Id, node.Name, node.Attempts);
                break;
        }
    }

    private void OnRetryDue(object? state)
    {
        var node = (WorkNode)state!;
        lock (_gate)
        {
            node.RetryTimer?.Dispose();
            node.RetryTimer = null;
            if (node.State != WorkState.WaitingToRetry || _cancelled)
            {
                return;
            }

            SetState(node, WorkState.Pending, null, null);
            Enqueue(node);
        }
    }

    private void OnRunCancelled()
    {
        int running;
        lock (_gate)
        {
            if (_cancelled)
            {
                return;
            }

            _cancelled = true;
            foreach (var node in _nodes)
            {
                switch (node.State)
                {
                    case WorkState.Pending:
                        SetState(node, WorkState.Cancelled, "The run was cancelled before the work started.", null);
                        break;
                    case WorkState.WaitingToRetry:
                        node.RetryTimer?.Dispose();
                        node.RetryTimer = null;
                        SetState(node, WorkState.Cancelled, $"The run was cancelled while the work waited to retry: {node.Reason}", node.Error);
                        break;
                }
            }

            running = _running;
        }

        _logger.RunCancelling(running);
    }

    // Caller holds _gate.
    private void ReleaseDependents(WorkNode node)
    {
        if (node.Dependents is not { } dependents)
        {
            return;
        }

        foreach (var dependent in dependents)
        {
            if (--dependent.PendingDependencies == 0 && dependent.State == WorkState.Pending && !_cancelled)
            {
                Enqueue(dependent);
            }
        }
    }

    // Caller holds _gate. Every transitive dependent of a work that did not succeed is still Pending
    // (it cannot have started), unless it was already blocked or cancelled along with its own dependents.
    private void BlockDependents(WorkNode failed)
    {
        var reason = $"Blocked by {failed.Id} '{failed.Name}', which ended {failed.State}.";
        _blockStack.Push(failed);
        while (_blockStack.TryPop(out var node))
        {
            if (node.Dependents is not { } dependents)
            {
                continue;
            }

            foreach (var dependent in dependents)
            {
                if (dependent.State == WorkState.Pending)
                {
                    dependent.BlockedBy = failed.Id;
                    SetState(dependent, WorkState.Blocked, reason, null);
                    _logger.WorkBlocked(dependent.Id, dependent.Name, failed.Id);
                    _blockStack.Push(dependent);
                }
            }
        }
    }

    // Caller holds _gate.
    private void Enqueue(WorkNode node)
    {
        _instruments.Queued.Add(1, node.Type.Tag);
        _ready!.Writer.TryWrite(node);
    }

    // Caller holds _gate. Observers run here so that they see changes in the order they happen.
    private void SetState(WorkNode node, WorkState state, string? reason, Exception? error, TimeSpan? retryDelay = null)
    {
        var previous = node.State;
        node.State = state;
        node.Reason = reason;
        node.Error = error;
        if (state.IsTerminal())
        {
            _instruments.Completed.Add(1, node.Type.Tag, new KeyValuePair<string, object?>(HistoryWorkTelemetry.Tags.Outcome, StateTag(state)));
            if (--_remaining == 0)
            {
                _ready!.Writer.TryComplete();
            }
        }

        if (_stateChanged is null && _progress is null)
        {
            return;
        }

        var change = new WorkEvent(node.Id, node.Name, previous, state, node.Attempts, _timeProvider.GetUtcNow(), reason, error, retryDelay);
        try
        {
            _stateChanged?.Invoke(change);
            _progress?.Report(change);
        }
#pragma warning disable CA1031 // An observer's bug must not corrupt the scheduler's bookkeeping.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            _logger.ObserverThrew(ex, node.Id);
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

    private static string OutcomeTag(WorkOutcomeKind kind) => kind switch
    {
        WorkOutcomeKind.Success => "success",
        WorkOutcomeKind.Retry => "retry",
        WorkOutcomeKind.Failed => "failed",
        _ => "cancelled",
    };

    private static string StateTag(WorkState state) => state switch
    {
        WorkState.Succeeded => "success",
        WorkState.Failed => "failed",
        WorkState.Cancelled => "cancelled",
        _ => "blocked",
    };

    private sealed class WorkType(string name, ILogger logger)
    {
        public string Name { get; } = name;

        public ILogger Logger { get; } = logger;

        public KeyValuePair<string, object?> Tag { get; } = new(HistoryWorkTelemetry.Tags.WorkType, name);
    }

    // Mutable fields are guarded by WorkScheduler._gate (Attempts and LastRetry are also read by the
    // one worker running the work, which no one else touches meanwhile).
    private sealed class WorkNode(IWork work, WorkId id, int maxRetries, WorkType type)
    {
        public IWork Work { get; } = work;

        public WorkId Id { get; } = id;

        public string Name { get; } = work.Name ?? type.Name;

        public int MaxRetries { get; } = maxRetries;

        public WorkType Type { get; } = type;

        public List<WorkNode>? Dependents { get; set; }

        public int PendingDependencies { get; set; }

        public WorkState State { get; set; }

        public int Attempts { get; set; }

        public string? Reason { get; set; }

        public Exception? Error { get; set; }

        public WorkId? BlockedBy { get; set; }

        public WorkOutcome? LastRetry { get; set; }

        public ITimer? RetryTimer { get; set; }
    }
}
