using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.Logging;
using Stellar.HistoryWork.Scheduling;

namespace Stellar.HistoryWork.Tests.Scheduling;

/// <summary>A work whose every attempt runs the given delegate.</summary>
internal sealed class DelegateWork(string name, Func<WorkContext, CancellationToken, ValueTask<WorkOutcome>> run) : IWork
{
    private int _attempts;

    public DelegateWork(string name, Func<WorkOutcome> outcome)
        : this(name, (_, _) => new ValueTask<WorkOutcome>(outcome()))
    {
    }

    public string Name { get; } = name;

    public int Attempts => Volatile.Read(ref _attempts);

    public List<WorkContext> Contexts { get; } = [];

    public ValueTask<WorkOutcome> RunAsync(WorkContext context, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _attempts);
        lock (Contexts)
        {
            Contexts.Add(context);
        }

        return run(context, cancellationToken);
    }

    public static DelegateWork Succeeding(string name) => new(name, () => WorkOutcome.Success);
}

/// <summary>A second work type, so that metrics can be told apart by type.</summary>
internal sealed class OtherWork(string name, Func<WorkContext, WorkOutcome> run) : IWork
{
    public string Name { get; } = name;

    public ValueTask<WorkOutcome> RunAsync(WorkContext context, CancellationToken cancellationToken) =>
        new(run(context));
}

/// <summary>Works that record the order in which they start and finish.</summary>
internal sealed class OrderLog
{
    private readonly ConcurrentQueue<(string Name, bool Started)> _entries = new();

    public IWork Work(string name) => new DelegateWork(name, async (_, _) =>
    {
        _entries.Enqueue((name, true));
        await Task.Yield();
        _entries.Enqueue((name, false));
        return WorkOutcome.Success;
    });

    public int IndexOfStart(string name) => _entries.ToList().FindIndex(e => e.Name == name && e.Started);

    public int IndexOfEnd(string name) => _entries.ToList().FindIndex(e => e.Name == name && !e.Started);
}

/// <summary>Records state changes and lets a test wait for one without polling.</summary>
internal sealed class StateWatcher
{
    private readonly List<WorkEvent> _events = [];
    private readonly List<(Func<WorkEvent, bool> Match, TaskCompletionSource<WorkEvent> Done)> _waiters = [];

    public IReadOnlyList<WorkEvent> Events
    {
        get
        {
            lock (_events)
            {
                return [.. _events];
            }
        }
    }

    public void OnChanged(WorkEvent change)
    {
        lock (_events)
        {
            _events.Add(change);
            for (var i = _waiters.Count - 1; i >= 0; i--)
            {
                if (_waiters[i].Match(change))
                {
                    _waiters[i].Done.TrySetResult(change);
                    _waiters.RemoveAt(i);
                }
            }
        }
    }

    /// <summary>The first change (past or future) matching <paramref name="match"/>.</summary>
    public Task<WorkEvent> WhenAsync(Func<WorkEvent, bool> match)
    {
        lock (_events)
        {
            foreach (var change in _events)
            {
                if (match(change))
                {
                    return Task.FromResult(change);
                }
            }

            // Continuations must not run inside the scheduler's lock, where OnChanged is called.
            var done = new TaskCompletionSource<WorkEvent>(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiters.Add((match, done));
            return done.Task.WaitAsync(TimeSpan.FromSeconds(30)); // hang guard only, never a timing assertion
        }
    }

    /// <summary>Completes once <paramref name="count"/> changes match <paramref name="match"/>.</summary>
    public Task WhenCountAsync(Func<WorkEvent, bool> match, int count)
    {
        var seen = 0;
        return WhenAsync(e => match(e) && ++seen == count);
    }
}

/// <summary>An <see cref="IMeterFactory"/> whose meters are scoped to it, so parallel tests do not see each other.</summary>
internal sealed class TestMeterFactory : IMeterFactory
{
    private readonly List<Meter> _meters = [];

    public Meter Create(MeterOptions options)
    {
        var meter = new Meter(new MeterOptions(options.Name) { Version = options.Version, Tags = options.Tags, Scope = this });
        lock (_meters)
        {
            _meters.Add(meter);
        }

        return meter;
    }

    public void Dispose()
    {
        lock (_meters)
        {
            foreach (var meter in _meters)
            {
                meter.Dispose();
            }

            _meters.Clear();
        }
    }
}

/// <summary>Loggers that keep every entry.</summary>
internal sealed class RecordingLoggerFactory : ILoggerFactory
{
    public ConcurrentQueue<(string Category, LogLevel Level, EventId EventId, string Message, Exception? Error)> Entries { get; } = new();

    public ILogger CreateLogger(string categoryName) => new RecordingLogger(this, categoryName);

    public void AddProvider(ILoggerProvider provider) => throw new NotSupportedException();

    public void Dispose()
    {
    }

    private sealed class RecordingLogger(RecordingLoggerFactory owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            owner.Entries.Enqueue((category, logLevel, eventId, formatter(state, exception), exception));
    }
}

internal static class SchedulerTesting
{
    /// <summary>
    /// xunit 2 runs tests under a synchronization context; FakeTimeProvider fires timers inline in Advance,
    /// and continuations posted to that context could then wait behind the test itself.
    /// </summary>
    public static void ClearSynchronizationContext() => SynchronizationContext.SetSynchronizationContext(null);

    public static Task<WorkSchedulerResult> Guard(this Task<WorkSchedulerResult> run) => run.WaitAsync(TimeSpan.FromSeconds(60));
}
