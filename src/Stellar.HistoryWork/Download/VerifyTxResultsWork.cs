using Microsoft.Extensions.Logging;
using Stellar.HistoryWork.Scheduling;
using Stellar.HistoryWork.Verification;

namespace Stellar.HistoryWork.Download;

/// <summary>
/// Verifies a results file already on local disk against its checkpoint's verified ledger headers
/// (<see cref="ResultsVerifier"/>): every ledger's <c>SHA256(XDR(TransactionResultSet))</c> equals the
/// header's <c>txSetResultHash</c>, and ledgers without an entry had the empty set (genesis: all zeros). The
/// reference node runs it over results downloaded for a range; a missing, damaged or mismatching file makes
/// the attempt a retry.
/// </summary>
public sealed partial class VerifyTxResultsWork : HistoryWorkItem
{
    private readonly string _localFile;
    private readonly LedgerHeaderFileResult _headers;
    private readonly long _maxSize;
    private HistoryFileResult? _result;

    /// <param name="localFile">The gzip <c>results-*.xdr.gz</c> file.</param>
    /// <param name="headers">The verified headers of the checkpoint the file belongs to.</param>
    /// <param name="options">The size limit, logging and metrics; defaults when null.</param>
    public VerifyTxResultsWork(string localFile, LedgerHeaderFileResult headers, HistoryWorkOptions? options = null)
        : base(options ??= new HistoryWorkOptions())
    {
        ArgumentException.ThrowIfNullOrEmpty(localFile);
        ArgumentNullException.ThrowIfNull(headers);
        _localFile = localFile;
        _headers = headers;
        _maxSize = options.MaxCheckpointFileSize;
    }

    /// <inheritdoc />
    public override string Name => $"verify-results-{_headers.Checkpoint}";

    /// <summary>The archive path the file stands for, as named in problems.</summary>
    public string ArchivePath => ArchivePaths.CheckpointFile(HistoryFileKind.Results, _headers.Checkpoint);

    /// <summary>How many ledgers had results; null until the work succeeds.</summary>
    public HistoryFileResult? Result => Volatile.Read(ref _result);

    private protected override async Task ExecuteAsync(WorkContext context, CancellationToken cancellationToken)
    {
        var path = ArchivePath;
        FileStream file;
        try
        {
            file = new FileStream(_localFile, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.Asynchronous | FileOptions.SequentialScan);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw HistoryVerificationException.Create(path, null, ProblemKind.Missing, $"{path}: the local file {_localFile} is absent (rule: every checkpoint has a results file)", e);
        }

        HistoryFileResult result;
        await using (file.ConfigureAwait(false))
        {
            result = await DownloadVerification.VerifyResultsAsync(file, path, _headers, _maxSize, cancellationToken).ConfigureAwait(false);
        }

        Telemetry.Checked(ArchivePaths.CategoryOf(HistoryFileKind.Results));
        Volatile.Write(ref _result, result);
        LogResultsVerified(Logger, path, result.Entries);
    }

    [LoggerMessage(EventId = 5003, Level = LogLevel.Debug, Message = "{Path} verified: {Entries} ledgers with results")]
    private static partial void LogResultsVerified(ILogger logger, string path, int entries);
}
