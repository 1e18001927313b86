using System.Globalization;
using Stellar.HistoryWork.Verification;

namespace Stellar.HistoryWork;

/// <summary>
/// Finds where an archive starts: its oldest checkpoint that has a HAS file. An archive is published
/// contiguously from its start, so "has a HAS" turns from false to true once and a binary search needs
/// O(log n) existence checks, which stays cheap over HTTP.
/// </summary>
/// <remarks>
/// A hole (checkpoints missing after the start) breaks that assumption: a probe that lands in it makes the
/// search conclude that the archive starts after it. So the search never steps over a hole it can see: once it
/// has a candidate start, it probes older checkpoints at doubling distances (2, 3, 5, 9, … checkpoints back,
/// down to the first checkpoint) and, when one of them has a HAS, searches again below it. Every hole that is
/// no longer than the archive older than it is found that way; the checkpoints of a hole are then inside the
/// range and reported as missing instead of silently moving the start.
/// </remarks>
public sealed class ArchiveStartFinder
{
    private readonly IArchiveReader _archive;
    private readonly CheckpointMath _math;

    /// <summary>A finder for <paramref name="archive"/> at the checkpoint frequency of <paramref name="math"/>.</summary>
    public ArchiveStartFinder(IArchiveReader archive, CheckpointMath math)
    {
        ArgumentNullException.ThrowIfNull(archive);
        ArgumentNullException.ThrowIfNull(math);
        _archive = archive;
        _math = math;
    }

    /// <summary>
    /// The oldest checkpoint up to <paramref name="last"/> that has a HAS. <paramref name="last"/> itself is not
    /// checked: if it lacks its HAS, verifying it says so.
    /// </summary>
    /// <exception cref="ArchiveException">
    /// A probe got no answer (after the reader's own retries): where the archive starts cannot be known, and a guess
    /// would be reported as a fact. The exception names the HAS file that went unanswered; callers report it as
    /// <see cref="ProblemKind.Unreachable"/>, like any other file the archive could not deliver.
    /// </exception>
    public async Task<uint> FindFirstCheckpointAsync(uint last, CancellationToken cancellationToken = default)
    {
        var first = _math.FirstCheckpoint;
        if (last <= first || !await ProbeIsAbsentAsync(first, cancellationToken).ConfigureAwait(false))
        {
            return first;
        }

        // Indexes count checkpoints from the first one; index 0 (the first checkpoint) is known to be absent.
        var frequency = _math.Frequency;
        var high = (last - first) / frequency;
        while (true)
        {
            var start = await SearchAsync(1, high, cancellationToken).ConfigureAwait(false);
            var older = await FindOlderPresentAsync(start, cancellationToken).ConfigureAwait(false);
            if (older is null)
            {
                return first + (start * frequency);
            }

            high = older.Value;
        }
    }

    /// <summary>
    /// Whether what the root HAS claims can be planned on: its <c>currentLedger</c> must be a checkpoint ledger
    /// whose own HAS the archive has. A hostile or broken <c>.well-known</c> (ledger 0, a ledger near 2³², a
    /// checkpoint never published) is a problem of that file instead of a plan of millions of checkpoints.
    /// </summary>
    /// <returns>The problem, or null when the claim holds (or the archive did not answer: then verifying says so).</returns>
    public async Task<VerificationProblem?> CheckRootClaimAsync(HistoryArchiveState root, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(root);
        const string path = ArchivePaths.WellKnownState;
        var current = root.CurrentLedger;
        if (!_math.IsCheckpoint(current))
        {
            return new VerificationProblem(path, current, ProblemKind.Corrupt, string.Create(
                CultureInfo.InvariantCulture,
                $"{path}: currentLedger {current} is not a checkpoint ledger at {_math.Frequency} ledgers per checkpoint (rule: the root HAS names the newest published checkpoint)"));
        }

        var statePath = ArchivePaths.HistoryState(current);
        if (await IsAbsentAsync(_archive, statePath, cancellationToken).ConfigureAwait(false))
        {
            return new VerificationProblem(path, current, ProblemKind.Corrupt, string.Create(
                CultureInfo.InvariantCulture,
                $"{path}: currentLedger {current} names a checkpoint the archive has not published ({statePath} is absent) (rule: the root HAS names the newest published checkpoint)"));
        }

        return null;
    }

