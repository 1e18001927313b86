using System.Globalization;
using Stellar.Xdr;

namespace Stellar.HistoryWork.Verification;

/// <summary>
/// Verifies an SCP history file (ARCHIVE-FORMAT.md §4.7): every record parses and names a ledger inside
/// the checkpoint. SCP files are optional until the first checkpoint of an archive that has one.
/// </summary>
public static class ScpVerifier
{
    /// <param name="decompressed">The decompressed <c>scp-*.xdr</c> stream.</param>
    /// <param name="path">Archive path, for messages.</param>
    /// <param name="checkpoint">The checkpoint the file belongs to.</param>
    /// <param name="math">Checkpoint frequency.</param>
    /// <param name="options">Limits.</param>
    /// <param name="cancellationToken">Stops the read.</param>
    /// <exception cref="HistoryVerificationException">Corrupt, with the ledger when one is known.</exception>
    public static async Task<HistoryFileResult> VerifyAsync(
        Stream decompressed,
        string path,
        uint checkpoint,
        CheckpointMath math,
        HistoryVerificationOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(decompressed);
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(math);
        options ??= HistoryVerificationOptions.Default;
        options.Validate();
        var first = math.FirstLedgerIn(checkpoint);
        var entries = 0;
        long bytes;
        await using (var reader = new HistoryRecordReader<SCPHistoryEntry>(decompressed, path, options))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false) is { } entry)
            {
                var seq = entry.V0!.LedgerMessages.LedgerSeq;
                if (seq < first || seq > checkpoint)
                {
                    throw HistoryVerificationException.Create(path, seq, ProblemKind.Corrupt, string.Create(CultureInfo.InvariantCulture,
                        $"{path}, ledger {seq}: SCP messages for ledger {seq} lie outside checkpoint {checkpoint} ({first}..{checkpoint}) (rule: SCP records lie inside the checkpoint)"));
                }

                entries++;
            }

            bytes = reader.BytesRead;
        }

        return new HistoryFileResult(path, checkpoint, entries, bytes);
    }

    /// <summary>
    /// Whether a missing SCP file for <paramref name="checkpoint"/> is a problem: only when the archive has an
    /// SCP file at an earlier checkpoint (<paramref name="firstCheckpointWithScp"/>, null when none is known),
    /// since archives published none before some point and every checkpoint after it has one.
    /// </summary>
    public static bool IsMissingFileAProblem(uint checkpoint, uint? firstCheckpointWithScp) =>
        IsMissingFileAProblem(checkpoint, firstCheckpointWithScp, required: false);

    /// <summary>
    /// The one SCP presence rule (docs/ARCHIVE-FORMAT.md §4.7) for every caller: a missing SCP file is a problem
    /// when the caller requires SCP history (<see cref="HistoryWorkOptions.RequireScpHistory"/>), or when an
    /// earlier checkpoint of the range has one.
    /// </summary>
    internal static bool IsMissingFileAProblem(uint checkpoint, uint? firstCheckpointWithScp, bool required) =>
        required || (firstCheckpointWithScp is { } firstWithScp && checkpoint > firstWithScp);

    /// <summary>
    /// The problem of the SCP file of <paramref name="checkpoint"/> missing although the archive has one at
    /// <paramref name="firstCheckpointWithScp"/>, an earlier checkpoint: what merging shards reports for a checkpoint a
    /// shard could not judge because the SCP file before it lies in the slice below.
    /// </summary>
    public static VerificationProblem MissingFileProblem(uint checkpoint, uint firstCheckpointWithScp)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(checkpoint, firstCheckpointWithScp);
        return MissingFile(checkpoint, firstCheckpointWithScp).Problem;
    }

    /// <summary>The problem of a missing SCP file that <see cref="IsMissingFileAProblem(uint, uint?, bool)"/> says is one.</summary>
    internal static HistoryVerificationException MissingFile(uint checkpoint, uint? firstCheckpointWithScp)
    {
        var path = ArchivePaths.CheckpointFile(HistoryFileKind.Scp, checkpoint);
        var why = firstCheckpointWithScp is { } first && checkpoint > first
            ? string.Create(CultureInfo.InvariantCulture, $"absent although checkpoint {first} has an SCP file (rule: once an archive has SCP files, every later checkpoint has one)")
            : "absent, and SCP history is required (rule: every checkpoint has an SCP file when SCP history is required)";
        return HistoryVerificationException.Create(path, checkpoint, ProblemKind.Missing, $"{path}: {why}");
    }
}
