using Stellar.HistoryWork.Verification;

namespace Stellar.HistoryWork.Download;

/// <summary>
/// Between the download of a range's checkpoint files and a consumer that takes them in ledger order
/// (<see cref="HistoryCatchup.CatchupByCheckpointAsync"/>): the download may start a checkpoint only while it lies
/// fewer than <see cref="LookAhead"/> checkpoints past the one the consumer is on, so what waits for the consumer
/// stays bounded however far behind it falls; the consumer is handed a checkpoint once it and every checkpoint
/// before it verified. It outlives the download work's attempts, so a retry resumes at the first checkpoint not yet
/// handed over. Checkpoints are numbered by their index in <see cref="Range"/>.
/// </summary>
internal sealed class CheckpointLookAhead
{
    private readonly Lock _gate = new();
    private readonly bool[] _verified;
    private readonly bool[] _withScp;
    private readonly bool _scpRequired;
    private TaskCompletionSource _changed = NewSignal();
    private int _consumed;
    private int _ready;
    private uint? _firstWithScp;

    public CheckpointLookAhead(CheckpointRange range, int lookAhead, bool scpRequired)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(lookAhead, 1);
        Range = range;
        LookAhead = lookAhead;
        _scpRequired = scpRequired;
        _verified = new bool[range.Count];
        _withScp = new bool[range.Count];
    }

    public CheckpointRange Range { get; }

    /// <summary>How many checkpoints past the consumer's the download may work on.</summary>
    public int LookAhead { get; }

    /// <summary>How many checkpoints, from the first, are ready to be handed over.</summary>
    public int ReadyCount
    {
        get
        {
            lock (_gate)
            {
                return _ready;
            }
        }
    }

    public bool IsVerified(int index)
    {
        lock (_gate)
        {
            return _verified[index];
        }
    }

    /// <summary>Waits until the download may work on checkpoint <paramref name="index"/>.</summary>
    public async Task AdmitAsync(int index, CancellationToken cancellationToken)
    {
        while (true)
        {
            Task changed;
            lock (_gate)
            {
                if (index < _consumed + LookAhead)
                {
                    return;
                }

                changed = _changed.Task;
            }

            await changed.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Records that every file of checkpoint <paramref name="index"/> verified (<paramref name="withScp"/>: it has an
    /// SCP file) and hands over the verified checkpoints that now follow the ready ones. The SCP presence rule is
    /// judged here, in ledger order, since it depends on the checkpoints before.
    /// </summary>
    /// <exception cref="HistoryVerificationException">An SCP file is missing where the rule requires one.</exception>
    public void Verified(int index, bool withScp)
    {
        lock (_gate)
        {
            _verified[index] = true;
            _withScp[index] = withScp;
            try
            {
                while (_ready < _verified.Length && _verified[_ready])
                {
                    var checkpoint = Range[_ready];
                    if (_withScp[_ready])
                    {
                        _firstWithScp ??= checkpoint;
                    }
                    else if (ScpVerifier.IsMissingFileAProblem(checkpoint, _firstWithScp, _scpRequired))
                    {
                        // Not handed over: the next attempt fetches it again, and fails the same way unless it appeared.
                        _verified[_ready] = false;
                        throw ScpVerifier.MissingFile(checkpoint, _firstWithScp);
                    }

                    _ready++;
                }
            }
            finally
            {
                Signal();
            }
        }
    }

    /// <summary>
    /// Waits until checkpoint <paramref name="index"/> can be handed over (true), or until <paramref name="ended"/>
    /// (the run of the download) ends without it (false).
    /// </summary>
    public async Task<bool> WaitReadyAsync(int index, Task ended, CancellationToken cancellationToken)
    {
        while (true)
        {
            Task changed;
            lock (_gate)
            {
                if (index < _ready)
                {
                    return true;
                }

                if (ended.IsCompleted)
                {
                    return false;
                }

                changed = _changed.Task;
            }

            await Task.WhenAny(changed, ended).WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>The consumer is done with the first <paramref name="count"/> checkpoints: the download may move on.</summary>
    public void Consumed(int count)
    {
        lock (_gate)
        {
            _consumed = Math.Max(_consumed, count);
            Signal();
        }
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    // Under the gate: wakes every waiter, which then looks again.
    private void Signal()
    {
        var changed = _changed;
        _changed = NewSignal();
        changed.SetResult();
    }
}
