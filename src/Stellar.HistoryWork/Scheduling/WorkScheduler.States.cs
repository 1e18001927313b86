using Stellar.HistoryWork.Telemetry;

namespace Stellar.HistoryWork.Scheduling;

// State changes (observers, metrics, the count of unfinished works) and what a final state releases or blocks.
public sealed partial class WorkScheduler
{
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

    private static string StateTag(WorkState state) => state switch
    {
        WorkState.Succeeded => "success",
        WorkState.Failed => "failed",
        WorkState.Cancelled => "cancelled",
        _ => "blocked",
    };
}
