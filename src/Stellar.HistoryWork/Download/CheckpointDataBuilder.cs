using Stellar.Xdr;

namespace Stellar.HistoryWork.Download;

/// <summary>
/// Builds <see cref="CheckpointData"/> from a consistent copy of the verified history: decodes every
/// transactions, results and SCP file of the range (several at once, up to one per processor, each into its
/// own slot so that ledger order holds whatever order they finish in).
/// </summary>
internal sealed class CheckpointDataBuilder(
    CheckpointRange range,
    HistoryArchiveState state,
    SortedDictionary<uint, HistoryArchiveState> states,
    List<LedgerHeaderHistoryEntry> headers,
    Dictionary<(HistoryFileKind Kind, uint Checkpoint), string> files,
    Dictionary<string, string> liveBuckets,
    Dictionary<string, string> hotBuckets,
    uint? trustedUpTo)
{
    public async Task<CheckpointData> BuildAsync(CancellationToken cancellationToken)
    {
        var transactions = new RecordsOfKind<TransactionHistoryEntry>(files, HistoryFileKind.Transactions, range);
        var results = new RecordsOfKind<TransactionHistoryResultEntry>(files, HistoryFileKind.Results, range);
        var scp = new RecordsOfKind<SCPHistoryEntry>(files, HistoryFileKind.Scp, range);
        var reads = transactions.Reads.Concat(results.Reads).Concat(scp.Reads);
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount, CancellationToken = cancellationToken };
        await Parallel.ForEachAsync(reads, parallel, static (read, ct) => read(ct)).ConfigureAwait(false);

        var verifiedFiles = files
            .OrderBy(f => f.Key.Checkpoint).ThenBy(f => f.Key.Kind)
            .Select(f => new VerifiedFile(f.Key.Kind, f.Key.Checkpoint, f.Value))
            .ToList();
        return new CheckpointData(range, state, states, headers, transactions.InOrder(), results.InOrder(), scp.InOrder(), liveBuckets, hotBuckets, verifiedFiles, trustedUpTo);
    }

    /// <summary>The verified files of one kind, in checkpoint order, each decoded into its own slot so they can be read in any order.</summary>
    private sealed class RecordsOfKind<T>
        where T : IXdrType<T>
    {
        private readonly List<T>[] _slots;

        public RecordsOfKind(Dictionary<(HistoryFileKind Kind, uint Checkpoint), string> files, HistoryFileKind kind, CheckpointRange range)
        {
            var paths = new List<string>();
            foreach (var checkpoint in range)
            {
                if (files.TryGetValue((kind, checkpoint), out var path))
                {
                    paths.Add(path);
                }
            }

            _slots = new List<T>[paths.Count];
            Reads = paths.Select((path, slot) => (Func<CancellationToken, ValueTask>)(ct => ReadAsync(path, slot, ct))).ToList();
        }

        public IReadOnlyList<Func<CancellationToken, ValueTask>> Reads { get; }

        public List<T> InOrder()
        {
            var all = new List<T>(_slots.Sum(s => s.Count));
            foreach (var slot in _slots)
            {
                all.AddRange(slot);
            }

            return all;
        }

        private async ValueTask ReadAsync(string path, int slot, CancellationToken cancellationToken)
        {
            var entries = new List<T>();
            await foreach (var entry in HistoryFileReader.ReadRecordsAsync<T>(path, cancellationToken).ConfigureAwait(false))
            {
                entries.Add(entry);
            }

            _slots[slot] = entries;
        }
    }
}
