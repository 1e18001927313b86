using System.Collections.Concurrent;
using System.Diagnostics;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Stellar.HistoryWork.Download;
using Stellar.HistoryWork.Telemetry;
using Stellar.HistoryWork.Verification;

namespace Stellar.HistoryWork.Publish;

/// <summary>
/// Publishes verified history to one target archive, in the order that never exposes a HAS before its data:
/// buckets the target lacks, then checkpoint files, then checkpoint HAS files, and <c>.well-known</c> last, never
/// moved back to an older checkpoint. Every file is written exactly as the source published it (the verified
/// copy in the work directory); one the target already holds identically is skipped, one that differs is replaced.
/// The one place that knows how a file reaches a target: the publish work items and the mirror all go through it.
/// </summary>
internal sealed class ArchivePublisher
{
    public const string BucketsStage = "buckets";
    public const string StatesStage = "history-archive-state";
    public const string CheckpointStage = "checkpoint";

    private const int CompareBufferSize = 64 * 1024;

    private long _filesWritten;
    private long _filesSkipped;
    private long _bytesWritten;
    private long _checkpointsPublished;
    private long _bytesPublished;

    public ArchivePublisher(IArchiveWriter writer, HistoryWorkOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(options);
        Writer = writer;
        Name = writer.Name;
        Reader = writer.Reader;
        MaxConcurrency = options.MaxConcurrentDownloads;
        Instruments = HistoryWorkTelemetry.For(options.MeterFactory).Publish;
        Logger = (options.LoggerFactory ?? NullLoggerFactory.Instance).CreateLogger("Stellar.HistoryWork.Publish");
    }

    public IArchiveWriter Writer { get; }

    /// <summary>The writer's name: the metric tag and what logs say.</summary>
    public string Name { get; }

    public long FilesWritten => Interlocked.Read(ref _filesWritten);

    public long FilesSkipped => Interlocked.Read(ref _filesSkipped);

    public long BytesWritten => Interlocked.Read(ref _bytesWritten);

    /// <summary>Bytes of the files written or found intact: the same when a run is repeated.</summary>
    public long BytesPublished => Interlocked.Read(ref _bytesPublished);

    /// <summary>Checkpoints whose HAS is at the target (written or found intact), one by one.</summary>
    public long CheckpointsPublished => Interlocked.Read(ref _checkpointsPublished);

    public ILogger Logger { get; }

    public HistoryWorkTelemetry.PublishInstruments Instruments { get; }

    /// <summary>
    /// Tells paths whose verified copy was read from this very target (a mirror reading its target first): the target
    /// holds exactly those bytes, so they are skipped without reading them back.
    /// </summary>
    public Func<string, bool>? HeldByTarget { get; init; }

    private IArchiveReader? Reader { get; }

    private int MaxConcurrency { get; }

    public static string StageOf(HistoryFileKind kind) => ArchivePaths.CategoryOf(kind);

