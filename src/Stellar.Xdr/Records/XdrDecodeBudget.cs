namespace Stellar.Xdr;

/// <summary>
/// Bytes of memory that record decodes running at the same time may use together: a record's buffer and the
/// objects it decodes into. Every reader given the same budget takes its share before a record's body is read
/// and gives it back when the next record starts (or the reader is disposed); a decode that does not fit waits,
/// first come first served, rather than exceed the budget. A single record needs at most <see cref="Capacity"/>,
/// so it can always run once the others are done, and a reader never waits while it holds a share, so readers
/// cannot deadlock one another.
/// </summary>
public sealed class XdrDecodeBudget
{
    private readonly object _gate = new();
    private readonly LinkedList<Waiter> _waiters = new();
    private long _available;

    /// <summary>A budget of <paramref name="capacity"/> bytes.</summary>
    /// <param name="capacity">Bytes all decodes together may use; positive.</param>
    public XdrDecodeBudget(long capacity)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(capacity);
        Capacity = capacity;
        _available = capacity;
    }

    /// <summary>Bytes all decodes together may use.</summary>
    public long Capacity { get; }

    /// <summary>Bytes not taken at this moment.</summary>
    public long Available
    {
        get
        {
            lock (_gate)
            {
                return _available;
            }
        }
    }

    /// <summary>Takes <paramref name="bytes"/> of the budget, waiting (in arrival order) until they are free.</summary>
    /// <param name="bytes">At least 0 and at most <see cref="Capacity"/>.</param>
    /// <param name="cancellationToken">Ends the wait; nothing is taken then.</param>
    public ValueTask ReserveAsync(long bytes, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(bytes);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(bytes, Capacity);
        cancellationToken.ThrowIfCancellationRequested();
        Waiter waiter;
        lock (_gate)
        {
            if (_waiters.Count == 0 && bytes <= _available)
            {
                _available -= bytes;
                return ValueTask.CompletedTask;
            }

            waiter = new Waiter(bytes);
            waiter.Node = _waiters.AddLast(waiter);
        }

        if (cancellationToken.CanBeCanceled)
        {
            waiter.Registration = cancellationToken.Register(() => Cancel(waiter, cancellationToken));
        }

        return new ValueTask(waiter.Completion.Task);
    }

    /// <summary>Takes <paramref name="bytes"/> of the budget, blocking the calling thread until they are free.</summary>
    /// <param name="bytes">At least 0 and at most <see cref="Capacity"/>.</param>
    public void Reserve(long bytes) => ReserveAsync(bytes).AsTask().GetAwaiter().GetResult();

    /// <summary>Gives back <paramref name="bytes"/> taken earlier and lets waiting decodes go on.</summary>
    /// <param name="bytes">At least 0; never more than was taken.</param>
    public void Release(long bytes)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(bytes);
        List<Waiter>? granted = null;
        lock (_gate)
        {
            _available = Math.Min(Capacity, _available + bytes);
            while (_waiters.First is { } first && first.Value.Bytes <= _available)
            {
                _available -= first.Value.Bytes;
                _waiters.RemoveFirst();
                first.Value.Node = null;
                (granted ??= []).Add(first.Value);
            }
        }

        // Completed outside the lock: continuations may run inline.
        foreach (var waiter in granted ?? [])
        {
            waiter.Registration.Dispose();
            waiter.Completion.TrySetResult();
        }
    }

    private void Cancel(Waiter waiter, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (waiter.Node is null)
            {
                return; // already granted
            }

            _waiters.Remove(waiter.Node);
            waiter.Node = null;
        }

        waiter.Completion.TrySetCanceled(cancellationToken);

        // The head may have been the only thing holding back the ones behind it.
        Release(0);
    }

    private sealed class Waiter(long bytes)
    {
        public long Bytes { get; } = bytes;

        public TaskCompletionSource Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public LinkedListNode<Waiter>? Node { get; set; }

        public CancellationTokenRegistration Registration { get; set; }
    }
}
