using System.Globalization;
using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Stellar.HistoryWork.IO;
using Stellar.HistoryWork.Scheduling;
using Stellar.HistoryWork.Telemetry;
using Stellar.HistoryWork.Verification;

namespace Stellar.HistoryWork.Download;

/// <summary>
/// Writes a trusted checkpoint hashes file (ARCHIVE-FORMAT.md §8) from one trusted ledger hash: the ledger
/// files are fetched newest to oldest, many at once, but each is accepted only once the next newer one
/// vouches for it (its last hash is that file's first <c>previousLedgerHash</c>), so trust flows down the
/// chain from the hash given. The file is written under a temporary name and renamed when complete; an
/// existing file can be extended with the checkpoints published since.
/// </summary>
public sealed class WriteVerifiedCheckpointHashesWork : HistoryWorkItem
{
    private readonly IArchiveReader _archive;
    private readonly TrustedLedgerHash _trusted;
    private readonly string _outputPath;
    private readonly WriteVerifiedCheckpointHashesOptions _options;
    private long _done;
    private long _total;
    private long _bytes;
    private long _kept;
    private long? _startedAt;
    private int _status = (int)StageStatus.Pending;
    private string? _failure;

    /// <param name="archive">One archive, or an <c>ArchivePool</c>.</param>
    /// <param name="trusted">The hash the chain starts from; its checkpoint is the newest one written.</param>
    /// <param name="outputPath">The file to write (or extend).</param>
    /// <param name="options">Settings; defaults when null.</param>
    public WriteVerifiedCheckpointHashesWork(IArchiveReader archive, TrustedLedgerHash trusted, string outputPath, WriteVerifiedCheckpointHashesOptions? options = null)
        : base(CreateLogger(options), HistoryWorkTelemetry.For(meterFactory: null).Download)
    {
        ArgumentNullException.ThrowIfNull(archive);
        ArgumentNullException.ThrowIfNull(trusted);
        ArgumentException.ThrowIfNullOrEmpty(outputPath);
        options ??= new WriteVerifiedCheckpointHashesOptions();
        options.Validate();
        if (options.FromLedger > trusted.Ledger)
        {
            throw new ArgumentException($"FromLedger {options.FromLedger} lies after the trusted ledger {trusted.Ledger}.", nameof(options));
        }

        _archive = archive;
        _trusted = trusted;
        _outputPath = Path.GetFullPath(outputPath);
        _options = options;
    }

    /// <inheritdoc />
    public override string Name => "write-verified-checkpoint-hashes";

    /// <summary>The file written.</summary>
    public string OutputPath => _outputPath;

    /// <summary>
    /// Where the current (or last) attempt is: its ledger files verified and linked of those to fetch (the
    /// <see cref="HistoryWorkStage.LedgerHeaders"/> stage, with the compressed bytes), and in
    /// <see cref="HistoryWorkProgress.FilesSkipped"/> the entries taken over from an existing file.
    /// <see cref="WriteVerifiedCheckpointHashesOptions.Progress"/> raises the same snapshot after every file.
    /// </summary>
    public HistoryWorkProgress Progress
    {
        get
        {
            var stage = new StageProgress(HistoryWorkStage.LedgerHeaders, Interlocked.Read(ref _done), Interlocked.Read(ref _total), Interlocked.Read(ref _bytes), (StageStatus)Volatile.Read(ref _status));
            var elapsed = _startedAt is { } start ? _options.TimeProvider.GetElapsedTime(start) : TimeSpan.Zero;
            return new HistoryWorkProgress([stage], elapsed, Volatile.Read(ref _failure)) { FilesSkipped = Interlocked.Read(ref _kept) };
        }
    }

    private protected override string SourceName => _archive.Name;

