using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Stellar.HistoryWork.Download;

/// <summary>What every history work item of one builder shares: the archive, the store, the state and the options.</summary>
internal sealed class HistoryWorkContext
{
    public HistoryWorkContext(IArchiveReader archive, CheckpointRange range, SharedHistoryState state, HistoryWorkOptions options)
    {
        Archive = archive;
        Range = range;
        State = state;
        Options = options;
        Store = new VerifiedFileStore(options.ResolveWorkDirectory());
        Logger = (options.LoggerFactory ?? NullLoggerFactory.Instance).CreateLogger("Stellar.HistoryWork.Download");
    }

    public IArchiveReader Archive { get; }

    public CheckpointRange Range { get; }

    public SharedHistoryState State { get; }

    public HistoryWorkOptions Options { get; }

    public VerifiedFileStore Store { get; }

    public ILogger Logger { get; }

    public CheckpointMath Checkpoints => Range.Math;
}
