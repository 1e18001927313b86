namespace Stellar.HistoryWork;

/// <summary>
/// A History Archive State (HAS): the JSON file naming the bucket list at a checkpoint
/// (<c>history/…/history-wwxxyyzz.json</c> and <c>.well-known/stellar-history.json</c>).
/// <see cref="Parse(ReadOnlySpan{byte}, string, string?)"/> validates; <see cref="ToUtf8Bytes"/>
/// writes the exact bytes stellar-core writes.
/// </summary>
public sealed class HistoryArchiveState
{
    /// <summary>Levels in the live and the hot-archive bucket lists.</summary>
    public const int BucketListLevels = 11;

    /// <summary>HAS version without a hot archive.</summary>
    public const uint VersionBeforeHotArchive = 1;

    /// <summary>HAS version with <c>hotArchiveBuckets</c> and a required network passphrase.</summary>
    public const uint VersionWithHotArchive = 2;

    /// <summary>The first protocol whose header <c>bucketListHash</c> covers the hot archive too.</summary>
    public const uint FirstProtocolWithHotArchive = 23;

    /// <summary>The largest HAS file accepted; real ones are about 10 KiB.</summary>
    public const int MaxFileSize = 1024 * 1024;

    /// <summary>1, or 2 with a hot archive.</summary>
    public required uint Version { get; init; }

    /// <summary>The software that wrote the file, e.g. <c>stellar-core 22.4.1 (…)</c>.</summary>
    public required string Server { get; init; }

    /// <summary>The checkpoint ledger this state describes.</summary>
    public required uint CurrentLedger { get; init; }

    /// <summary>The network passphrase; null when the file has none (allowed in version 1 only).</summary>
    public string? NetworkPassphrase { get; init; }

    /// <summary>The live bucket list, level 0 first (11 levels).</summary>
    public required IReadOnlyList<HistoryStateBucket> CurrentBuckets { get; init; }

    /// <summary>The hot-archive bucket list (version 2), level 0 first; null when the file has none.</summary>
    public IReadOnlyList<HistoryStateBucket>? HotArchiveBuckets { get; init; }

    /// <summary>Parses and validates UTF-8 JSON. Key order does not matter; unknown keys are ignored.</summary>
    /// <param name="utf8Json">The file's bytes.</param>
    /// <param name="fileName">Named in errors (an archive path or a local file).</param>
    /// <param name="expectedNetworkPassphrase">When given, a different passphrase in the file is an error.</param>
    /// <exception cref="HistoryArchiveStateException">The file breaks a rule; the exception names it.</exception>
    public static HistoryArchiveState Parse(ReadOnlySpan<byte> utf8Json, string fileName, string? expectedNetworkPassphrase = null)
    {
        ArgumentNullException.ThrowIfNull(fileName);
        var state = HistoryArchiveStateJson.Parse(utf8Json, fileName);
        state.Validate(fileName, expectedNetworkPassphrase);
        return state;
    }

    /// <summary>Parses and validates a JSON string; see <see cref="Parse(ReadOnlySpan{byte}, string, string?)"/>.</summary>
    public static HistoryArchiveState Parse(string json, string fileName, string? expectedNetworkPassphrase = null)
    {
        ArgumentNullException.ThrowIfNull(json);
        return Parse(System.Text.Encoding.UTF8.GetBytes(json), fileName, expectedNetworkPassphrase);
    }

    /// <summary>Reads (at most <see cref="MaxFileSize"/> bytes), parses and validates a HAS.</summary>
    /// <exception cref="HistoryArchiveStateException">The file breaks a rule or is too large.</exception>
    public static async Task<HistoryArchiveState> ReadAsync(Stream stream, string fileName, string? expectedNetworkPassphrase = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(fileName);
        var (state, _) = await ReadWithBytesAsync(stream, fileName, expectedNetworkPassphrase, cancellationToken).ConfigureAwait(false);
        return state;
    }

    /// <summary>
    /// The one bounded HAS read: at most <see cref="MaxFileSize"/> bytes, parsed and validated; also returns the
    /// bytes read, for callers that compare or copy a HAS byte for byte.
    /// </summary>
    /// <exception cref="HistoryArchiveStateException">The file breaks a rule or is too large.</exception>
    internal static async Task<(HistoryArchiveState State, byte[] Bytes)> ReadWithBytesAsync(Stream stream, string fileName, string? expectedNetworkPassphrase, CancellationToken cancellationToken)
    {
        var bytes = await HistoryArchiveStateJson.ReadBoundedAsync(stream, fileName, cancellationToken).ConfigureAwait(false);
        return (Parse(bytes.Span, fileName, expectedNetworkPassphrase), bytes.ToArray());
    }

