using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Stellar.HistoryWork.Telemetry;

namespace Stellar.HistoryWork.Download;

/// <summary>What every history work item of one builder shares: the archive, the store, the state and the options.</summary>
internal sealed class HistoryWorkContext
{
    public HistoryWorkContext(IArchiveReader archive, CheckpointRange range, SharedHistoryState state, HistoryWorkOptions options, VerifiedFileStore? store = null)
    {
        Archive = archive;
        Range = range;
        State = state;
        Options = options;
        Store = store ?? new VerifiedFileStore(options.ResolveWorkDirectory(), options.MeterFactory);
        Store.SweepStaleOnce();
        Logger = CreateLogger(options);
        Telemetry = HistoryWorkTelemetry.For(options.MeterFactory).Download;
        FetchEveryHistoryArchiveState = options.FetchEveryHistoryArchiveState;
    }

    /// <summary>
    /// Whether the HAS of every checkpoint of the range is fetched (and its buckets): the option, or forced on by a
    /// publish registered with the builder, since a published range must be a complete archive.
    /// </summary>
    public bool FetchEveryHistoryArchiveState { get; private set; }

    private uint? _historyArchiveStateCheckpoint;

    public IArchiveReader Archive { get; }

    /// <summary>
    /// Which of the buckets the fetched HAS files name are fetched (a sharded mirror's buckets stage leaves the shard
    /// below its own); null: every one.
    /// </summary>
    public Func<string, bool>? FetchesBucket { get; set; }

    /// <summary>The checkpoint whose HAS (and buckets) a download without every HAS fetches: the range's last, or a catchup's applied one.</summary>
    public uint HistoryArchiveStateCheckpoint
    {
        get => _historyArchiveStateCheckpoint ?? Range.Last;
        set => _historyArchiveStateCheckpoint = Range.Contains(value) ? value : throw new ArgumentOutOfRangeException(nameof(value), value, "Not a checkpoint of the range.");
    }

    public CheckpointRange Range { get; }

    public SharedHistoryState State { get; }

    public HistoryWorkOptions Options { get; }

    public VerifiedFileStore Store { get; }

    public ILogger Logger { get; }

    public HistoryWorkTelemetry.DownloadInstruments Telemetry { get; }

    public CheckpointMath Checkpoints => Range.Math;

    /// <summary>Makes the download fetch every checkpoint's HAS; called when a publish is registered, before the run.</summary>
    public void RequireEveryHistoryArchiveState() => FetchEveryHistoryArchiveState = true;

    public static ILogger CreateLogger(HistoryWorkOptions options) =>
        (options.LoggerFactory ?? NullLoggerFactory.Instance).CreateLogger("Stellar.HistoryWork.Download");

    /// <summary>
    /// The context of a work used on its own, outside a <see cref="HistoryWorkBuilder"/>: its progress goes to
    /// <paramref name="state"/> when given, else to a private state nobody reads.
    /// </summary>
    public static HistoryWorkContext Standalone(IArchiveReader archive, CheckpointRange range, HistoryWorkOptions? options, SharedHistoryState? state = null, VerifiedFileStore? store = null)
    {
        ArgumentNullException.ThrowIfNull(archive);
        options ??= new HistoryWorkOptions();
        options.Validate();
        if (!range.Math.Equals(options.Checkpoints))
        {
            throw new ArgumentException($"The range uses {range.Math} but the options use {options.Checkpoints}.", nameof(range));
        }

        return new HistoryWorkContext(archive, range, state ?? new SharedHistoryState(options.TimeProvider), options, store);
    }

    /// <summary>
    /// The context of a DESIGN §2 work built by hand instead of by a <see cref="HistoryWorkBuilder"/>: works given one
    /// <paramref name="state"/> share it and one store over the options' work directory (so a HAS one fetched is bound
    /// by the headers another verified), and the state learns the range and the work's stage, so that
    /// <see cref="SharedHistoryState.BuildCheckpointDataAsync(CancellationToken)"/> waits for every such work.
    /// </summary>
    /// <exception cref="ArgumentException">Another work on <paramref name="state"/> uses another work directory.</exception>
    public static HistoryWorkContext ByHand(IArchiveReader? archive, CheckpointRange range, SharedHistoryState state, HistoryWorkOptions? options, HistoryWorkStage? stage)
    {
        ArgumentNullException.ThrowIfNull(state);
        options ??= new HistoryWorkOptions();
        options.Validate();
        var store = state.SharedStore(options.ResolveWorkDirectory(), options.MeterFactory);
        var context = Standalone(archive ?? NoSource.Instance, range, options, state, store);
        if (stage is { } registered)
        {
            state.RegisterStages(range, [registered]);
        }

        return context;
    }

    /// <summary>The source of a publish work, which reads only what the download verified: asking it for a file is a bug.</summary>
    private sealed class NoSource : IArchiveReader
    {
        public static readonly NoSource Instance = new();

        public string Name => "none";

        public ValueTask<Stream> OpenReadAsync(string path, CancellationToken cancellationToken = default) =>
            throw new InvalidOperationException($"A publish work does not read from an archive ({path}).");

        public ValueTask<bool> ExistsAsync(string path, CancellationToken cancellationToken = default) =>
            throw new InvalidOperationException($"A publish work does not read from an archive ({path}).");
    }
}
