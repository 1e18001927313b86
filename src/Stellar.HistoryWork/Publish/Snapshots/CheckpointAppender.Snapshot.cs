using System.Globalization;
using Stellar.HistoryWork.Download;
using Stellar.HistoryWork.IO;
using Stellar.HistoryWork.Verification;
using Stellar.Xdr;

namespace Stellar.HistoryWork.Publish;

public sealed partial class CheckpointAppender
{
    private SnapshotVerifier? _verifier;
    private HashSet<string> _publishedBuckets = new(StringComparer.Ordinal);

    /// <summary>
    /// Makes the snapshot of a complete checkpoint (what the reference node's <c>WriteSnapshotWork</c> and
    /// <c>ResolveSnapshotWork</c> prepare): its record files gzipped, the HAS written as the reference node writes it,
    /// the buckets it names (gzip files are taken as they are, raw XDR bucket files are gzipped), and all of it checked
    /// with a download's rules before anything can leave. Making it again is harmless.
    /// </summary>
    /// <param name="state">
    /// The checkpoint's HAS: <c>currentLedger</c> is the checkpoint, every future resolved or cleared (a merge still
    /// running cannot be published).
    /// </param>
    /// <param name="bucketFiles">Bucket hash → the node's local file of that bucket, gzip or raw XDR; must hold every bucket the HAS names.</param>
    /// <param name="cancellationToken">Stops the work; nothing half-written is left under a final name.</param>
    /// <exception cref="HistoryVerificationException">A rule is broken (naming the file and rule), or a bucket is missing.</exception>
    /// <exception cref="InvalidOperationException">The checkpoint's ledgers are not all appended, or it was published already.</exception>
    public async Task<CheckpointSnapshot> SnapshotAsync(HistoryArchiveState state, IReadOnlyDictionary<string, string> bucketFiles, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(bucketFiles);
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            var checkpoint = state.CurrentLedger;
            if (!Math.IsCheckpoint(checkpoint))
            {
                throw new ArgumentException(Describe($"the HAS describes ledger {checkpoint}, which is not a checkpoint ({Math})"), nameof(state));
            }

            var ledgerFile = CheckpointRecordFiles.PathOf(BuildingDirectory, HistoryFileKind.Ledger, checkpoint);
            if (LastLedger is not { } last || last < checkpoint || !File.Exists(ledgerFile))
            {
                throw new InvalidOperationException(Describe(
                    $"checkpoint {checkpoint} is not complete here: the last ledger appended is {LastLedger?.ToString(CultureInfo.InvariantCulture) ?? "none"}{(File.Exists(ledgerFile) ? "" : " and its ledger file is gone (published already?)")}"));
            }

            if (_current?.Checkpoint == checkpoint)
            {
                await _current.DisposeAsync().ConfigureAwait(false);
                _current = null;
            }

            var store = new VerifiedFileStore(SnapshotDirectory, _options.History.MeterFactory);
            var files = new Dictionary<HistoryFileKind, string>();
            foreach (var kind in new[] { HistoryFileKind.Ledger, HistoryFileKind.Transactions, HistoryFileKind.Results, HistoryFileKind.Scp })
            {
                var raw = CheckpointRecordFiles.PathOf(BuildingDirectory, kind, checkpoint);
                var present = File.Exists(raw) && new FileInfo(raw).Length > 0;
                if (kind == HistoryFileKind.Scp && !present)
                {
                    continue; // the reference node uploads no empty SCP file
                }

                var gz = store.LocalPath(ArchivePaths.CheckpointFile(kind, checkpoint));
                await SnapshotGzip.CompressAsync(present ? raw : null, gz, cancellationToken).ConfigureAwait(false);
                files[kind] = gz;
            }

            var buckets = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var hash in state.GetReferencedBuckets())
            {
                if (!bucketFiles.TryGetValue(hash, out var local) || !File.Exists(local))
                {
                    var path = ArchivePaths.Bucket(hash);
                    throw HistoryVerificationException.Create(path, checkpoint, ProblemKind.Missing, Describe(
                        $"{path}: the HAS of checkpoint {checkpoint} names bucket {hash}, which the node did not provide{(local is null ? "" : $" ({local} does not exist)")} (rule: every referenced bucket exists)"));
                }

                if (!SnapshotGzip.IsGzip(local))
                {
                    // Raw buckets are gzipped once and kept while a HAS still names them (they are written atomically).
                    var gz = store.LocalPath(ArchivePaths.Bucket(hash));
                    if (!File.Exists(gz))
                    {
                        await SnapshotGzip.CompressAsync(local, gz, cancellationToken).ConfigureAwait(false);
                    }

                    local = gz;
                }

                buckets[hash] = local;
            }

