using Microsoft.Extensions.Logging;
using Stellar.HistoryWork.Scheduling;
using Stellar.HistoryWork.Verification;

namespace Stellar.HistoryWork.Download;

/// <summary>
/// Verifies a bucket file already on local disk against its hash (<see cref="BucketVerifier.VerifyFileAsync"/>):
/// SHA-256 of the whole decompressed content equals the name, within <see cref="HistoryWorkOptions.MaxBucketSize"/>.
/// The reference node runs it after a bucket download and before applying the bucket; a missing, damaged or
/// mismatching file makes the attempt a retry (a download it depends on may fetch it again).
/// </summary>
public sealed partial class VerifyBucketWork : HistoryWorkItem
{
    private readonly string _localFile;
    private readonly long _maxSize;
    private BucketVerificationResult? _result;

    /// <param name="localFile">The gzip bucket file.</param>
    /// <param name="hashHex">The bucket's hash: 64 lowercase hex digits, not the empty bucket's all-zero hash.</param>
    /// <param name="options">The size limit, logging and metrics; defaults when null.</param>
    public VerifyBucketWork(string localFile, string hashHex, HistoryWorkOptions? options = null)
        : base(options ??= new HistoryWorkOptions())
    {
        ArgumentException.ThrowIfNullOrEmpty(localFile);
        ArgumentNullException.ThrowIfNull(hashHex);
        if (!HashHex.IsValid(hashHex) || HashHex.IsZero(hashHex))
        {
            throw new ArgumentException($"'{hashHex}' is not the hash of a bucket file (64 lowercase hex digits, not all zero).", nameof(hashHex));
        }

        _localFile = localFile;
        _maxSize = options.MaxBucketSize;
        Hash = hashHex;
    }

    /// <inheritdoc />
    public override string Name => $"verify-bucket-{Hash[..16]}";

    /// <summary>The expected hash, 64 lowercase hex digits.</summary>
    public string Hash { get; }

    /// <summary>The local file verified.</summary>
    public string LocalFile => _localFile;

    /// <summary>What verification found (sizes, METAENTRY); null until the work succeeds.</summary>
    public BucketVerificationResult? Result => Volatile.Read(ref _result);

    private protected override async Task ExecuteAsync(WorkContext context, CancellationToken cancellationToken)
    {
        var result = await BucketVerifier.VerifyFileAsync(_localFile, Hash, options: DownloadVerification.BucketOptions(_maxSize), cancellationToken: cancellationToken).ConfigureAwait(false);
        Telemetry.Checked("bucket");
        Volatile.Write(ref _result, result);
        LogBucketVerified(Logger, Hash, result.DecompressedBytes);
    }

    [LoggerMessage(EventId = 5002, Level = LogLevel.Debug, Message = "Bucket {Hash} verified ({Bytes} decompressed bytes)")]
    private static partial void LogBucketVerified(ILogger logger, string hash, long bytes);
}
