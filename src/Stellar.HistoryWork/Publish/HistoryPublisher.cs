using Stellar.HistoryWork.Download;
using Stellar.HistoryWork.Verification;

namespace Stellar.HistoryWork.Publish;

/// <summary>
/// Publishes history that is already on local disk in archive layout — what a <see cref="HistoryWorkBuilder"/>
/// downloaded (its <see cref="HistoryWorkBuilder.WorkDirectory"/>), or the checkpoints a node wrote itself — to one
/// or several archives. Each target gets the order that never exposes a HAS before its data: buckets, then the
/// ledger, transactions, results and SCP files, then the checkpoint HAS files oldest first, then <c>.well-known</c>
/// (never moved back to an older checkpoint). Files are published byte for byte; a file a target already holds
/// intact is skipped and a damaged one replaced, so running it again after an interruption resumes. By default the
/// directory is verified first and nothing is published when a rule fails.
/// </summary>
public sealed class HistoryPublisher
{
    private const string HistoryFolder = "history";

    private readonly IReadOnlyList<IArchiveWriter> _targets;
    private readonly HistoryPublisherOptions _options;

    /// <param name="targets">The archives to publish to, at least one.</param>
    /// <param name="options">How to check and publish; defaults when null.</param>
    public HistoryPublisher(IEnumerable<IArchiveWriter> targets, HistoryPublisherOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(targets);
        _targets = [.. targets];
        if (_targets.Count == 0 || _targets.Any(t => t is null))
        {
            throw new ArgumentException("At least one target archive is needed, and no null one.", nameof(targets));
        }

        _options = options ?? new HistoryPublisherOptions();
        _options.Validate();
    }

    /// <summary>
    /// Publishes the checkpoints of <paramref name="range"/> (default: every checkpoint HAS in the directory, which must
    /// then follow one another) from <paramref name="directory"/> to every target, the targets in parallel.
    /// </summary>
    /// <param name="directory">A directory in archive layout (<c>history/</c>, <c>ledger/</c>, …, <c>bucket/</c>).</param>
    /// <param name="range">The checkpoints to publish; each needs its HAS, ledger, transactions and results files, and the buckets its HAS names (SCP files are published when present).</param>
    /// <param name="cancellationToken">Stops the publish; what reached a target stays valid and a rerun resumes.</param>
    /// <returns>What each target received, or the directory's problems (then nothing was published).</returns>
    /// <exception cref="DirectoryNotFoundException">The directory does not exist.</exception>
    public async Task<HistoryPublishResult> PublishDirectoryAsync(string directory, CheckpointRange? range = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        var root = Path.GetFullPath(directory);
        if (!Directory.Exists(root))
        {
            throw new DirectoryNotFoundException($"{root}: no such directory to publish from.");
        }

        var problems = new List<VerificationProblem>();
        var checkpoints = range ?? FindRange(root, problems);
        if (checkpoints is not { } resolved)
        {
            return new HistoryPublishResult(false, null, [], problems);
        }

        if (!resolved.Math.Equals(_options.Checkpoints))
        {
            throw new ArgumentException($"The range uses {resolved.Math} but the options use {_options.Checkpoints}.", nameof(range));
        }

        var history = await CollectAsync(root, resolved, problems, cancellationToken).ConfigureAwait(false);
        if (problems.Count == 0 && _options.Verify)
        {
            problems.AddRange(await VerifyAsync(root, resolved, cancellationToken).ConfigureAwait(false));
        }

        if (problems.Count > 0)
        {
            return new HistoryPublishResult(false, resolved, [], problems);
        }

        var store = new VerifiedFileStore(root, _options.MeterFactory);
        var settings = new HistoryWorkOptions
        {
            Checkpoints = _options.Checkpoints,
            MaxConcurrentDownloads = _options.MaxConcurrency,
            LoggerFactory = _options.LoggerFactory,
            MeterFactory = _options.MeterFactory,
            TimeProvider = _options.TimeProvider,
        };
        var targets = await Task.WhenAll(_targets.Select(t => PublishToAsync(new ArchivePublisher(t, settings), history, store, cancellationToken))).ConfigureAwait(false);
        cancellationToken.ThrowIfCancellationRequested();
        return new HistoryPublishResult(targets.All(t => t.Succeeded), resolved, targets, problems);
    }

    private async Task<HistoryPublishTargetResult> PublishToAsync(ArchivePublisher target, PublishableHistory history, VerifiedFileStore store, CancellationToken cancellationToken)
    {
        string? error = null;
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                await target.PublishAllAsync(history, store, _options.PublishWellKnown, _options.TimeProvider, cancellationToken).ConfigureAwait(false);
                error = null;
                break;
            }
            catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                target.Logger.AttemptFailed(e, "publish", attempt + 1, target.Name, e.Message);
                error = e.Message;

