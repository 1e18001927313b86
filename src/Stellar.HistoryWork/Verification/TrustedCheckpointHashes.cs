using System.Text.Json;

namespace Stellar.HistoryWork.Verification;

/// <summary>
/// Trusted header hashes of checkpoint ledgers, as written by <c>verify-checkpoints</c>
/// (ARCHIVE-FORMAT.md §8: a JSON array, newest first, of <c>[ledger, "hex"]</c> pairs ending with <c>[0, ""]</c>).
/// </summary>
public sealed class TrustedCheckpointHashes
{
    private readonly Dictionary<uint, byte[]> _hashes;

    /// <summary>Holds <paramref name="hashes"/>, keyed by ledger.</summary>
    /// <exception cref="ArgumentException">Two hashes name the same ledger with different values.</exception>
    public TrustedCheckpointHashes(IEnumerable<TrustedLedgerHash> hashes)
    {
        ArgumentNullException.ThrowIfNull(hashes);
        _hashes = [];
        foreach (var hash in hashes)
        {
            ArgumentNullException.ThrowIfNull(hash);
            if (_hashes.TryGetValue(hash.Ledger, out var existing) && !existing.AsSpan().SequenceEqual(hash.Hash))
            {
                throw new ArgumentException($"two different trusted hashes for ledger {hash.Ledger}", nameof(hashes));
            }

            _hashes[hash.Ledger] = hash.Hash;
        }
    }

    /// <summary>How many trusted hashes are held.</summary>
    public int Count => _hashes.Count;

    /// <summary>The trusted hash of the newest ledger, or null when empty.</summary>
    public TrustedLedgerHash? Newest =>
        _hashes.Count == 0 ? null : Get(_hashes.Keys.Max());

    /// <summary>The trusted header hash of <paramref name="ledger"/>, when one is held.</summary>
    public bool TryGetHash(uint ledger, out byte[] hash) => _hashes.TryGetValue(ledger, out hash!);

    /// <summary>The trusted hash for <paramref name="ledger"/>, or null.</summary>
    public TrustedLedgerHash? Get(uint ledger) =>
        _hashes.TryGetValue(ledger, out var hash) ? new TrustedLedgerHash(ledger, hash) : null;

    /// <summary>Parses the §8 file format; a <see cref="FormatException"/> names what is wrong.</summary>
    public static TrustedCheckpointHashes Parse(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json);
        }
        catch (JsonException e)
        {
            throw new FormatException("trusted checkpoint hashes: not JSON: " + e.Message, e);
        }

        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Array)
            {
                throw new FormatException("trusted checkpoint hashes: the root must be an array of [ledger, \"hex\"] pairs");
            }

            var list = new List<TrustedLedgerHash>();
            foreach (var pair in document.RootElement.EnumerateArray())
            {
                if (pair.ValueKind != JsonValueKind.Array || pair.GetArrayLength() != 2
                    || !pair[0].TryGetUInt32(out var ledger) || pair[1].ValueKind != JsonValueKind.String)
                {
                    throw new FormatException("trusted checkpoint hashes: every element must be a [ledger, \"hex\"] pair");
                }

                var hex = pair[1].GetString()!;
                if (ledger == 0 && hex.Length == 0)
                {
                    continue; // the sentinel
                }

                if (ledger == 0 || !HashHex.IsValid(hex))
                {
                    throw new FormatException($"trusted checkpoint hashes: [{ledger}, \"{hex}\"] is not a ledger and a 64-digit hex hash");
                }

                list.Add(new TrustedLedgerHash(ledger, HashHex.Parse(hex)));
            }

            return new TrustedCheckpointHashes(list);
        }
    }

    /// <summary>Reads and parses a trusted checkpoint hashes file.</summary>
    public static async Task<TrustedCheckpointHashes> LoadAsync(string path, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var text = await File.ReadAllTextAsync(path, cancellationToken).ConfigureAwait(false);
        try
        {
            return Parse(text);
        }
        catch (FormatException e)
        {
            throw new FormatException(path + ": " + e.Message, e);
        }
    }
}