    /// <summary>Everything, in order: buckets, checkpoint files, HAS files, then (optionally) <c>.well-known</c>.</summary>
    public async Task PublishAllAsync(PublishableHistory history, VerifiedFileStore store, bool publishWellKnown, TimeProvider timeProvider, CancellationToken cancellationToken)
    {
        await RunTimedAsync(BucketsStage, timeProvider, ct => PublishBucketsAsync(history, ct), cancellationToken).ConfigureAwait(false);
        foreach (var kind in new[] { HistoryFileKind.Ledger, HistoryFileKind.Transactions, HistoryFileKind.Results, HistoryFileKind.Scp })
        {
            await RunTimedAsync(StageOf(kind), timeProvider, ct => PublishCheckpointFilesAsync(kind, history, ct), cancellationToken).ConfigureAwait(false);
        }

        await RunTimedAsync(StatesStage, timeProvider, ct => PublishStatesAsync(history, store, publishWellKnown, ct), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Runs one stage for this target, recording its duration and, when it throws, a failure.</summary>
    public async Task RunTimedAsync(string stage, TimeProvider timeProvider, Func<CancellationToken, Task> stageWork, CancellationToken cancellationToken)
    {
        var started = timeProvider.GetTimestamp();
        var tags = HistoryWorkTelemetry.PublishInstruments.Tags(Name, stage);
        try
        {
            await stageWork(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            Instruments.Failure.Add(1, tags);
            throw;
        }
        finally
        {
            Instruments.Time.Record(timeProvider.GetElapsedTime(started).TotalSeconds, tags);
        }
    }

    public Task PublishBucketsAsync(PublishableHistory history, CancellationToken cancellationToken) =>
        ParallelAsync(
            history.Buckets,
            (bucket, ct) => PublishFileAsync(ArchivePaths.Bucket(bucket.Key), bucket.Value, BucketsStage, ct),
            cancellationToken);

    public Task PublishCheckpointFilesAsync(HistoryFileKind kind, PublishableHistory history, CancellationToken cancellationToken) =>
        ParallelAsync(
            history.Files.Where(f => f.Key.Kind == kind).OrderBy(f => f.Key.Checkpoint),
            (file, ct) => PublishFileAsync(ArchivePaths.CheckpointFile(kind, file.Key.Checkpoint), file.Value, StageOf(kind), ct),
            cancellationToken);

    /// <summary>
    /// The checkpoint HAS files, oldest first, then <c>.well-known</c> with the newest; call only once every file
    /// they reference is in place at the target.
    /// </summary>
    public async Task PublishStatesAsync(PublishableHistory history, VerifiedFileStore store, bool publishWellKnown, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        byte[]? newest = null;
        HistoryArchiveState? newestState = null;
        foreach (var (checkpoint, state) in history.States)
        {
            var bytes = await StateBytesAsync(store, checkpoint, state, cancellationToken).ConfigureAwait(false);
            await PublishBytesAsync(ArchivePaths.HistoryState(checkpoint), bytes, StatesStage, cancellationToken).ConfigureAwait(false);
            Interlocked.Increment(ref _checkpointsPublished);
            Instruments.Success.Add(1, HistoryWorkTelemetry.PublishInstruments.Tags(Name, CheckpointStage));
            Logger.CheckpointPublished(checkpoint, Name);
            (newest, newestState) = (bytes, state);
        }

        if (publishWellKnown && newest is not null && newestState is not null)
        {
            await PublishWellKnownAsync(newestState, newest, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Fails unless every bucket each of <paramref name="states"/> names is at the target (asked once per bucket): a HAS
    /// this publish did not bring the buckets of may follow only once they are there. The problem names the HAS and
    /// the absent bucket (missing).
    /// </summary>
    /// <exception cref="HistoryVerificationException">A bucket is absent.</exception>
    public async Task RequireBucketsAtTargetAsync(IReadOnlyDictionary<uint, HistoryArchiveState> states, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(states);
        var present = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (checkpoint, state) in states)
        {
            foreach (var hash in state.GetReferencedBuckets().Where(h => !present.Contains(h)))
            {
                var bucket = ArchivePaths.Bucket(hash);
                if (await Writer.GetSizeAsync(bucket, cancellationToken).ConfigureAwait(false) is null)
                {
                    var path = ArchivePaths.HistoryState(checkpoint);
                    throw HistoryVerificationException.Create(path, checkpoint, ProblemKind.Missing,
                        $"{path} names {bucket}, which is not at {Name} (rule: a sharded mirror publishes a HAS only once every bucket it names is at the target: run --stage buckets of every shard first)");
                }

                present.Add(hash);
            }
        }
    }

    /// <summary>
    /// Points <c>.well-known</c> at <paramref name="state"/> unless the target already names a newer checkpoint.
    /// Serialized per target, so two checkpoints published at once cannot both read the old one and race.
    /// </summary>
    public async Task PublishWellKnownAsync(HistoryArchiveState state, byte[] bytes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(bytes);
        var gate = WellKnownGate.For(Writer);
        await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (await ReadTargetStateAsync(ArchivePaths.WellKnownState, cancellationToken).ConfigureAwait(false) is { } current)
            {
                if (current.State.CurrentLedger > state.CurrentLedger)
                {
                    Logger.WellKnownKept(Name, current.State.CurrentLedger, state.CurrentLedger);
                    Skipped(ArchivePaths.WellKnownState, StatesStage);
                    return;
                }

                if (current.Bytes.AsSpan().SequenceEqual(bytes))
                {
                    Skipped(ArchivePaths.WellKnownState, StatesStage);
                    return;
                }
            }

            await Writer.PutBytesAsync(ArchivePaths.WellKnownState, bytes, cancellationToken).ConfigureAwait(false);
            Written(ArchivePaths.WellKnownState, bytes.Length, StatesStage);
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>
    /// The HAS bytes to publish: the verified file exactly as the source published it; the state's canonical
    /// bytes (what stellar-core writes) only when no file was kept.
    /// </summary>
    public static async Task<byte[]> StateBytesAsync(VerifiedFileStore store, uint checkpoint, HistoryArchiveState state, CancellationToken cancellationToken)
    {
        var local = store.LocalPath(ArchivePaths.HistoryState(checkpoint));
        return File.Exists(local)
            ? await File.ReadAllBytesAsync(local, cancellationToken).ConfigureAwait(false)
            : state.ToUtf8Bytes();
    }

    private async Task PublishFileAsync(string path, string localFile, string stage, CancellationToken cancellationToken)
    {
        var length = new FileInfo(localFile).Length;
        if (await TargetHoldsAsync(path, length, () => OpenLocal(localFile), cancellationToken).ConfigureAwait(false))
        {
            Skipped(path, stage);
        }
        else
        {
            await Writer.PutFileAsync(path, localFile, cancellationToken).ConfigureAwait(false);
            Written(path, length, stage);
        }

        Interlocked.Add(ref _bytesPublished, length);
    }

    private async Task PublishBytesAsync(string path, byte[] bytes, string stage, CancellationToken cancellationToken)
    {
        if (await TargetHoldsAsync(path, bytes.Length, () => new MemoryStream(bytes, writable: false), cancellationToken).ConfigureAwait(false))
        {
            Skipped(path, stage);
        }
        else
        {
            await Writer.PutBytesAsync(path, bytes, cancellationToken).ConfigureAwait(false);
            Written(path, bytes.Length, stage);
        }

        Interlocked.Add(ref _bytesPublished, bytes.Length);
    }

    /// <summary>
    /// Whether the target's copy is the one we would write: same size and, when the target can be read back,
    /// the same bytes. Anything else (missing, truncated, damaged, unreadable) is rewritten.
    /// </summary>
    private async Task<bool> TargetHoldsAsync(string path, long length, Func<Stream> openExpected, CancellationToken cancellationToken)
    {
        if (HeldByTarget?.Invoke(path) == true)
        {
            return true;
        }

        var size = await Writer.GetSizeAsync(path, cancellationToken).ConfigureAwait(false);
        if (size is null)
        {
            return false;
        }

        if (size == length && Reader is null)
        {
            return true;
        }

        if (size == length)
        {
            try
            {
                var remote = await Reader!.OpenReadAsync(path, cancellationToken).ConfigureAwait(false);
                await using (remote.ConfigureAwait(false))
                {
                    var expected = openExpected();
                    await using (expected.ConfigureAwait(false))
                    {
                        if (await SameBytesAsync(expected, remote, cancellationToken).ConfigureAwait(false))
                        {
                            return true;
                        }
                    }
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // An unreadable copy is as good as a damaged one: it gets replaced.
            }
        }

        Logger.FileReplaced(path, Name);
        return false;
    }

    private async Task<(HistoryArchiveState State, byte[] Bytes)?> ReadTargetStateAsync(string path, CancellationToken cancellationToken)
    {
        if (Reader is null)
        {
            return null;
        }

        try
        {
            var stream = await Reader.OpenReadAsync(path, cancellationToken).ConfigureAwait(false);
            await using (stream.ConfigureAwait(false))
            {
                return await HistoryArchiveState.ReadWithBytesAsync(stream, path, null, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (ArchiveFileNotFoundException)
        {
            return null;
        }
        catch (Exception e) when (e is HistoryArchiveStateException or InvalidDataException or IOException)
        {
            Logger.WellKnownUnreadable(Name, e.Message);
            return null;
        }
    }

    private static async Task<bool> SameBytesAsync(Stream expected, Stream actual, CancellationToken cancellationToken)
    {
        var left = new byte[CompareBufferSize];
        var right = new byte[CompareBufferSize];
        while (true)
        {
            var a = await expected.ReadAtLeastAsync(left, left.Length, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
            var b = await actual.ReadAtLeastAsync(right, right.Length, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
            if (a != b || !left.AsSpan(0, a).SequenceEqual(right.AsSpan(0, b)))
            {
                return false;
            }

            if (a == 0)
            {
                return true;
            }
        }
    }

    private static FileStream OpenLocal(string path) =>
        new(path, FileMode.Open, FileAccess.Read, FileShare.Read, CompareBufferSize, FileOptions.Asynchronous | FileOptions.SequentialScan);

    private Task ParallelAsync<T>(IEnumerable<T> items, Func<T, CancellationToken, Task> publish, CancellationToken cancellationToken)
    {
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = MaxConcurrency, CancellationToken = cancellationToken };
        return Parallel.ForEachAsync(items, parallel, async (item, ct) => await publish(item, ct).ConfigureAwait(false));
    }

    private void Written(string path, long bytes, string stage)
    {
        Interlocked.Increment(ref _filesWritten);
        Interlocked.Add(ref _bytesWritten, bytes);
        var tags = HistoryWorkTelemetry.PublishInstruments.Tags(Name, stage);
        Instruments.Bytes.Add(bytes, tags);
        tags.Add(HistoryWorkTelemetry.PublishInstruments.ResultTag, "written");
        Instruments.Files.Add(1, tags);
        Logger.FileWritten(path, Name, bytes);
    }

    private void Skipped(string path, string stage)
    {
        Interlocked.Increment(ref _filesSkipped);
        var tags = HistoryWorkTelemetry.PublishInstruments.Tags(Name, stage);
        tags.Add(HistoryWorkTelemetry.PublishInstruments.ResultTag, "skipped");
        Instruments.Files.Add(1, tags);
        Logger.FileSkipped(path, Name);
    }

    /// <summary>One lock per target archive for the read-compare-write of <c>.well-known</c>.</summary>
    private static class WellKnownGate
    {
        private static readonly ConditionalWeakTable<IArchiveWriter, SemaphoreSlim> ByWriter = [];
        private static readonly ConcurrentDictionary<string, SemaphoreSlim> ByDirectory = new(StringComparer.Ordinal);

        // Two LocalArchiveWriter instances on one directory are one archive; other backends are known by instance.
        public static SemaphoreSlim For(IArchiveWriter writer) => writer is LocalArchiveWriter local
            ? ByDirectory.GetOrAdd(local.Root, static _ => new SemaphoreSlim(1, 1))
            : ByWriter.GetValue(writer, static _ => new SemaphoreSlim(1, 1));
    }
}
