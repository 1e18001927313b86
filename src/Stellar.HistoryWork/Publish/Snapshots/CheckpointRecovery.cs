using Stellar.Xdr;

namespace Stellar.HistoryWork.Publish;

/// <summary>
/// Brings one record file back to a state a crash could not have left half-done, as the reference node's
/// <c>CheckpointBuilder</c> does on start-up: the file keeps its complete records, in order, up to the first record
/// that is cut short or does not decode (a write the crash interrupted: everything from there on goes) or that
/// belongs to a ledger after <c>bound</c> (appended, but never committed). The cut is made in place with
/// <see cref="FileStream.SetLength"/>, which is safe to repeat: a crash during recovery leaves a prefix the next
/// recovery cuts the same way.
/// </summary>
internal static class CheckpointRecovery
{
    /// <returns>The last record kept (null when none) and how many bytes were cut off.</returns>
    public static async Task<(T? Last, long BytesCut)> CutAsync<T>(string path, Func<T, uint> ledgerOf, uint? bound, bool flushToDisk, CancellationToken cancellationToken)
        where T : class, IXdrType<T>
    {
        if (!File.Exists(path))
        {
            return (null, 0);
        }

        T? last = null;
        long keep = 0;
        long length;
        var file = new FileStream(path, FileMode.Open, FileAccess.ReadWrite, FileShare.None, 64 * 1024, FileOptions.Asynchronous);
        await using (file.ConfigureAwait(false))
        {
            length = file.Length;
            var reader = new XdrRecordReader(file, XdrRecordReaderOptions.Default, path, leaveOpen: true);
            await using (reader.ConfigureAwait(false))
            {
                while (true)
                {
                    T record;
                    try
                    {
                        if (!await reader.ReadNextAsync(cancellationToken).ConfigureAwait(false))
                        {
                            break;
                        }

                        record = reader.DecodeCurrent<T>();
                    }
                    catch (XdrException)
                    {
                        break; // the write a crash interrupted
                    }

                    if (bound is { } b && ledgerOf(record) > b)
                    {
                        break;
                    }

                    last = record;
                    keep = reader.BytesRead;
                }
            }

            if (keep < length)
            {
                file.SetLength(keep);
                if (flushToDisk)
                {
                    file.Flush(flushToDisk: true);
                }
            }
        }

        return (last, length - keep);
    }

    /// <summary>The last complete record of a file that is not being appended to, or null.</summary>
    public static async Task<T?> ReadLastAsync<T>(string path, CancellationToken cancellationToken)
        where T : class, IXdrType<T>
    {
        if (!File.Exists(path))
        {
            return null;
        }

        T? last = null;
        var reader = XdrRecordReader.OpenFile(path);
        await using (reader.ConfigureAwait(false))
        {
            try
            {
                while (await reader.ReadNextAsync(cancellationToken).ConfigureAwait(false))
                {
                    last = reader.DecodeCurrent<T>();
                }
            }
            catch (XdrException)
            {
                // A damaged older file: the snapshot of its checkpoint will say what is wrong with it.
            }
        }

        return last;
    }

    public static uint LedgerOf(LedgerHeaderHistoryEntry entry) => entry.Header.LedgerSeq;

    public static uint LedgerOf(TransactionHistoryEntry entry) => entry.LedgerSeq;

    public static uint LedgerOf(TransactionHistoryResultEntry entry) => entry.LedgerSeq;

    public static uint LedgerOf(SCPHistoryEntry entry) => entry.V0!.LedgerMessages.LedgerSeq;
}
