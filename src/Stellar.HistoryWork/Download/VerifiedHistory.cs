using Stellar.HistoryWork.Verification;

namespace Stellar.HistoryWork.Download;

/// <summary>
/// The data part of <see cref="SharedHistoryState"/>: what the download works have verified and share with one
/// another — every HAS, the verified headers, the paths of verified files with their entry counts, the bucket
/// files, and up to which ledger the chain is trusted. Large data stays on disk. Not thread-safe on its own: the façade
/// calls it under its gate.
/// </summary>
internal sealed class VerifiedHistory
{
    private readonly SortedDictionary<uint, LedgerHeaderFileResult> _headers = [];
    private readonly Dictionary<(HistoryFileKind Kind, uint Checkpoint), string> _files = [];
    private readonly Dictionary<(HistoryFileKind Kind, uint Checkpoint), HistoryFileResult> _counts = [];
    private readonly Dictionary<string, string> _liveBuckets = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _hotBuckets = new(StringComparer.Ordinal);
    private readonly SortedDictionary<uint, HistoryArchiveState> _states = [];

    /// <summary>The newest HAS recorded: "the" state of the range.</summary>
    public HistoryArchiveState? State { get; private set; }

    public CheckpointRange? Range { get; set; }

    public uint? TrustedUpTo { get; set; }

    public void SetState(uint checkpoint, HistoryArchiveState state)
    {
        _states[checkpoint] = state;
        State = _states.Last().Value;
    }

    /// <summary>Every HAS, by checkpoint, oldest first (a copy).</summary>
    public SortedDictionary<uint, HistoryArchiveState> States() => new(_states);

    public bool HasStates => _states.Count > 0;

    public void SetHeaders(uint checkpoint, LedgerHeaderFileResult headers, string path)
    {
        _headers[checkpoint] = headers;
        _files[(HistoryFileKind.Ledger, checkpoint)] = path;
    }

    public LedgerHeaderFileResult? FindHeaders(uint checkpoint) => _headers.GetValueOrDefault(checkpoint);

    public void RecordFile(HistoryFileKind kind, uint checkpoint, string path, HistoryFileResult? counted)
    {
        _files[(kind, checkpoint)] = path;
        if (counted is not null)
        {
            _counts[(kind, checkpoint)] = counted;
        }
    }

    public void RecordBucket(string hashHex, string path, bool hotArchive) => (hotArchive ? _hotBuckets : _liveBuckets)[hashHex] = path;

    /// <summary>What publishing needs, as copies.</summary>
    public PublishableHistory Publishable()
    {
        var buckets = new SortedDictionary<string, string>(_liveBuckets, StringComparer.Ordinal);
        foreach (var (hash, path) in _hotBuckets)
        {
            buckets[hash] = path;
        }

        return new PublishableHistory(buckets, new Dictionary<(HistoryFileKind, uint), string>(_files), States());
    }

    /// <summary>What building <see cref="CheckpointData"/> needs, as copies, so that the files are read outside the gate.</summary>
    public CheckpointDataBuilder Snapshot(HistoryArchiveState state, CheckpointRange range) => new(
        range,
        state,
        States(),
        _headers.Values.SelectMany(h => h.Entries).ToList(),
        new(_files),
        new(_liveBuckets, StringComparer.Ordinal),
        new(_hotBuckets, StringComparer.Ordinal),
        TrustedUpTo);

    /// <summary>
    /// One checkpoint of a finished range, for delivery checkpoint by checkpoint: its headers and files only, the
    /// buckets of the whole range, and the trust capped at the checkpoint (trust flows down from the newest header).
    /// </summary>
    public CheckpointDataBuilder SnapshotOf(HistoryArchiveState state, CheckpointRange range, uint checkpoint)
    {
        var one = new CheckpointRange(checkpoint, checkpoint, range.Math);
        var headers = _headers.TryGetValue(checkpoint, out var found) ? found.Entries.ToList() : [];
        var files = _files.Where(f => f.Key.Checkpoint == checkpoint).ToDictionary(f => f.Key, f => f.Value);
        var trusted = TrustedUpTo is { } upTo ? System.Math.Min(upTo, checkpoint) : (uint?)null;
        return new(one, state, States(), headers, files, new(_liveBuckets, StringComparer.Ordinal), new(_hotBuckets, StringComparer.Ordinal), trusted);
    }

    /// <summary>The counts the verifiers found, without reading any file.</summary>
    public HistoryWorkSummary Summary(CheckpointRange range)
    {
        var files = _files.Keys.GroupBy(k => k.Kind).ToDictionary(g => g.Key, g => g.Count());
        int Entries(HistoryFileKind kind) => _counts.Where(c => c.Key.Kind == kind).Sum(c => c.Value.Entries);
        return new HistoryWorkSummary
        {
            Range = range,
            FirstLedger = _headers.Count > 0 ? _headers.First().Value.First.Header.LedgerSeq : range.FirstLedger,
            LastLedger = _headers.Count > 0 ? _headers.Last().Value.Last.Header.LedgerSeq : range.Last,
            Headers = _headers.Values.Sum(h => h.Entries.Count),
            FilesByKind = files,
            LedgersWithTransactions = Entries(HistoryFileKind.Transactions),
            Transactions = _counts.Where(c => c.Key.Kind == HistoryFileKind.Transactions).Sum(c => c.Value.Transactions),
            ResultSets = Entries(HistoryFileKind.Results),
            ScpEntries = Entries(HistoryFileKind.Scp),
            LiveBuckets = _liveBuckets.Count,
            HotArchiveBuckets = _hotBuckets.Count,
            TrustedUpTo = TrustedUpTo,
        };
    }
}
