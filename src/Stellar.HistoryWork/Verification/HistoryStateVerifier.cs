using System.Globalization;
using Stellar.Xdr;

namespace Stellar.HistoryWork.Verification;

/// <summary>
/// Binds an untrusted History Archive State to a verified header (ARCHIVE-FORMAT.md §3, §4.3): its JSON
/// is valid, it names the expected network, and its bucket lists hash to the header's bucketListHash.
/// </summary>
public static class HistoryStateVerifier
{
    /// <summary>Reads and validates a HAS; a bad file becomes a <see cref="HistoryVerificationException"/>.</summary>
    /// <exception cref="HistoryVerificationException">Corrupt (any HAS rule) or PassphraseMismatch.</exception>
    public static async Task<HistoryArchiveState> ReadAsync(
        Stream stream,
        string path,
        string? expectedNetworkPassphrase = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(path);
        HistoryArchiveState state;
        try
        {
            state = await HistoryArchiveState.ReadAsync(stream, path, null, cancellationToken).ConfigureAwait(false);
        }
        catch (HistoryArchiveStateException e)
        {
            uint? ledger = ArchivePaths.TryParseHistoryState(path, out var checkpoint) ? checkpoint : null;
            throw HistoryVerificationException.Create(path, ledger, ProblemKind.Corrupt,
                $"{path}: not a valid history archive state (rule: {e.Rule}): {e.Detail}", e);
        }

        VerifyPassphrase(state, path, expectedNetworkPassphrase);
        return state;
    }

    /// <summary>A HAS that names a network must name <paramref name="expectedNetworkPassphrase"/> (when given).</summary>
    /// <exception cref="HistoryVerificationException">PassphraseMismatch.</exception>
    public static void VerifyPassphrase(HistoryArchiveState state, string path, string? expectedNetworkPassphrase)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(path);
        if (expectedNetworkPassphrase is not null
            && !string.IsNullOrEmpty(state.NetworkPassphrase)
            && !string.Equals(state.NetworkPassphrase, expectedNetworkPassphrase, StringComparison.Ordinal))
        {
            throw HistoryVerificationException.Create(path, state.CurrentLedger, ProblemKind.PassphraseMismatch, string.Create(CultureInfo.InvariantCulture,
                $"{path}, ledger {state.CurrentLedger}: network passphrase '{state.NetworkPassphrase}' is not the expected '{expectedNetworkPassphrase}' (rule: the HAS names our network)"));
        }
    }

    /// <summary>
    /// The HAS's bucket lists must hash to <paramref name="header"/>'s bucketListHash (the live list in HAS
    /// version 1, SHA256(live ‖ hot) in version 2, whatever the protocol) and describe the same ledger.
    /// </summary>
    /// <exception cref="HistoryVerificationException">BucketListMismatch.</exception>
    public static void VerifyAgainstHeader(HistoryArchiveState state, string path, LedgerHeaderHistoryEntry header)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(header);
        var ledger = header.Header.LedgerSeq;
        if (state.CurrentLedger != ledger)
        {
            throw Problem(path, ledger, $"describes ledger {state.CurrentLedger}, not ledger {ledger} of the header it is checked against (rule: HAS currentLedger = checkpoint)");
        }

        byte[] actual;
        try
        {
            actual = BucketListHash.Compute(state, path);
        }
        catch (HistoryArchiveStateException e)
        {
            throw Problem(path, ledger, $"cannot give the bucket-list hash of HAS version {state.Version}: {e.Detail} (rule: bucket-list hash = header.bucketListHash)", e);
        }

        if (!actual.AsSpan().SequenceEqual(header.Header.BucketListHash))
        {
            throw Problem(path, ledger, $"version {state.Version} buckets hash to {HashHex.ToHex(actual)}, but the protocol {header.Header.LedgerVersion} header's bucketListHash is {HashHex.ToHex(header.Header.BucketListHash)} (rule: bucket-list hash = header.bucketListHash)");
        }
    }

    /// <summary>
    /// The structure rules stellar-core checks before it assumes a bucket list (<see cref="BucketListRules"/>), once
    /// the buckets' versions are known (a bucket <paramref name="versionOf"/> does not know decides nothing), and that each
    /// bucket is in the list its METAENTRY names (<paramref name="isHotArchiveOf"/>: null for a bucket not known; no
    /// function, no such check).
    /// </summary>
    /// <exception cref="HistoryVerificationException">Corrupt, naming the HAS.</exception>
    internal static void VerifyBucketListStructure(HistoryArchiveState state, string path, uint checkpoint, Func<string, uint?> versionOf, Func<string, bool?>? isHotArchiveOf = null)
    {
        var wrongList = isHotArchiveOf is null ? null : BucketListRules.CheckListTypes(state, isHotArchiveOf);
        if ((wrongList ?? BucketListRules.Check(state, versionOf)) is { } broken)
        {
            throw HistoryVerificationException.Create(path, checkpoint, ProblemKind.Corrupt,
                $"{path}: the bucket list is not one stellar-core would assume ({broken.Rule}): {broken.Detail}");
        }
    }

    private static HistoryVerificationException Problem(string path, uint ledger, string message, Exception? inner = null) =>
        HistoryVerificationException.Create(path, ledger, ProblemKind.BucketListMismatch, string.Create(CultureInfo.InvariantCulture, $"{path}, ledger {ledger}: {message}"), inner);
}
