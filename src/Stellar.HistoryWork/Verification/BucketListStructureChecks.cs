namespace Stellar.HistoryWork.Verification;

/// <summary>
/// Applies <see cref="BucketListRules"/> during an <see cref="ArchiveVerifier"/> run, where a HAS is read long before
/// the buckets it names are verified: each HAS waits (as the hashes it still needs, never as a worker) until every
/// bucket it names has a version or is known to be unavailable, then is checked once. Only HAS files with buckets
/// still in flight are held, and each bucket's version is one small entry.
/// </summary>
internal sealed class BucketListStructureChecks
{
    private readonly object _lock = new();
    private readonly Dictionary<string, uint?> _versions = new(StringComparer.Ordinal);
    private readonly Dictionary<string, bool> _hotArchive = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<Pending>> _waiting = new(StringComparer.Ordinal);
    private readonly ArchiveProblemCollector _problems;

    public BucketListStructureChecks(ArchiveProblemCollector problems) => _problems = problems;

    /// <summary>Checks <paramref name="state"/> now, or as soon as the last bucket it names is done.</summary>
    public void Add(HistoryArchiveState state, string path, uint checkpoint)
    {
        var pending = new Pending(state, path, checkpoint);
        lock (_lock)
        {
            foreach (var hash in state.GetReferencedBuckets())
            {
                if (!_versions.ContainsKey(hash))
                {
                    pending.Unknown++;
                    if (!_waiting.TryGetValue(hash, out var list))
                    {
                        _waiting[hash] = list = [];
                    }

                    list.Add(pending);
                }
            }
        }

        if (pending.Unknown == 0)
        {
            Check(pending);
        }
    }

    /// <summary>
    /// A bucket is done: its version and whether its METAENTRY names the hot archive, or nulls when it failed (it then
    /// decides nothing about the HAS files naming it).
    /// </summary>
    public void BucketDone(string hash, uint? version, bool? isHotArchive)
    {
        List<Pending>? ready = null;
        lock (_lock)
        {
            _versions[hash] = version;
            if (isHotArchive is { } hot)
            {
                _hotArchive[hash] = hot;
            }

            if (_waiting.Remove(hash, out var list))
            {
                foreach (var pending in list)
                {
                    if (--pending.Unknown == 0)
                    {
                        (ready ??= []).Add(pending);
                    }
                }
            }
        }

        foreach (var pending in ready ?? [])
        {
            Check(pending);
        }
    }

    private void Check(Pending pending)
    {
        lock (_lock)
        {
            _problems.Try(() => HistoryStateVerifier.VerifyBucketListStructure(pending.State, pending.Path, pending.Checkpoint, hash => _versions.GetValueOrDefault(hash),
                hash => _hotArchive.TryGetValue(hash, out var hot) ? hot : null));
        }
    }

    private sealed class Pending(HistoryArchiveState state, string path, uint checkpoint)
    {
        public HistoryArchiveState State { get; } = state;

        public string Path { get; } = path;

        public uint Checkpoint { get; } = checkpoint;

        public int Unknown { get; set; }
    }
}
