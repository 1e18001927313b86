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
        firstCheckpointWithScp is { } firstWithScp && checkpoint > firstWithScp;
}
