using System.Collections.Concurrent;
using System.Globalization;
using Stellar.HistoryWork.Telemetry;

namespace Stellar.HistoryWork.Verification;

/// <summary>
/// What one <see cref="ArchiveVerifier"/> run found, gathered from its parallel workers: the problems, what
/// each checkpoint of the range held (one byte per checkpoint, so millions of checkpoints cost megabytes), the
/// files and bytes read, and the progress. The rules that need the whole range at once — a run of absent
/// checkpoints is one problem, SCP presence — are applied here once every file was seen.
/// </summary>
internal sealed class ArchiveProblemCollector
{
    /// <summary>The HAS and the four <see cref="HistoryFileKind"/> files.</summary>
    public const int FilesPerCheckpoint = 5;

    private readonly ConcurrentQueue<VerificationProblem> _problems = new();
    private readonly HistoryWorkTelemetry.DownloadInstruments _telemetry;
    private readonly IProgress<HistoryWorkProgress>? _progress;
    private readonly TimeProvider _timeProvider;
    private readonly long _startedAt;
    private readonly List<CheckpointRange> _absentRuns = [];
    private IReadOnlyList<CheckpointRange> _scpAbsentBeforeFirst = [];
    private CheckpointRange _range;
    private int _checkpointsTotal;
    private byte[] _flags = [];
    private long _files;
    private long _bytes;
    private int _checkpointsDone;
    private int _bucketsDone;
    private int _bucketsKnown;

    public ArchiveProblemCollector(HistoryWorkTelemetry.DownloadInstruments telemetry, IProgress<HistoryWorkProgress>? progress, TimeProvider timeProvider)
    {
        _telemetry = telemetry;
        _progress = progress;
        _timeProvider = timeProvider;
        _startedAt = timeProvider.GetTimestamp();
    }

    [Flags]
    private enum CheckpointFlags : byte
    {
        None = 0,
        ScpPresent = 1,

        /// <summary>The archive has none of the checkpoint's files.</summary>
        Absent = 2,
    }

    public bool IsEmpty => _problems.IsEmpty;

    public int Count => _problems.Count;

    public long Files => Interlocked.Read(ref _files);

    public long Bytes => Interlocked.Read(ref _bytes);

    /// <summary>The range's first checkpoint with an SCP file; null when none has one (known after <see cref="CheckScpPresence"/>).</summary>
    public uint? FirstCheckpointWithScp { get; private set; }

    /// <summary>
    /// Runs of checkpoints before <see cref="FirstCheckpointWithScp"/> whose other files are there but whose SCP file is
    /// not: no problem in this range, but one each when an older range (the slice below a shard's) has an SCP file.
    /// </summary>
    public IReadOnlyList<CheckpointRange> ScpAbsentBeforeFirst => _scpAbsentBeforeFirst;

    /// <summary>Sizes the per-checkpoint flags for <paramref name="range"/>.</summary>
    public void Start(CheckpointRange range)
    {
        _range = range;
        _checkpointsTotal = range.Count;
        _flags = new byte[range.Count];
    }

    public void Add(VerificationProblem problem)
    {
        _problems.Enqueue(problem);
        _telemetry.CheckFailed(problem);
    }

    public void Add(string path, uint? ledger, ProblemKind kind, string message) =>
        Add(new VerificationProblem(path, ledger, kind, message));

    /// <summary>Runs a check that throws its broken rule; the rule becomes a problem.</summary>
    public void Try(Action check)
    {
        try
        {
            check();
        }
        catch (HistoryVerificationException e)
        {
            Add(e.Problem);
        }
    }

    /// <summary>Counts one file that was opened, with the compressed bytes read from it.</summary>
    public void FileRead(string path, long bytes)
    {
        Interlocked.Increment(ref _files);
        Interlocked.Add(ref _bytes, bytes);
        _telemetry.Fetched(ArchivePaths.KindNameOf(path), bytes);
    }

    public void FileVerified(string path) => _telemetry.Checked(ArchivePaths.KindNameOf(path));

    public void FileFailed(string path) => _telemetry.FetchFailed(ArchivePaths.KindNameOf(path));

    public void BucketQueued() => Interlocked.Increment(ref _bucketsKnown);

    public void BucketDone() => Interlocked.Increment(ref _bucketsDone);

    public void CheckpointDone() => Interlocked.Increment(ref _checkpointsDone);

    /// <summary>Checkpoints known to be absent without being asked for (before the archive's start).</summary>
    public void CheckpointsSkipped(int count) => Interlocked.Add(ref _checkpointsDone, count);

    public void ScpPresent(uint checkpoint) => _flags[IndexOf(checkpoint)] |= (byte)CheckpointFlags.ScpPresent;

    /// <summary>The checkpoint lacks every file: it belongs to a run reported once (<see cref="ReportAbsentRuns"/>).</summary>
    public void Absent(uint checkpoint) => _flags[IndexOf(checkpoint)] |= (byte)CheckpointFlags.Absent;

