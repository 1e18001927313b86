using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Stellar.HistoryWork.Telemetry;

namespace Stellar.HistoryWork.Verification;

/// <summary>
/// Verifies every file of an archive range — each checkpoint HAS, every bucket they reference (each
/// distinct bucket once), ledger headers with the chain across the whole range, transactions, results,
/// SCP, and each HAS's bucket-list hash against its checkpoint header — and reports every problem
/// instead of stopping at the first (docs/ARCHIVE-FORMAT.md §4). Files stream through bounded parallel
/// workers; buckets are verified as soon as a HAS names them, ahead of further checkpoint files.
/// </summary>
/// <remarks>
/// Without <see cref="ArchiveVerifierOptions.FromLedger"/> the range starts where the archive does, found by a
/// binary search over checkpoint HAS files. A run of checkpoints that lack every file is one problem, so that
/// the report of an archive with a large hole stays small. A file that cannot be read or checked, whatever the
/// reason, is a problem of the report; the run always ends. Logs go to the category
/// <c>Stellar.HistoryWork.Verification</c>, counts to the <c>history.get.*</c>/<c>history.check.*</c> instruments,
/// and the run is one <c>stellar.history.verify</c> activity.
/// </remarks>
public sealed partial class ArchiveVerifier
{
    /// <summary>The name of the activity that spans one <see cref="VerifyAsync"/>.</summary>
    internal const string ActivityName = "stellar.history.verify";

    private readonly ArchivePool _archive;
    private readonly ArchiveVerifierOptions _options;
    private readonly ILogger _logger;
    private readonly HistoryWorkTelemetry.DownloadInstruments _telemetry;
    private ArchiveProblemCollector? _current;

    /// <param name="archive">The archive to verify: a pool, or one reader, read through a pool of one (<see cref="ArchiveVerifierOptions.Pool"/>) for its retries and adaptive concurrency.</param>
    /// <param name="options">What to verify and how; defaults when null.</param>
    public ArchiveVerifier(IArchiveReader archive, ArchiveVerifierOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(archive);
        options ??= new ArchiveVerifierOptions();
        ArgumentNullException.ThrowIfNull(options.Checkpoints);
        ArgumentNullException.ThrowIfNull(options.Limits);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(options.MaxConcurrency);
        options.Limits.Validate();
        if (options.FromLedger == 0 || options.ToLedger == 0)
        {
            throw new ArgumentOutOfRangeException(nameof(options), "Ledgers start at 1.");
        }

        if (options.FromLedger > options.ToLedger)
        {
            throw new ArgumentOutOfRangeException(nameof(options), $"FromLedger {options.FromLedger} is after ToLedger {options.ToLedger}.");
        }

        if (options.Shard is not null && options.ToLedger is null)
        {
            throw new ArgumentException("A shard needs ToLedger, so that every shard cuts the same range.", nameof(options));
        }

        // The last ledger may only be known once the root state is read; what is known is checked now.
        new LedgerRange(options.FromLedger ?? 1, options.ToLedger ?? uint.MaxValue).RequireTrustedHashInside(options.TrustedHash);
        _archive = ArchivePool.For(archive, options.Pool);
        _options = options;
        _logger = (options.LoggerFactory ?? NullLoggerFactory.Instance).CreateLogger("Stellar.HistoryWork.Verification");
        _telemetry = HistoryWorkTelemetry.For(options.MeterFactory).Download;
    }

    /// <summary>
    /// Where the latest <see cref="VerifyAsync"/> of this verifier is (or ended): checkpoints and buckets checked,
    /// files, bytes, problems so far; null before the first run. <see cref="ArchiveVerifierOptions.Progress"/> raises
    /// the same snapshot after every file.
    /// </summary>
    public HistoryWorkProgress? Progress => Volatile.Read(ref _current)?.Progress();

    /// <summary>Runs the verification. Cancelling stops every file promptly and throws <see cref="OperationCanceledException"/>.</summary>
    public async Task<VerificationReport> VerifyAsync(CancellationToken cancellationToken = default)
    {
        using var activity = HistoryWorkTelemetry.ActivitySource.StartActivity(ActivityName);
        LogStarting(_logger, _archive.Name, _options.FromLedger, _options.ToLedger);
        var problems = new ArchiveProblemCollector(_telemetry, _options.Progress, _options.TimeProvider);
        Volatile.Write(ref _current, problems);
        var run = new ArchiveVerificationRun(_archive, _options, problems, _logger);
        VerificationReport report;
        try
        {
            report = await run.ExecuteAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            activity?.SetStatus(ActivityStatusCode.Error, e.Message);
            LogFailed(_logger, _archive.Name, e.Message);
            throw;
        }

        activity?.SetTag("stellar.history.checkpoints", report.Checkpoints);
        activity?.SetTag("stellar.history.problems", report.Problems.Count);
        activity?.SetTag("stellar.history.trusted", report.Trusted);
        if (!report.Ok)
        {
            activity?.SetStatus(ActivityStatusCode.Error, report.Problems[0].Message);
        }

        LogFinished(_logger, _archive.Name, report.Checkpoints, report.Files, report.Bytes, report.Problems.Count, report.Trusted);
        return report;
    }

    [LoggerMessage(EventId = 3001, Level = LogLevel.Information, Message = "Verifying {Archive} from ledger {From} to ledger {To}")]
    private static partial void LogStarting(ILogger logger, string archive, uint? from, uint? to);

    [LoggerMessage(EventId = 3002, Level = LogLevel.Information, Message = "Verified {Archive}: {Checkpoints} checkpoints, {Files} files, {Bytes} bytes, {Problems} problems, trusted: {Trusted}")]
    private static partial void LogFinished(ILogger logger, string archive, int checkpoints, long files, long bytes, int problems, bool trusted);

    [LoggerMessage(EventId = 3004, Level = LogLevel.Error, Message = "Verifying {Archive} could not run: {Reason}")]
    private static partial void LogFailed(ILogger logger, string archive, string reason);
}
