using System.Globalization;
using Stellar.HistoryWork.IO;
using Stellar.HistoryWork.Verification;
using Stellar.Xdr;

namespace Stellar.HistoryWork.Publish;

/// <summary>
/// How a node publishes the history it closed itself (the reference node's <c>CheckpointBuilder</c> and snapshot
/// pipeline). The node feeds each closed ledger (<see cref="AppendAsync"/>); its records go to the checkpoint's
/// record files at once, flushed to disk, the header last, so a crash at any point loses at most the ledger being
/// appended and <see cref="OpenAsync"/> recovers to the last complete ledger. Once the checkpoint ledger is in,
/// <see cref="SnapshotAsync"/> gzips the files as the reference node frames them, writes the HAS and checks all of it
/// with the rules a download applies; <see cref="PublishAsync(CheckpointSnapshot, IReadOnlyList{IArchiveWriter}, CancellationToken)"/> then puts it on any <see cref="IArchiveWriter"/> in
/// publish order (buckets, checkpoint files, HAS, <c>.well-known</c>). One caller at a time: calls are serialized.
/// </summary>
public sealed partial class CheckpointAppender : IAsyncDisposable
{
    private const string TipFileName = "tip.xdr";

    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly CheckpointAppenderOptions _options;
    private readonly SortedDictionary<uint, LedgerHeaderHistoryEntry> _ends = [];
    private CheckpointRecordFiles? _current;
    private LedgerHeaderHistoryEntry? _last;
    private bool _disposed;

    private CheckpointAppender(string directory, CheckpointAppenderOptions options)
    {
        Directory = Path.GetFullPath(directory);
        _options = options;
        BuildingDirectory = Path.Combine(Directory, "building");
        SnapshotDirectory = Path.Combine(Directory, "snapshot");
    }

    /// <summary>The appender's own directory: the record files being built and the snapshots waiting to be published.</summary>
    public string Directory { get; }

    /// <summary>The last complete ledger appended (after <see cref="OpenAsync"/>: the last one recovered), or null when none is known.</summary>
    public uint? LastLedger => _last?.Header.LedgerSeq;

    /// <summary>How many bytes <see cref="OpenAsync"/> cut off the record files: what a crash left half-written or uncommitted.</summary>
    public long RecoveredBytes { get; private set; }

    private string BuildingDirectory { get; }

    private string SnapshotDirectory { get; }

    private CheckpointMath Math => _options.History.Checkpoints;

    /// <summary>
    /// Opens (creating it when missing) an appender's directory and recovers it: the newest checkpoint's record files
    /// are cut back to their last complete ledger (and to <see cref="CheckpointAppenderOptions.LastClosedLedger"/> when
    /// given), records of ledgers after it are dropped from the other files.
    /// </summary>
    /// <exception cref="HistoryVerificationException">Corrupt: the ledger file ends before the node's last closed ledger.</exception>
    public static async Task<CheckpointAppender> OpenAsync(string directory, CheckpointAppenderOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        options ??= new CheckpointAppenderOptions();
        options.Validate();
        var appender = new CheckpointAppender(directory, options);
        await appender.RecoverAsync(cancellationToken).ConfigureAwait(false);
        return appender;
    }

