using System.Globalization;
using Microsoft.Extensions.Logging;
using Stellar.HistoryWork.Scheduling;
using Stellar.HistoryWork.Verification;
using Stellar.Xdr;

namespace Stellar.HistoryWork.Download;

/// <summary>
/// Checks that an archive agrees with a ledger the caller knows: fetches the ledger file of the checkpoint
/// containing that ledger (always from the archive, never reusing a stored copy), verifies the file on its
/// own (entry hashes, chain, coverage), and compares that ledger's header with the expected
/// <see cref="LedgerHeaderHistoryEntry"/> or hash. The reference node uses it to make sure an archive it is
/// about to use (or publish to) is on its chain.
/// </summary>
/// <remarks>
/// A disagreement fails the work at once (an <see cref="ProblemKind.Untrusted"/> problem naming the file, the
/// ledger and both hashes): retrying cannot change what the archive holds. A missing or malformed file is an
/// archive problem and is retried.
/// </remarks>
public sealed partial class CheckSingleLedgerHeaderWork : HistoryDownloadWork
{
    private readonly LedgerHeaderHistoryEntry? _expectedEntry;

    /// <summary>Checks the ledger <paramref name="expected"/> describes, header and hash.</summary>
    /// <param name="archive">The archive to check (a pool checks whichever archive serves the file).</param>
    /// <param name="expected">The known entry; its hash must be SHA-256 of its header's XDR.</param>
    /// <param name="options">Checkpoint frequency, work directory, logging, metrics; defaults when null.</param>
    /// <exception cref="ArgumentException">The entry's hash is not its header's hash.</exception>
    public CheckSingleLedgerHeaderWork(IArchiveReader archive, LedgerHeaderHistoryEntry expected, HistoryWorkOptions? options = null)
        : this(archive, ToTrustedHash(expected), options)
    {
        _expectedEntry = expected;
    }

    /// <summary>Checks that ledger <see cref="TrustedLedgerHash.Ledger"/> of the archive has the given hash.</summary>
    /// <param name="archive">The archive to check.</param>
    /// <param name="expected">The known ledger and hash.</param>
    /// <param name="options">Checkpoint frequency, work directory, logging, metrics; defaults when null.</param>
    public CheckSingleLedgerHeaderWork(IArchiveReader archive, TrustedLedgerHash expected, HistoryWorkOptions? options = null)
        : base(ContextFor(archive, expected, options), HistoryWorkStage.LedgerHeaders)
    {
        Expected = expected;
    }

    /// <inheritdoc />
    public override string Name => $"check-single-ledger-header-{Expected.Ledger}";

    /// <summary>The ledger and hash the archive must agree with.</summary>
    public TrustedLedgerHash Expected { get; }

    /// <summary>The archive path of the ledger file checked.</summary>
    public string ArchivePath => ArchivePaths.CheckpointFile(HistoryFileKind.Ledger, Context.Range.Last);

    private protected override async Task ExecuteAsync(WorkContext context, CancellationToken cancellationToken)
    {
        var checkpoint = Context.Range.Last;
        var path = ArchivePath;
        await Context.State.StartStageAsync(Stage, 1, cancellationToken).ConfigureAwait(false);
        var (headers, bytes) = await Context.Store.FetchAsync(
            Context.Archive,
            path,
            (stream, ct) => DownloadVerification.VerifyHeadersAsync(stream, path, checkpoint, Context.Checkpoints, Context.Options.MaxCheckpointFileSize, ct),
            cancellationToken).ConfigureAwait(false);

        try
        {
            LedgerHeaderVerifier.VerifyTrusted(headers, Expected);
            if (_expectedEntry is not null && !_expectedEntry.Equals(headers.Find(Expected.Ledger)))
            {
                throw HistoryVerificationException.Create(path, Expected.Ledger, ProblemKind.Untrusted, string.Create(CultureInfo.InvariantCulture,
                    $"{path}, ledger {Expected.Ledger}: the entry has the expected hash but differs from the expected entry outside the header (rule: the archive's entry equals the known one)"));
            }
        }
        catch (HistoryVerificationException e)
        {
            // Sound on its own but not on our chain: keep no copy of it under its final name.
            Context.Store.Remove(path);
            LogDisagrees(Logger, Context.Archive.Name, Expected.Ledger, e.Message);
            throw;
        }

        await Context.State.AdvanceStageAsync(Stage, 1, bytes, cancellationToken).ConfigureAwait(false);
        LogAgrees(Logger, Context.Archive.Name, Expected.Ledger);
    }

    private static HistoryWorkContext ContextFor(IArchiveReader archive, TrustedLedgerHash expected, HistoryWorkOptions? options)
    {
        ArgumentNullException.ThrowIfNull(expected);
        var math = options?.Checkpoints ?? CheckpointMath.Default;
        var checkpoint = math.CheckpointContaining(expected.Ledger);
        return HistoryWorkContext.Standalone(archive, new CheckpointRange(checkpoint, checkpoint, math), options);
    }

    private static TrustedLedgerHash ToTrustedHash(LedgerHeaderHistoryEntry expected)
    {
        ArgumentNullException.ThrowIfNull(expected);
        ArgumentNullException.ThrowIfNull(expected.Header);
        ArgumentNullException.ThrowIfNull(expected.Hash);
        if (!StellarHashes.LedgerHeaderHash(expected.Header).AsSpan().SequenceEqual(expected.Hash))
        {
            throw new ArgumentException($"The expected entry for ledger {expected.Header.LedgerSeq} has a hash that is not SHA-256 of its header's XDR.", nameof(expected));
        }

        return new TrustedLedgerHash(expected.Header.LedgerSeq, expected.Hash);
    }

    [LoggerMessage(EventId = 5004, Level = LogLevel.Information, Message = "Archive {Archive} agrees with ledger {Ledger}")]
    private static partial void LogAgrees(ILogger logger, string archive, uint ledger);

    [LoggerMessage(EventId = 5005, Level = LogLevel.Error, Message = "Archive {Archive} disagrees with ledger {Ledger}: {Reason}")]
    private static partial void LogDisagrees(ILogger logger, string archive, uint ledger, string reason);
}