    private protected override async Task ExecuteAsync(WorkContext context, CancellationToken cancellationToken)
    {
        _startedAt ??= _options.TimeProvider.GetTimestamp();
        Volatile.Write(ref _status, (int)StageStatus.Running);
        try
        {
            await WriteAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (FormatException e)
        {
            // The existing file cannot be extended; another attempt would read the same bytes.
            throw new FatalWorkException(e.Message, e);
        }
    }

    private protected override Task OnSucceededAsync()
    {
        Volatile.Write(ref _status, (int)StageStatus.Succeeded);
        _options.Progress?.Report(Progress);
        return Task.CompletedTask;
    }

    private protected override Task OnGivenUpAsync(string reason)
    {
        Volatile.Write(ref _failure, "ledger headers: " + reason);
        Volatile.Write(ref _status, (int)StageStatus.Failed);
        _options.Progress?.Report(Progress);
        return Task.CompletedTask;
    }

    private async Task WriteAsync(CancellationToken cancellationToken)
    {
        var math = _options.Checkpoints;
        var newest = math.CheckpointContaining(_trusted.Ledger);
        var existing = _options.ExtendExisting && File.Exists(_outputPath)
            ? await LoadExistingAsync(cancellationToken).ConfigureAwait(false)
            : null;
        var existingNewest = existing?.Newest;
        if (existingNewest is not null && existingNewest.Ledger >= _trusted.Ledger)
        {
            // Nothing newer to fetch; the existing file must still agree with the hash we trust.
            if (existing!.TryGetHash(_trusted.Ledger, out var known) && !known.AsSpan().SequenceEqual(_trusted.Hash))
            {
                throw Untrusted(_outputPath, _trusted.Ledger, $"{_outputPath} holds {HashHex.ToHex(known)} for ledger {_trusted.Ledger}, but the trusted hash is {HashHex.ToHex(_trusted.Hash)}");
            }

            Interlocked.Exchange(ref _kept, existing.Count);
            return;
        }

        var oldest = existingNewest is not null
            ? math.Next(existingNewest.Ledger)
            : math.CheckpointContaining(_options.FromLedger);
        var checkpoints = new CheckpointRange(oldest, newest, math);
        Interlocked.Exchange(ref _total, checkpoints.Count);
        Interlocked.Exchange(ref _done, 0);
        Interlocked.Exchange(ref _bytes, 0);

        await AtomicFile.WriteAsync(_outputPath, async (file, ct) =>
        {
            var writer = new StreamWriter(file, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false), leaveOpen: true) { NewLine = "\n" };
            await using (writer.ConfigureAwait(false))
            {
                await writer.WriteLineAsync("[").ConfigureAwait(false);
                var vouched = await WriteChainAsync(writer, checkpoints, ct).ConfigureAwait(false);
                if (existing is not null)
                {
                    await LinkToExistingAsync(writer, existing, existingNewest!, vouched, checkpoints.First, math).ConfigureAwait(false);
                }

                await writer.WriteLineAsync("[0, \"\"]").ConfigureAwait(false);
                await writer.WriteLineAsync("]").ConfigureAwait(false);
                await writer.FlushAsync(ct).ConfigureAwait(false);
            }
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Fetches and verifies the ledger files newest first with up to <c>MaxConcurrentDownloads</c> in flight,
    /// and links them in order as they complete; returns the hash the oldest file vouches for (its first
    /// <c>previousLedgerHash</c>), i.e. the hash of the checkpoint below the range.
    /// </summary>
    private async Task<byte[]> WriteChainAsync(StreamWriter writer, CheckpointRange checkpoints, CancellationToken cancellationToken)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var inFlight = new Queue<Task<LedgerFileLink>>();
        LedgerFileLink? newer = null;
        try
        {
            for (var i = checkpoints.Count - 1; i >= 0; i--)
            {
                inFlight.Enqueue(FetchAsync(checkpoints[i], stop.Token));
                if (inFlight.Count >= _options.MaxConcurrentDownloads)
                {
                    newer = await AcceptAsync(writer, await inFlight.Dequeue().ConfigureAwait(false), newer).ConfigureAwait(false);
                }
            }

            while (inFlight.Count > 0)
            {
                newer = await AcceptAsync(writer, await inFlight.Dequeue().ConfigureAwait(false), newer).ConfigureAwait(false);
            }
        }
        catch
        {
            await stop.CancelAsync().ConfigureAwait(false);
            await Task.WhenAll(inFlight).ContinueWith(static _ => { }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default).ConfigureAwait(false);
            throw;
        }

        return newer!.FirstPreviousHash;
    }

    private async Task<LedgerFileLink> AcceptAsync(StreamWriter writer, LedgerFileLink file, LedgerFileLink? newer)
    {
        if (newer is null)
        {
            // The newest file carries the trusted ledger; its chain up to that ledger was checked when it was read.
            // A trusted ledger inside a checkpoint vouches only for the checkpoints below it.
            if (file.LastLedger == _trusted.Ledger && _options.Checkpoints.IsCheckpoint(_trusted.Ledger))
            {
                await WriteEntryAsync(writer, file.LastLedger, file.LastHash).ConfigureAwait(false);
            }
        }
        else
        {
            newer.VerifyFollows(file);
            await WriteEntryAsync(writer, file.LastLedger, file.LastHash).ConfigureAwait(false);
        }

        Interlocked.Increment(ref _done);
        _options.Progress?.Report(Progress);
        return file;
    }

    private async Task<LedgerFileLink> FetchAsync(uint checkpoint, CancellationToken cancellationToken)
    {
        var path = ArchivePaths.CheckpointFile(HistoryFileKind.Ledger, checkpoint);
        var lastLedger = _trusted.Ledger <= checkpoint && _trusted.Ledger >= _options.Checkpoints.FirstLedgerIn(checkpoint) ? _trusted.Ledger : (uint?)null;
        var source = await _archive.OpenReadAsync(path, cancellationToken).ConfigureAwait(false);
        await using (source.ConfigureAwait(false))
        {
            var counted = new CountingReadStream(source, copyTo: null, leaveOpen: true);
            LedgerHeaderFileResult headers;
            try
            {
                headers = await HistoryGzip.VerifyDecompressedAsync(
                    counted,
                    path,
                    _options.MaxLedgerFileSize,
                    (s, ct) => LedgerHeaderVerifier.VerifyAsync(s, path, checkpoint, _options.Checkpoints, lastLedger, lastLedger is null ? null : _trusted, cancellationToken: ct),
                    cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (FailureClassifier.IsBadContent(e))
            {
                _archive.ReportBadContent(source, e);
                throw;
            }

            Interlocked.Add(ref _bytes, counted.BytesRead);
            return LedgerFileLink.Of(headers);
        }
    }

    private async Task LinkToExistingAsync(StreamWriter writer, TrustedCheckpointHashes existing, TrustedLedgerHash existingNewest, byte[] vouched, uint oldestFetched, CheckpointMath math)
    {
        if (!existingNewest.Hash.AsSpan().SequenceEqual(vouched))
        {
            throw Untrusted(ArchivePaths.CheckpointFile(HistoryFileKind.Ledger, oldestFetched), existingNewest.Ledger,
                $"the archive's chain gives ledger {existingNewest.Ledger} the hash {HashHex.ToHex(vouched)}, but {_outputPath} trusts {HashHex.ToHex(existingNewest.Hash)}");
        }

        long kept = 0;
        for (var ledger = existingNewest.Ledger; ; ledger = math.Previous(ledger))
        {
            if (existing.TryGetHash(ledger, out var hash))
            {
                await WriteEntryAsync(writer, ledger, hash).ConfigureAwait(false);
                kept++;
            }

            if (!math.TryGetPrevious(ledger, out _))
            {
                break;
            }
        }

        Interlocked.Exchange(ref _kept, kept);
    }

    private async Task<TrustedCheckpointHashes?> LoadExistingAsync(CancellationToken cancellationToken)
    {
        var existing = await TrustedCheckpointHashes.LoadAsync(_outputPath, cancellationToken).ConfigureAwait(false);
        if (existing.Newest is { } newest && !_options.Checkpoints.IsCheckpoint(newest.Ledger))
        {
            throw new FormatException($"{_outputPath}: its newest entry, ledger {newest.Ledger}, is not a checkpoint ({_options.Checkpoints}); it cannot be extended");
        }

        return existing.Count == 0 ? null : existing;
    }

    private static Task WriteEntryAsync(StreamWriter writer, uint ledger, byte[] hash) =>
        writer.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"[{ledger}, \"{HashHex.ToHex(hash)}\"],"));

    private static HistoryVerificationException Untrusted(string path, uint ledger, string message) =>
        new(new VerificationProblem(path, ledger, ProblemKind.Untrusted, message + " (rule: the chain ends at the trusted hash)"));

    private static ILogger CreateLogger(WriteVerifiedCheckpointHashesOptions? options) =>
        options?.LoggerFactory?.CreateLogger<WriteVerifiedCheckpointHashesWork>() ?? NullLogger<WriteVerifiedCheckpointHashesWork>.Instance;
}
