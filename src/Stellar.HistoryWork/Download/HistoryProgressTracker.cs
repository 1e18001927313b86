namespace Stellar.HistoryWork.Download;

/// <summary>
/// The progress part of <see cref="SharedHistoryState"/>: per-stage counters, when the download started and the
/// first failure. Not thread-safe on its own: the façade calls it under its gate.
/// </summary>
internal sealed class HistoryProgressTracker
{
    private readonly TimeProvider _timeProvider;
    private readonly Dictionary<HistoryWorkStage, StageCounters> _stages = [];
    private long? _startedAt;

    public HistoryProgressTracker(TimeProvider timeProvider) => _timeProvider = timeProvider;

    /// <summary>The first failure, as "stage: reason"; null while none.</summary>
    public string? Failure { get; private set; }

    public bool HasStages => _stages.Count > 0;

    public void Register(IEnumerable<HistoryWorkStage> stages)
    {
        foreach (var stage in stages)
        {
            _stages.TryAdd(stage, new StageCounters());
        }
    }

    public void Start(HistoryWorkStage stage, long total)
    {
        var counters = Counters(stage);
        counters.Status = StageStatus.Running;
        counters.Total = total;
        counters.Done = 0;
        _startedAt ??= _timeProvider.GetTimestamp();
    }

    public void Advance(HistoryWorkStage stage, long items, long bytes)
    {
        var counters = Counters(stage);
        counters.Done += items;
        counters.Bytes += bytes;
    }

    public void Complete(HistoryWorkStage stage) => Counters(stage).Status = StageStatus.Succeeded;

    public void Fail(HistoryWorkStage stage, string reason)
    {
        Counters(stage).Status = StageStatus.Failed;
        Failure ??= $"{StageNames.Describe(stage)}: {reason}";
    }

    /// <summary>The stages that have not succeeded, described.</summary>
    public List<string> Unfinished() =>
        _stages.Where(s => s.Value.Status != StageStatus.Succeeded).Select(s => StageNames.Describe(s.Key)).ToList();

    public HistoryWorkProgress Snapshot()
    {
        var stages = _stages
            .OrderBy(s => s.Key)
            .Select(s => new StageProgress(s.Key, s.Value.Done, s.Value.Total, s.Value.Bytes, s.Value.Status))
            .ToList();
        var elapsed = _startedAt is { } start ? _timeProvider.GetElapsedTime(start) : TimeSpan.Zero;
        return new HistoryWorkProgress(stages, elapsed, Failure);
    }

    private StageCounters Counters(HistoryWorkStage stage)
    {
        if (!_stages.TryGetValue(stage, out var counters))
        {
            counters = new StageCounters();
            _stages[stage] = counters;
        }

        return counters;
    }

    private sealed class StageCounters
    {
        public StageStatus Status { get; set; }

        public long Done { get; set; }

        public long Total { get; set; }

        public long Bytes { get; set; }
    }
}