    /// <summary>Reads a HAS from a local file; errors name <paramref name="filePath"/>.</summary>
    public static async Task<HistoryArchiveState> LoadAsync(string filePath, string? expectedNetworkPassphrase = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(filePath);
        var stream = new FileStream(filePath, FileMode.Open, FileAccess.Read, FileShare.Read, 4096, FileOptions.Asynchronous | FileOptions.SequentialScan);
        await using (stream.ConfigureAwait(false))
        {
            return await ReadAsync(stream, filePath, expectedNetworkPassphrase, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Whether this state carries a hot-archive bucket list.</summary>
    public bool HasHotArchiveBuckets => HotArchiveBuckets is not null;

    /// <summary>
    /// Checks the rules of ARCHIVE-FORMAT.md §3: known version, 11 levels per list, hashes of 64
    /// lowercase hex digits, a passphrase in version 2, known <c>next</c> states, and the expected
    /// passphrase when one is given. A version 2 file without <c>hotArchiveBuckets</c> is accepted here
    /// (real archives hold hand-edited ones); <see cref="ComputeBucketListHash"/> rejects it.
    /// </summary>
    /// <exception cref="HistoryArchiveStateException">The first rule broken, naming <paramref name="fileName"/>.</exception>
    public void Validate(string fileName, string? expectedNetworkPassphrase = null) =>
        HistoryArchiveStateValidator.Validate(this, fileName, expectedNetworkPassphrase);

    /// <summary>stellar-core's exact bytes: UTF-8, 4-space indentation, no trailing newline.</summary>
    /// <exception cref="HistoryArchiveStateException">The state is not valid (nothing invalid is ever written).</exception>
    public byte[] ToUtf8Bytes()
    {
        Validate("(unsaved history archive state)");
        return HistoryArchiveStateJson.Write(this);
    }

    /// <summary>The same bytes as <see cref="ToUtf8Bytes"/>, as a string.</summary>
    public string ToJson() => System.Text.Encoding.UTF8.GetString(ToUtf8Bytes());

    /// <summary>Buckets of the live list to fetch: see <see cref="GetReferencedBuckets"/>.</summary>
    public IReadOnlyList<string> GetReferencedLiveBuckets() => ReferencedBuckets(CurrentBuckets);

    /// <summary>Buckets of the hot-archive list to fetch (empty without one): see <see cref="GetReferencedBuckets"/>.</summary>
    public IReadOnlyList<string> GetReferencedHotArchiveBuckets() =>
        HotArchiveBuckets is null ? [] : ReferencedBuckets(HotArchiveBuckets);

    /// <summary>
    /// Every bucket file this state needs, distinct, live list first: <c>curr</c> and <c>snap</c> of
    /// every level and <c>next.output</c> of levels in state 1. The all-zero hash (the empty bucket)
    /// is left out: it has no file.
    /// </summary>
    public IReadOnlyList<string> GetReferencedBuckets() =>
        GetReferencedLiveBuckets().Concat(GetReferencedHotArchiveBuckets()).Distinct(StringComparer.Ordinal).ToArray();

    /// <summary>
    /// The <c>bucketListHash</c> a ledger header at <see cref="CurrentLedger"/> must carry, by <see cref="Version"/>:
    /// the live list's hash in version 1, <c>SHA256(live ‖ hot)</c> in version 2 (see <see cref="BucketListHash"/>).
    /// </summary>
    /// <returns>32 bytes.</returns>
    /// <exception cref="HistoryArchiveStateException">Version 2 without a hot-archive list.</exception>
    public byte[] ComputeBucketListHash() => BucketListHash.Compute(this);

    private static string[] ReferencedBuckets(IReadOnlyList<HistoryStateBucket> levels)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var result = new List<string>();
        foreach (var level in levels)
        {
            Add(level.Curr);
            Add(level.Snap);
            if (level.Next.State == FutureBucketState.HashOutput)
            {
                Add(level.Next.Output);
            }
        }

        return [.. result];

        void Add(string? hash)
        {
            if (hash is not null && !HashHex.IsZero(hash) && seen.Add(hash))
            {
                result.Add(hash);
            }
        }
    }
}