    /// <summary>
    /// Appends one closed ledger. It must follow the last one (its sequence and <c>previousLedgerHash</c>); the first
    /// ledger an empty appender takes must open a checkpoint, since a checkpoint joined halfway cannot be published.
    /// Returns once every record of the ledger is written (and on disk, with <see cref="CheckpointAppenderOptions.FlushToDisk"/>).
    /// </summary>
    /// <exception cref="ArgumentException">The ledger does not follow, or its records name another ledger.</exception>
    public async Task AppendAsync(ClosedLedger ledger, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(ledger);
        ArgumentNullException.ThrowIfNull(ledger.Header);
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            CheckFollows(ledger);
            var checkpoint = Math.CheckpointContaining(ledger.LedgerSeq);
            if (_current?.Checkpoint != checkpoint)
            {
                if (_current is not null)
                {
                    await _current.DisposeAsync().ConfigureAwait(false);
                }

                System.IO.Directory.CreateDirectory(BuildingDirectory);
                _current = new CheckpointRecordFiles(BuildingDirectory, checkpoint, _options.FlushToDisk);
            }

            await _current.AppendAsync(ledger, cancellationToken).ConfigureAwait(false);
            _last = ledger.Header;
            if (Math.IsCheckpoint(ledger.LedgerSeq))
            {
                _ends[checkpoint] = ledger.Header;
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Closes the open record files; what was appended stays for the next <see cref="OpenAsync"/>.</summary>
    public async ValueTask DisposeAsync()
    {
        await _gate.WaitAsync().ConfigureAwait(false);
        try
        {
            if (!_disposed && _current is not null)
            {
                await _current.DisposeAsync().ConfigureAwait(false);
                _current = null;
            }

            _disposed = true;
        }
        finally
        {
            _gate.Release();
        }
    }

    private void CheckFollows(ClosedLedger ledger)
    {
        var seq = ledger.LedgerSeq;
        if (_last is { } last)
        {
            if ((ulong)seq != (ulong)last.Header.LedgerSeq + 1)
            {
                throw new ArgumentException(Describe($"ledger {seq} does not follow the last ledger appended, {last.Header.LedgerSeq}"), nameof(ledger));
            }

            if (!ledger.Header.Header.PreviousLedgerHash.AsSpan().SequenceEqual(last.Hash))
            {
                throw new ArgumentException(Describe($"ledger {seq}'s previousLedgerHash {HashHex.ToHex(ledger.Header.Header.PreviousLedgerHash)} is not the hash of ledger {last.Header.LedgerSeq}, {HashHex.ToHex(last.Hash)}"), nameof(ledger));
            }
        }
        else if (seq != Math.FirstLedgerIn(Math.CheckpointContaining(seq)))
        {
            throw new ArgumentException(Describe($"ledger {seq} is not the first ledger of its checkpoint: an appender starts at a checkpoint's first ledger ({Math.FirstLedgerIn(Math.CheckpointContaining(seq))})"), nameof(ledger));
        }

        if (ledger.Transactions is { } transactions && transactions.LedgerSeq != seq)
        {
            throw new ArgumentException(Describe($"the transactions entry names ledger {transactions.LedgerSeq}, not {seq}"), nameof(ledger));
        }

        if (ledger.Results is { } results && results.LedgerSeq != seq)
        {
            throw new ArgumentException(Describe($"the results entry names ledger {results.LedgerSeq}, not {seq}"), nameof(ledger));
        }

        foreach (var message in ledger.ScpMessages ?? [])
        {
            if (message?.V0 is not { } v0 || v0.LedgerMessages.LedgerSeq != seq)
            {
                throw new ArgumentException(Describe($"an SCP history entry does not name ledger {seq}"), nameof(ledger));
            }
        }
    }

    private async Task RecoverAsync(CancellationToken cancellationToken)
    {
        System.IO.Directory.CreateDirectory(BuildingDirectory);
        AtomicFile.SweepStale(BuildingDirectory, recursive: false, TimeProvider.System);
        var checkpoints = BuildingCheckpoints();
        if (await CheckpointRecovery.ReadLastAsync<LedgerHeaderHistoryEntry>(Path.Combine(BuildingDirectory, TipFileName), cancellationToken).ConfigureAwait(false) is { } tip)
        {
            _ends[Math.CheckpointContaining(tip.Header.LedgerSeq)] = tip;
            _last = tip;
        }

        foreach (var older in checkpoints.SkipLast(1))
        {
            if (await CheckpointRecovery.ReadLastAsync<LedgerHeaderHistoryEntry>(CheckpointRecordFiles.PathOf(BuildingDirectory, HistoryFileKind.Ledger, older), cancellationToken).ConfigureAwait(false) is { } end)
            {
                _ends[older] = end;
                _last = end;
            }
        }

        if (checkpoints.Count > 0)
        {
            await RecoverNewestAsync(checkpoints[^1], cancellationToken).ConfigureAwait(false);
        }

        if (_options.LastClosedLedger is { } lcl && (LastLedger ?? 0) < lcl)
        {
            var path = CheckpointRecordFiles.PathOf(BuildingDirectory, HistoryFileKind.Ledger, Math.CheckpointContaining(lcl));
            throw HistoryVerificationException.Create(path, lcl, ProblemKind.Corrupt, Describe(
                $"{path} ends at ledger {LastLedger?.ToString(CultureInfo.InvariantCulture) ?? "(none)"}, before the last closed ledger {lcl} (rule: the ledger file reaches the last closed ledger)"));
        }
    }

    private async Task RecoverNewestAsync(uint checkpoint, CancellationToken cancellationToken)
    {
        var flush = _options.FlushToDisk;
        var (header, cut) = await CheckpointRecovery.CutAsync<LedgerHeaderHistoryEntry>(
            CheckpointRecordFiles.PathOf(BuildingDirectory, HistoryFileKind.Ledger, checkpoint), CheckpointRecovery.LedgerOf, _options.LastClosedLedger, flush, cancellationToken).ConfigureAwait(false);
        RecoveredBytes += cut;
        if (header is not null)
        {
            _last = header;
            if (Math.IsCheckpoint(header.Header.LedgerSeq))
            {
                _ends[checkpoint] = header;
            }
        }

        // Records of a ledger whose header never made it were appended but not committed.
        var bound = header?.Header.LedgerSeq ?? 0;
        RecoveredBytes += (await CheckpointRecovery.CutAsync<TransactionHistoryEntry>(CheckpointRecordFiles.PathOf(BuildingDirectory, HistoryFileKind.Transactions, checkpoint), CheckpointRecovery.LedgerOf, bound, flush, cancellationToken).ConfigureAwait(false)).BytesCut;
        RecoveredBytes += (await CheckpointRecovery.CutAsync<TransactionHistoryResultEntry>(CheckpointRecordFiles.PathOf(BuildingDirectory, HistoryFileKind.Results, checkpoint), CheckpointRecovery.LedgerOf, bound, flush, cancellationToken).ConfigureAwait(false)).BytesCut;
        RecoveredBytes += (await CheckpointRecovery.CutAsync<SCPHistoryEntry>(CheckpointRecordFiles.PathOf(BuildingDirectory, HistoryFileKind.Scp, checkpoint), CheckpointRecovery.LedgerOf, bound, flush, cancellationToken).ConfigureAwait(false)).BytesCut;
        if (header is null)
        {
            DeleteRecordFiles(checkpoint); // nothing of this checkpoint was committed
        }
    }

    /// <summary>Checkpoints with record files in the building directory, oldest first.</summary>
    private List<uint> BuildingCheckpoints()
    {
        var found = new SortedSet<uint>();
        foreach (var file in System.IO.Directory.EnumerateFiles(BuildingDirectory, "*.xdr"))
        {
            var name = Path.GetFileName(file);
            var dash = name.LastIndexOf('-');
            if (dash > 0 && name.Length == dash + 1 + 8 + ".xdr".Length
                && uint.TryParse(name.AsSpan(dash + 1, 8), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var checkpoint)
                && Math.IsCheckpoint(checkpoint))
            {
                found.Add(checkpoint);
            }
        }

        return [.. found];
    }

    private void DeleteRecordFiles(uint checkpoint)
    {
        foreach (var kind in CheckpointRecordFiles.WriteOrder)
        {
            File.Delete(CheckpointRecordFiles.PathOf(BuildingDirectory, kind, checkpoint));
        }
    }

    private static string Describe(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
