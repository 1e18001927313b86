using Stellar.Xdr;

namespace Stellar.HistoryWork.Publish;

/// <summary>
/// The uncompressed, record-marked files of one checkpoint while its ledgers are appended (the reference node's
/// "dirty" files): one per kind, named like the archive's file without <c>.gz</c>. A ledger's transactions, results
/// and SCP records are written, and flushed to disk, before its header: the header is the ledger's commit mark, so
/// after a crash every ledger whose header is whole has all its other records whole too.
/// </summary>
internal sealed class CheckpointRecordFiles : IAsyncDisposable
{
    private static readonly HistoryFileKind[] Kinds = [HistoryFileKind.Transactions, HistoryFileKind.Results, HistoryFileKind.Scp, HistoryFileKind.Ledger];

    private readonly Dictionary<HistoryFileKind, (FileStream File, XdrRecordWriter Writer)> _open = [];
    private readonly string _directory;
    private readonly bool _flushToDisk;

    public CheckpointRecordFiles(string directory, uint checkpoint, bool flushToDisk)
    {
        _directory = directory;
        Checkpoint = checkpoint;
        _flushToDisk = flushToDisk;
    }

    public uint Checkpoint { get; }

    /// <summary>The file name of a kind's records for a checkpoint: the archive's name without <c>.gz</c>.</summary>
    public static string FileName(HistoryFileKind kind, uint checkpoint)
    {
        var archiveName = Path.GetFileName(ArchivePaths.CheckpointFile(kind, checkpoint));
        return archiveName[..^".gz".Length];
    }

    public static string PathOf(string directory, HistoryFileKind kind, uint checkpoint) => Path.Combine(directory, FileName(kind, checkpoint));

    /// <summary>Every kind, in the order a ledger's records are written (the header last).</summary>
    public static IReadOnlyList<HistoryFileKind> WriteOrder => Kinds;

    public async ValueTask AppendAsync(ClosedLedger ledger, CancellationToken cancellationToken)
    {
        if (ledger.Transactions is { } transactions)
        {
            await WriteAsync(HistoryFileKind.Transactions, transactions, cancellationToken).ConfigureAwait(false);
        }

        if (ledger.Results is { } results)
        {
            await WriteAsync(HistoryFileKind.Results, results, cancellationToken).ConfigureAwait(false);
        }

        foreach (var message in ledger.ScpMessages ?? [])
        {
            await WriteAsync(HistoryFileKind.Scp, message, cancellationToken).ConfigureAwait(false);
        }

        if (ledger.ScpMessages is { Count: > 0 })
        {
            await FlushAsync(HistoryFileKind.Scp, cancellationToken).ConfigureAwait(false);
        }

        await WriteAsync(HistoryFileKind.Ledger, ledger.Header, cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var (file, writer) in _open.Values)
        {
            await writer.DisposeAsync().ConfigureAwait(false);
            await file.DisposeAsync().ConfigureAwait(false);
        }

        _open.Clear();
    }

    private async ValueTask WriteAsync<T>(HistoryFileKind kind, T value, CancellationToken cancellationToken)
        where T : IXdrType<T>
    {
        var (_, writer) = Open(kind);
        await writer.WriteAsync(value, cancellationToken).ConfigureAwait(false);
        if (kind != HistoryFileKind.Scp)
        {
            await FlushAsync(kind, cancellationToken).ConfigureAwait(false);
        }
    }

    private async ValueTask FlushAsync(HistoryFileKind kind, CancellationToken cancellationToken)
    {
        var (file, _) = Open(kind);
        await file.FlushAsync(cancellationToken).ConfigureAwait(false);
        if (_flushToDisk)
        {
            file.Flush(flushToDisk: true);
        }
    }

    private (FileStream File, XdrRecordWriter Writer) Open(HistoryFileKind kind)
    {
        if (!_open.TryGetValue(kind, out var open))
        {
            var file = new FileStream(PathOf(_directory, kind, Checkpoint), FileMode.Append, FileAccess.Write, FileShare.Read, 64 * 1024, FileOptions.Asynchronous);
            open = (file, new XdrRecordWriter(file, leaveOpen: true));
            _open[kind] = open;
        }

        return open;
    }
}