                // A full disk or a read-only directory does not heal between attempts.
                if (attempt >= _options.Retries || FailureClassifier.Classify(e) == FailureClass.LocalStorage)
                {
                    break;
                }
            }

            await Task.Delay(_options.RetryDelay(attempt), _options.TimeProvider, cancellationToken).ConfigureAwait(false);
        }

        return new HistoryPublishTargetResult(target.Name, error is null, target.FilesWritten, target.FilesSkipped, target.BytesWritten, error);
    }

    /// <summary>Every checkpoint HAS in the directory, which must follow one another without a gap.</summary>
    private CheckpointRange? FindRange(string root, List<VerificationProblem> problems)
    {
        var history = Path.Combine(root, HistoryFolder);
        var found = Directory.Exists(history)
            ? Directory.EnumerateFiles(history, "history-*.json", SearchOption.AllDirectories)
                .Select(f => ArchivePaths.TryParseHistoryState(Path.GetRelativePath(root, f).Replace('\\', '/'), out var c) ? c : (uint?)null)
                .OfType<uint>()
                .Where(_options.Checkpoints.IsCheckpoint)
                .Order()
                .ToList()
            : [];
        if (found.Count == 0)
        {
            problems.Add(new VerificationProblem(HistoryFolder, null, ProblemKind.Missing, $"{root}: no checkpoint HAS (history/…/history-*.json) to publish"));
            return null;
        }

        return new CheckpointRange(found[0], found[^1], _options.Checkpoints);
    }

    /// <summary>The files of every checkpoint of the range, by the publisher's names; a missing one is a problem.</summary>
    private async Task<PublishableHistory> CollectAsync(string root, CheckpointRange range, List<VerificationProblem> problems, CancellationToken cancellationToken)
    {
        var buckets = new Dictionary<string, string>(StringComparer.Ordinal);
        var files = new Dictionary<(HistoryFileKind Kind, uint Checkpoint), string>();
        var states = new SortedDictionary<uint, HistoryArchiveState>();
        foreach (var checkpoint in range)
        {
            var statePath = ArchivePaths.HistoryState(checkpoint);
            if (Present(root, statePath, checkpoint, problems) is not { } local)
            {
                continue;
            }

            var state = await ReadStateAsync(local, statePath, checkpoint, problems, cancellationToken).ConfigureAwait(false);
            if (state is null)
            {
                continue;
            }

            states[checkpoint] = state;
            foreach (var bucket in state.GetReferencedBuckets())
            {
                if (!buckets.ContainsKey(bucket) && Present(root, ArchivePaths.Bucket(bucket), checkpoint, problems) is { } bucketFile)
                {
                    buckets[bucket] = bucketFile;
                }
            }

            foreach (var kind in new[] { HistoryFileKind.Ledger, HistoryFileKind.Transactions, HistoryFileKind.Results, HistoryFileKind.Scp })
            {
                var path = ArchivePaths.CheckpointFile(kind, checkpoint);
                var file = kind == HistoryFileKind.Scp ? PresentOrNull(root, path) : Present(root, path, checkpoint, problems);
                if (file is not null)
                {
                    files[(kind, checkpoint)] = file;
                }
            }
        }

        return new PublishableHistory(buckets, files, states);
    }

    private async Task<HistoryArchiveState?> ReadStateAsync(string local, string path, uint checkpoint, List<VerificationProblem> problems, CancellationToken cancellationToken)
    {
        try
        {
            var stream = File.OpenRead(local);
            await using (stream.ConfigureAwait(false))
            {
                var state = await HistoryArchiveState.ReadAsync(stream, path, _options.NetworkPassphrase, cancellationToken).ConfigureAwait(false);
                if (state.CurrentLedger == checkpoint)
                {
                    return state;
                }

                problems.Add(new VerificationProblem(path, checkpoint, ProblemKind.Corrupt, $"{path}: names ledger {state.CurrentLedger}, not its checkpoint {checkpoint} (rule: a checkpoint's HAS is the state at that checkpoint)"));
            }
        }
        catch (HistoryArchiveStateException e)
        {
            problems.AddRange(FailureClassifier.ToProblems(e, path, checkpoint));
        }

        return null;
    }

    private static string? PresentOrNull(string root, string path)
    {
        var local = ArchivePathGuard.ResolveConfined(root, path);
        return File.Exists(local) ? local : null;
    }

    private static string? Present(string root, string path, uint checkpoint, List<VerificationProblem> problems)
    {
        if (PresentOrNull(root, path) is { } local)
        {
            return local;
        }

        problems.Add(new VerificationProblem(path, checkpoint, ProblemKind.Missing, $"{path}: not in {root}, needed by checkpoint {checkpoint} (rule: a HAS is published only with every file it names)"));
        return null;
    }

    private async Task<IEnumerable<VerificationProblem>> VerifyAsync(string root, CheckpointRange range, CancellationToken cancellationToken)
    {
        var report = await new ArchiveVerifier(new LocalArchiveReader(root), new ArchiveVerifierOptions
        {
            FromLedger = range.FirstLedger,
            ToLedger = range.Last,
            Checkpoints = range.Math,
            TrustedHash = _options.TrustedHash,
            NetworkPassphrase = _options.NetworkPassphrase,
            MaxConcurrency = _options.MaxConcurrency,
            LoggerFactory = _options.LoggerFactory,
            MeterFactory = _options.MeterFactory,
        }).VerifyAsync(cancellationToken).ConfigureAwait(false);

        // The directory has no .well-known of its own: publishing writes the targets'.
        return report.Problems.Where(p => p.Path != ArchivePaths.WellKnownState);
    }
}