    public void Missing(string path, uint? ledger, string? detail = null) =>
        Add(path, ledger, ProblemKind.Missing, MissingMessage(path, detail));

    /// <summary>An SCP file absent after one that is present is missing (<see cref="ScpVerifier.IsMissingFileAProblem(uint, uint?, bool)"/>).</summary>
    public void CheckScpPresence()
    {
        uint? firstWithScp = null;
        var scpAbsentBeforeFirst = new List<CheckpointRange>();
        foreach (var checkpoint in _range)
        {
            var flags = (CheckpointFlags)_flags[IndexOf(checkpoint)];
            if (flags.HasFlag(CheckpointFlags.ScpPresent))
            {
                firstWithScp ??= checkpoint;
            }
            else if (!flags.HasFlag(CheckpointFlags.Absent) && ScpVerifier.IsMissingFileAProblem(checkpoint, firstWithScp))
            {
                Add(ScpVerifier.MissingFile(checkpoint, firstWithScp).Problem);
            }
            else if (!flags.HasFlag(CheckpointFlags.Absent) && firstWithScp is null)
            {
                scpAbsentBeforeFirst.Add(new CheckpointRange(checkpoint, checkpoint, _range.Math));
            }
        }

        FirstCheckpointWithScp = firstWithScp;
        _scpAbsentBeforeFirst = CheckpointRange.JoinAdjacent(scpAbsentBeforeFirst);
    }

    /// <summary>Each run of checkpoints that lack every file becomes one problem, so a large hole stays one line.</summary>
    public void ReportAbsentRuns()
    {
        var range = _range;
        for (var i = 0; i < range.Count;)
        {
            if (!((CheckpointFlags)_flags[i]).HasFlag(CheckpointFlags.Absent))
            {
                i++;
                continue;
            }

            var end = i;
            while (end + 1 < range.Count && ((CheckpointFlags)_flags[end + 1]).HasFlag(CheckpointFlags.Absent))
            {
                end++;
            }

            var run = new CheckpointRange(range[i], range[end], range.Math);
            _absentRuns.Add(run);
            Add(VerificationProblem.AbsentRun(run));
            i = end + 1;
        }
    }

    public void ReportProgress() => _progress?.Report(Progress());

    /// <summary>
    /// Where the run is: checkpoints whose every file was checked, buckets checked of those known so far, files and
    /// bytes read, problems found.
    /// </summary>
    public HistoryWorkProgress Progress()
    {
        var checkpointsDone = Volatile.Read(ref _checkpointsDone);
        var bucketsDone = Volatile.Read(ref _bucketsDone);
        var bucketsKnown = Volatile.Read(ref _bucketsKnown);
        var checkpointsFinished = _checkpointsTotal > 0 && checkpointsDone >= _checkpointsTotal;
        StageProgress[] stages =
        [
            new(HistoryWorkStage.Checkpoints, checkpointsDone, _checkpointsTotal, 0, StatusOf(_checkpointsTotal > 0, checkpointsFinished)),
            new(HistoryWorkStage.Buckets, bucketsDone, bucketsKnown, 0, StatusOf(bucketsKnown > 0, checkpointsFinished && bucketsDone >= bucketsKnown)),
        ];
        return new HistoryWorkProgress(stages, _timeProvider.GetElapsedTime(_startedAt))
        {
            Bytes = Bytes,
            Files = Files,
            Problems = _problems.Count,
        };

        static StageStatus StatusOf(bool started, bool finished) =>
            finished ? StageStatus.Succeeded : started ? StageStatus.Running : StageStatus.Pending;
    }

    /// <summary>
    /// The report: problems in a stable order (path, ledger, kind), whatever order the workers found them in;
    /// trusted exactly when <paramref name="trustedUpTo"/> is the range's last ledger.
    /// </summary>
    public VerificationReport Report(int checkpoints, uint? trustedUpTo, uint? startsAt, uint? fromLedger = null, uint? toLedger = null)
    {
        var problems = _problems
            .OrderBy(p => p.Path, StringComparer.Ordinal)
            .ThenBy(p => p.Ledger)
            .ThenBy(p => p.Kind)
            .ToArray();
        var trusted = trustedUpTo is not null && trustedUpTo == toLedger;
        return new VerificationReport(problems.Length == 0, checkpoints, Files, Bytes, problems, trusted, startsAt)
        {
            TrustedUpTo = trustedUpTo,
            FromLedger = fromLedger,
            ToLedger = toLedger,
            AbsentRuns = [.. _absentRuns],
        };
    }

    public static string MissingMessage(string path, string? detail) =>
        $"{path}: the archive has no such file{(detail is null ? "" : " (" + detail + ")")} (rule: every file of the range exists)";

    private int IndexOf(uint checkpoint) => (int)((checkpoint - _range.First) / _range.Math.Frequency);
}
