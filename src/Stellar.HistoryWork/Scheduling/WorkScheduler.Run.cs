using System.Diagnostics;
using System.Threading.Channels;
using Stellar.HistoryWork.Telemetry;

namespace Stellar.HistoryWork.Scheduling;

// The run: worker loops take ready works, run one attempt each, and settle its outcome (retry, release, block).
public sealed partial class WorkScheduler
{
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

    private static string OutcomeTag(WorkOutcomeKind kind) => kind switch
    {
        WorkOutcomeKind.Success => "success",
        WorkOutcomeKind.Retry => "retry",
        WorkOutcomeKind.Failed => "failed",
        _ => "cancelled",
    };
}