            var stateFile = store.LocalPath(ArchivePaths.HistoryState(checkpoint));
            var bytes = state.ToUtf8Bytes();
            await AtomicFile.WriteAsync(stateFile, (stream, ct) => stream.WriteAsync(bytes, ct).AsTask(), cancellationToken).ConfigureAwait(false);
            var snapshot = new CheckpointSnapshot(checkpoint, state, stateFile, files, buckets);
            _ends.TryGetValue(checkpoint - Math.Frequency, out var previousEnd);
            _verifier ??= new SnapshotVerifier(_options.History);
            await _verifier.VerifyAsync(snapshot, checkpoint > Math.FirstCheckpoint ? previousEnd : null, cancellationToken).ConfigureAwait(false);
            return snapshot;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>
    /// Publishes a checked snapshot to every writer in turn, in publish order: the buckets the last published checkpoint
    /// did not name (a target's identical copy is skipped, a differing one replaced), then the ledger, transactions,
    /// results and SCP files, then the checkpoint's HAS, then <c>.well-known</c>, never moved back to an older checkpoint.
    /// Once every writer has it, the checkpoint's local files are deleted (never the node's own bucket files).
    /// </summary>
    /// <exception cref="OperationCanceledException">Cancelled; publishing again later resumes.</exception>
    public async Task PublishAsync(CheckpointSnapshot snapshot, IReadOnlyList<IArchiveWriter> writers, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        ArgumentNullException.ThrowIfNull(writers);
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            var checkpoint = snapshot.Checkpoint;
            var buckets = snapshot.Buckets.Where(b => !_publishedBuckets.Contains(b.Key)).ToDictionary(b => b.Key, b => b.Value, StringComparer.Ordinal);
            var files = snapshot.Files.ToDictionary(f => (f.Key, checkpoint), f => f.Value);
            var history = new PublishableHistory(buckets, files, new SortedDictionary<uint, HistoryArchiveState> { [checkpoint] = snapshot.State });
            var store = new VerifiedFileStore(SnapshotDirectory, _options.History.MeterFactory);
            foreach (var writer in writers)
            {
                ArgumentNullException.ThrowIfNull(writer, nameof(writers));
                var publisher = new ArchivePublisher(writer, _options.History);
                await publisher.PublishAllAsync(history, store, publishWellKnown: true, _options.History.TimeProvider, cancellationToken).ConfigureAwait(false);
            }

            _publishedBuckets = new HashSet<string>(snapshot.Buckets.Keys, StringComparer.Ordinal);
            await ReleaseAsync(snapshot, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Publishes to one writer; see <see cref="PublishAsync(CheckpointSnapshot, IReadOnlyList{IArchiveWriter}, CancellationToken)"/>.</summary>
    public Task PublishAsync(CheckpointSnapshot snapshot, IArchiveWriter writer, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(writer);
        return PublishAsync(snapshot, [writer], cancellationToken);
    }

    private async Task ReleaseAsync(CheckpointSnapshot snapshot, CancellationToken cancellationToken)
    {
        var checkpoint = snapshot.Checkpoint;
        if (_ends.TryGetValue(checkpoint, out var end) && !_ends.Keys.Any(k => k > checkpoint))
        {
            // The newest known end must survive its record files: the next checkpoint links to it.
            var tip = Path.Combine(BuildingDirectory, TipFileName);
            await AtomicFile.WriteAsync(tip, async (stream, ct) =>
            {
                var writer = new XdrRecordWriter(stream, leaveOpen: true);
                await using (writer.ConfigureAwait(false))
                {
                    await writer.WriteAsync(end, ct).ConfigureAwait(false);
                }
            }, cancellationToken).ConfigureAwait(false);
        }

        foreach (var file in snapshot.Files.Values.Append(snapshot.StateFile))
        {
            File.Delete(file);
        }

        var bucketDirectory = Path.Combine(SnapshotDirectory, "bucket");
        if (System.IO.Directory.Exists(bucketDirectory))
        {
            var named = snapshot.Buckets.Values.ToHashSet(StringComparer.Ordinal);
            foreach (var file in System.IO.Directory.EnumerateFiles(bucketDirectory, "*.xdr.gz", SearchOption.AllDirectories).Where(f => !named.Contains(f)).ToList())
            {
                File.Delete(file); // gzipped from a raw bucket no HAS names any more
            }
        }

        DeleteRecordFiles(checkpoint);
        foreach (var older in _ends.Keys.Where(k => k < checkpoint).ToList())
        {
            _ends.Remove(older);
        }
    }
}
