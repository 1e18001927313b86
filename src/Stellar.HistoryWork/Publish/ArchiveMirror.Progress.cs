namespace Stellar.HistoryWork.Publish;

// A mirror's progress: what a caller polls, and what the run updates as it goes.
public sealed partial class ArchiveMirror
{
    /// <summary>
    /// Where the run is at this moment — poll it for live progress: the <see cref="HistoryWorkStage.Publishing"/> stage
    /// counts checkpoints one by one as their HAS reaches the target (with the bytes written), followed by the download
    /// stages of the batch in flight (<see cref="HistoryWorkProgress.Batch"/>: files per stage, bytes); files written
    /// and found intact. Null until the range is resolved. <see cref="ArchiveMirrorOptions.Progress"/> raises the same
    /// snapshot after every batch.
    /// </summary>
    public async Task<HistoryWorkProgress?> GetProgressAsync(CancellationToken cancellationToken = default)
    {
        if (_live is not { } live)
        {
            return null;
        }

        var (batch, state, _) = live.Current;
        HistoryWorkProgress? download = null;
        if (state is not null)
        {
            try
            {
                download = await state.GetProgressAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (ObjectDisposedException)
            {
                // The batch ended while we asked: it is in the counters now.
            }
        }

        return live.Snapshot(download is null ? null : batch, download);
    }

    /// <summary>What <see cref="GetProgressAsync"/> reads while a run goes on.</summary>
    private sealed class LiveRun(CheckpointRange range, int batches, ArchivePublisher publisher, TimeProvider timeProvider)
    {
        private readonly long _startedAt = timeProvider.GetTimestamp();

        public CheckpointRange Range => range;

        public int Batches => batches;

        public ArchivePublisher Publisher => publisher;

        private readonly Lock _gate = new();
        private (CheckpointRange? Batch, SharedHistoryState? State, int BatchesDone) _current;

        /// <summary>Checkpoints done without a HAS published: a buckets-stage mirror counts its batches' checkpoints here.</summary>
        public int CheckpointsDone { get; set; }

        /// <summary>The run's progress, with the download of <paramref name="batch"/> when one is in flight.</summary>
        public HistoryWorkProgress Snapshot(CheckpointRange? batch, HistoryWorkProgress? download)
        {
            var published = Math.Max(publisher.CheckpointsPublished, CheckpointsDone);
            var publishing = new StageProgress(HistoryWorkStage.Publishing, published, range.Count, publisher.BytesWritten, published >= range.Count ? StageStatus.Succeeded : StageStatus.Running);
            IReadOnlyList<StageProgress> stages = download is null ? [publishing] : [publishing, .. download.Stages];
            return new HistoryWorkProgress(stages, timeProvider.GetElapsedTime(_startedAt))
            {
                Bytes = publisher.BytesWritten,
                Files = publisher.FilesWritten,
                FilesSkipped = publisher.FilesSkipped,
                Batch = batch,
            };
        }

        /// <summary>The batch in flight and its state (null between batches), and the batches done.</summary>
        public (CheckpointRange? Batch, SharedHistoryState? State, int BatchesDone) Current
        {
            get
            {
                lock (_gate)
                {
                    return _current;
                }
            }

            set
            {
                lock (_gate)
                {
                    _current = value;
                }
            }
        }
    }
}
