using Stellar.HistoryWork.Download;
using Stellar.HistoryWork.Verification;
using Stellar.Xdr;

namespace Stellar.HistoryWork.Publish;

/// <summary>
/// Checks a snapshot before it leaves, with the download's own rules (<see cref="DownloadVerification"/>, the verifiers
/// of <c>Verification/</c>): the gzipped files are read back as a download reads them; headers hash and chain, and link
/// to the previous checkpoint when its last header is known; transaction sets and results hash to their headers; SCP
/// records lie in the checkpoint; every bucket hashes to its name; the HAS names the network, describes the checkpoint,
/// its bucket lists hash to the header's <c>bucketListHash</c> and have a structure the reference node would assume.
/// The first broken rule is thrown, naming the file.
/// </summary>
internal sealed class SnapshotVerifier
{
    // Buckets carry over from checkpoint to checkpoint: each distinct one is verified once (ARCHIVE-FORMAT.md §4.4).
    private readonly Dictionary<string, (string File, long Length, uint Version)> _verifiedBuckets = new(StringComparer.Ordinal);
    private readonly HistoryWorkOptions _options;

    public SnapshotVerifier(HistoryWorkOptions options) => _options = options;

    /// <exception cref="HistoryVerificationException">The first broken rule.</exception>
    public async Task VerifyAsync(CheckpointSnapshot snapshot, LedgerHeaderHistoryEntry? previousEnd, CancellationToken cancellationToken)
    {
        var checkpoint = snapshot.Checkpoint;
        var math = _options.Checkpoints;
        var maxSize = _options.MaxCheckpointFileSize;
        var ledgerPath = ArchivePaths.CheckpointFile(HistoryFileKind.Ledger, checkpoint);
        var headers = await ReadAsync(snapshot.Files[HistoryFileKind.Ledger], s => DownloadVerification.VerifyHeadersAsync(s, ledgerPath, checkpoint, math, maxSize, cancellationToken)).ConfigureAwait(false);
        if (previousEnd is not null)
        {
            var previousCheckpoint = math.CheckpointContaining(previousEnd.Header.LedgerSeq);
            var older = new LedgerFileLink(ArchivePaths.CheckpointFile(HistoryFileKind.Ledger, previousCheckpoint), math.FirstLedgerIn(previousCheckpoint), [], previousEnd.Header.LedgerSeq, previousEnd.Hash);
            LedgerFileLink.Of(headers).VerifyFollows(older);
        }

        var transactionsPath = ArchivePaths.CheckpointFile(HistoryFileKind.Transactions, checkpoint);
        await ReadAsync(snapshot.Files[HistoryFileKind.Transactions], s => DownloadVerification.VerifyTransactionsAsync(s, transactionsPath, headers, previousEnd?.Header.LedgerVersion, maxSize, cancellationToken)).ConfigureAwait(false);
        var resultsPath = ArchivePaths.CheckpointFile(HistoryFileKind.Results, checkpoint);
        await ReadAsync(snapshot.Files[HistoryFileKind.Results], s => DownloadVerification.VerifyResultsAsync(s, resultsPath, headers, maxSize, cancellationToken)).ConfigureAwait(false);
        if (snapshot.Files.TryGetValue(HistoryFileKind.Scp, out var scp))
        {
            var scpPath = ArchivePaths.CheckpointFile(HistoryFileKind.Scp, checkpoint);
            await ReadAsync(scp, s => DownloadVerification.VerifyScpAsync(s, scpPath, checkpoint, math, maxSize, cancellationToken)).ConfigureAwait(false);
        }

        var statePath = ArchivePaths.HistoryState(checkpoint);
        DownloadVerification.VerifyBucketList(snapshot.State, statePath, headers, _options.NetworkPassphrase);
        var versions = new Dictionary<string, uint>(StringComparer.Ordinal);
        foreach (var (hash, file) in snapshot.Buckets)
        {
            versions[hash] = await VerifyBucketAsync(hash, file, cancellationToken).ConfigureAwait(false);
        }

        HistoryStateVerifier.VerifyBucketListStructure(snapshot.State, statePath, checkpoint, hash => versions.TryGetValue(hash, out var v) ? v : (uint?)null);
    }

    private async Task<uint> VerifyBucketAsync(string hash, string file, CancellationToken cancellationToken)
    {
        var length = new FileInfo(file).Length;
        if (_verifiedBuckets.TryGetValue(hash, out var known) && known.File == file && known.Length == length)
        {
            return known.Version;
        }

        var path = ArchivePaths.Bucket(hash);
        var result = await ReadAsync(file, s => DownloadVerification.VerifyBucketAsync(s, path, hash, _options.MaxBucketSize, cancellationToken)).ConfigureAwait(false);
        var version = result.MetaLedgerVersion ?? 0;
        _verifiedBuckets[hash] = (file, length, version);
        return version;
    }

    private static async Task<T> ReadAsync<T>(string file, Func<Stream, Task<T>> verify)
    {
        var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.Read, 64 * 1024, FileOptions.Asynchronous | FileOptions.SequentialScan);
        await using (stream.ConfigureAwait(false))
        {
            return await verify(stream).ConfigureAwait(false);
        }
    }
}
