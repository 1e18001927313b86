using System.Globalization;
using Stellar.HistoryWork.Verification;
using Stellar.Xdr;

namespace Stellar.HistoryWork.Download;

/// <summary>
/// Connects the download work items to the verifiers: gunzips what is fetched (with a size cap, and a
/// damaged gzip reported as a corrupt file), and applies the rules that span files.
/// </summary>
internal static class DownloadVerification
{
    public static async Task<LedgerHeaderFileResult> VerifyHeadersAsync(Stream compressed, string path, uint checkpoint, CheckpointMath math, long maxSize, CancellationToken cancellationToken) =>
        await HistoryGzip.VerifyDecompressedAsync(compressed, path, maxSize, (s, ct) => LedgerHeaderVerifier.VerifyAsync(s, path, checkpoint, math, cancellationToken: ct), cancellationToken).ConfigureAwait(false);

    public static async Task<HistoryFileResult> VerifyTransactionsAsync(Stream compressed, string path, LedgerHeaderFileResult headers, uint? previousLedgerVersion, long maxSize, CancellationToken cancellationToken) =>
        await HistoryGzip.VerifyDecompressedAsync(compressed, path, maxSize, (s, ct) => TransactionsVerifier.VerifyAsync(s, path, headers, previousLedgerVersion, cancellationToken: ct), cancellationToken).ConfigureAwait(false);

    public static async Task<HistoryFileResult> VerifyResultsAsync(Stream compressed, string path, LedgerHeaderFileResult headers, long maxSize, CancellationToken cancellationToken) =>
        await HistoryGzip.VerifyDecompressedAsync(compressed, path, maxSize, (s, ct) => ResultsVerifier.VerifyAsync(s, path, headers, cancellationToken: ct), cancellationToken).ConfigureAwait(false);

    public static async Task<HistoryFileResult> VerifyScpAsync(Stream compressed, string path, uint checkpoint, CheckpointMath math, long maxSize, CancellationToken cancellationToken) =>
        await HistoryGzip.VerifyDecompressedAsync(compressed, path, maxSize, (s, ct) => ScpVerifier.VerifyAsync(s, path, checkpoint, math, cancellationToken: ct), cancellationToken).ConfigureAwait(false);

    public static Task<BucketVerificationResult> VerifyBucketAsync(Stream compressed, string path, string hashHex, long maxSize, CancellationToken cancellationToken) =>
        BucketVerifier.VerifyAsync(compressed, hashHex, path, options: BucketOptions(maxSize), cancellationToken: cancellationToken);

    public static HistoryVerificationOptions BucketOptions(long maxSize) => new() { MaxBucketDecompressedBytes = maxSize };

    /// <summary>
    /// Checks that a checkpoint file is well-formed without checking it against anything: strict gzip, and
    /// record-marked XDR of the type its kind holds, to the end. Returns the number of records.
    /// </summary>
    public static async Task<long> VerifyWellFormedAsync(Stream compressed, string path, HistoryFileKind kind, long maxSize, CancellationToken cancellationToken) =>
        await HistoryGzip.VerifyDecompressedAsync(
            compressed,
            path,
            maxSize,
            (s, ct) => kind switch
            {
                HistoryFileKind.Ledger => CountRecordsAsync<LedgerHeaderHistoryEntry>(s, path, ct),
                HistoryFileKind.Transactions => CountRecordsAsync<TransactionHistoryEntry>(s, path, ct),
                HistoryFileKind.Results => CountRecordsAsync<TransactionHistoryResultEntry>(s, path, ct),
                HistoryFileKind.Scp => CountRecordsAsync<SCPHistoryEntry>(s, path, ct),
                _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown history file kind."),
            },
            cancellationToken).ConfigureAwait(false);

    /// <summary>
    /// Checks the chain across files from the newest back and the trusted anchors; returns the highest ledger of
    /// the range a trusted hash anchors (the chain at and below it ends at that hash), or null when none does.
    /// </summary>
    public static uint? VerifyChain(CheckpointRange range, IReadOnlyDictionary<uint, LedgerHeaderFileResult> files, HistoryWorkOptions options)
    {
        uint? trustedUpTo = null;
        void Anchored(uint ledger) => trustedUpTo = trustedUpTo is null ? ledger : Math.Max(trustedUpTo.Value, ledger);

        if (options.TrustedHash is { } hash
            && range.Contains(range.Math.CheckpointContaining(hash.Ledger))
            && files.TryGetValue(range.Math.CheckpointContaining(hash.Ledger), out var holder)
            && holder.Find(hash.Ledger) is not null)
        {
            LedgerHeaderVerifier.VerifyTrusted(holder, hash);
            Anchored(hash.Ledger);
        }

        if (options.TrustedCheckpointHashes is { } checkpoints)
        {
            foreach (var file in files.Values)
            {
                if (checkpoints.Get(file.Last.Header.LedgerSeq) is { } anchor)
                {
                    LedgerHeaderVerifier.VerifyTrusted(file, anchor);
                    Anchored(anchor.Ledger);
                }
            }
        }

        for (var i = range.Count - 1; i > 0; i--)
        {
            LedgerHeaderVerifier.VerifyLink(files[range[i - 1]], files[range[i]]);
        }

        return trustedUpTo;
    }

    public static void VerifyBucketList(HistoryArchiveState state, string path, LedgerHeaderFileResult headers, string? networkPassphrase)
    {
        HistoryStateVerifier.VerifyPassphrase(state, path, networkPassphrase);
        HistoryStateVerifier.VerifyAgainstHeader(state, path, headers.Last);
    }

    /// <summary>Rethrows the one failure as it is, or summarizes several (a trust failure wins: it is fatal).</summary>
    public static void ThrowIfAny(List<Exception> failures, string what)
    {
        if (failures.Count == 0)
        {
            return;
        }

        var fatal = failures.OfType<HistoryVerificationException>().FirstOrDefault(e => e.IsTrustFailure);
        if (fatal is not null || failures.Count == 1)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(fatal ?? failures[0]);
        }

        var first = failures[0];
        throw new HistoryDownloadException(
            string.Create(CultureInfo.InvariantCulture, $"{failures.Count} {what} files failed; first: {first.Message}"),
            failures);
    }

    private static async Task<long> CountRecordsAsync<T>(Stream decompressed, string path, CancellationToken cancellationToken)
        where T : class, IXdrType<T>
    {
        long records = 0;
        var reader = new HistoryRecordReader<T>(decompressed, path, HistoryVerificationOptions.Default);
        await using (reader.ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false) is not null)
            {
                records++;
            }
        }

        return records;
    }
}

/// <summary>Several files of one download work failed; <see cref="AggregateException.InnerExceptions"/> has each.</summary>
public sealed class HistoryDownloadException : AggregateException
{
    /// <summary>Creates the exception with a default message.</summary>
    public HistoryDownloadException()
    {
    }

    /// <summary>Creates the exception with <paramref name="message"/>.</summary>
    public HistoryDownloadException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with <paramref name="message"/> and the exception that caused it.</summary>
    public HistoryDownloadException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception with <paramref name="message"/> and the failures of each file.</summary>
    public HistoryDownloadException(string message, IEnumerable<Exception> innerExceptions)
        : base(message, innerExceptions)
    {
    }
}