    /// <summary>True only when the archive answers that it has no such file; an unanswered check counts as present.</summary>
    /// <remarks>
    /// Retries are the reader's (an <see cref="ArchivePool"/> retries through its one pipeline); none are added here.
    /// The root-claim check and the verifier's presence checks use it: there an unanswered check is reported by
    /// reading the file. The start search does not: a probe without an answer ends the search (it throws).
    /// </remarks>
    internal static async Task<bool> IsAbsentAsync(IArchiveReader archive, string path, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(archive);
        try
        {
            return !await archive.ExistsAsync(path, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is ArchiveException or IOException)
        {
            return false;
        }
    }

    /// <summary>
    /// The problem of a range that begins before the archive does: the checkpoints from the one holding
    /// <paramref name="fromLedger"/> up to the one before <paramref name="startsAt"/> are not in the archive.
    /// <c>catchup</c> and <c>mirror</c> stop with it before downloading anything.
    /// </summary>
    public static VerificationProblem BeforeStartProblem(uint fromLedger, uint startsAt, CheckpointMath math)
    {
        ArgumentNullException.ThrowIfNull(math);
        var first = math.CheckpointContaining(fromLedger);
        var path = ArchivePaths.HistoryState(first);
        var lastAbsent = math.Previous(startsAt);
        var count = ((ulong)lastAbsent - first) / math.Frequency + 1;
        return new VerificationProblem(path, first, ProblemKind.Missing, string.Create(
            CultureInfo.InvariantCulture,
            $"{path}: the range starts at ledger {fromLedger}, but the archive starts at checkpoint {startsAt}: checkpoints {first}..{lastAbsent} ({count} checkpoints) are not in it (rule: every file of the range exists)"));
    }

    /// <summary>The lowest index in <paramref name="low"/>..<paramref name="high"/> with a HAS, assuming presence is monotonic there.</summary>
    private async Task<uint> SearchAsync(uint low, uint high, CancellationToken cancellationToken)
    {
        low = Math.Min(low, high);
        while (low < high)
        {
            var middle = low + ((high - low) / 2);
            if (await ProbeIsAbsentAsync(CheckpointAt(middle), cancellationToken).ConfigureAwait(false))
            {
                low = middle + 1;
            }
            else
            {
                high = middle;
            }
        }

        return low;
    }

    /// <summary>An index below <paramref name="start"/> − 1 that has a HAS (a hole lies between), probed at doubling distances.</summary>
    private async Task<uint?> FindOlderPresentAsync(uint start, CancellationToken cancellationToken)
    {
        // start − 1 is known to be absent (or is the first checkpoint, probed first).
        for (ulong back = 2; back < start; back = ((back - 1) * 2) + 1)
        {
            var index = start - (uint)back;
            if (index == 0)
            {
                break;
            }

            if (!await ProbeIsAbsentAsync(CheckpointAt(index), cancellationToken).ConfigureAwait(false))
            {
                return index;
            }
        }

        return null;
    }

    /// <summary>One probe of the start search: whether the checkpoint's HAS is absent; no answer throws.</summary>
    private async Task<bool> ProbeIsAbsentAsync(uint checkpoint, CancellationToken cancellationToken)
    {
        var path = ArchivePaths.HistoryState(checkpoint);
        try
        {
            return !await _archive.ExistsAsync(path, cancellationToken).ConfigureAwait(false);
        }
        catch (ArchiveException e)
        {
            throw new ArchiveException(e.ArchiveName, path, "could not find where the archive starts: " + e.Detail, e);
        }
        catch (IOException e)
        {
            throw new ArchiveException(_archive.Name, path, "could not find where the archive starts: " + e.Message, e);
        }
    }

    private uint CheckpointAt(uint index) => _math.FirstCheckpoint + (index * _math.Frequency);
}
