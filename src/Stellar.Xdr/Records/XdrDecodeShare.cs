namespace Stellar.Xdr;

/// <summary>
/// One reader's share of an <see cref="XdrDecodeBudget"/>: enough for the record it decodes now, kept while records
/// stay small so that a stream of small records takes the budget's lock once, not once per record.
/// </summary>
public sealed class XdrDecodeShare : IDisposable
{
    /// <summary>The share a record gets per byte of its length: room for its buffer and the objects it decodes into.</summary>
    public const int BytesPerRecordByte = 32;

    /// <summary>The smallest share taken, so small records reuse it.</summary>
    public const long MinimumBytes = 256 * 1024;

    // Giving back more than this first collects the garbage the decode left: only records far larger than real ones
    // get such a share, and without it the next large decode would stack its objects on this one's uncollected graph
    // (a hostile archive of records at the cap then grew the process by several budgets).
    private const long CollectAbove = 8L * 1024 * 1024;

    private readonly XdrDecodeBudget _budget;

    /// <summary>An empty share of <paramref name="budget"/>.</summary>
    public XdrDecodeShare(XdrDecodeBudget budget)
    {
        ArgumentNullException.ThrowIfNull(budget);
        _budget = budget;
    }

    /// <summary>Bytes held now.</summary>
    public long Bytes { get; private set; }

    /// <summary>
    /// The share a record of <paramref name="recordLength"/> bytes needs: <see cref="BytesPerRecordByte"/> per byte, at
    /// least <see cref="MinimumBytes"/>, at most the whole budget.
    /// </summary>
    public long For(int recordLength) => Math.Min(_budget.Capacity, Math.Max(MinimumBytes, (long)recordLength * BytesPerRecordByte));

    /// <summary>
    /// How many bytes the decode of a record of <paramref name="recordLength"/> bytes may allocate once
    /// <see cref="EnsureAsync"/> returned: the share less the record's own buffer.
    /// </summary>
    public long DecodeLimit(int recordLength) => Math.Max(0, Bytes - recordLength);

    /// <summary>
    /// Holds the share a record of <paramref name="recordLength"/> bytes needs, giving back any surplus. To grow, the
    /// whole share is given back before waiting, so a waiting reader holds nothing.
    /// </summary>
    public ValueTask EnsureAsync(int recordLength, CancellationToken cancellationToken = default)
    {
        var need = For(recordLength);
        if (need <= Bytes)
        {
            if (Bytes > need)
            {
                GiveBack(Bytes - need);
            }

            return ValueTask.CompletedTask;
        }

        Dispose();
        var reserved = _budget.ReserveAsync(need, cancellationToken);
        if (reserved.IsCompletedSuccessfully)
        {
            Bytes = need;
            return ValueTask.CompletedTask;
        }

        return Await(reserved, need);
    }

    /// <summary>Like <see cref="EnsureAsync"/>, blocking the calling thread while it waits.</summary>
    public void Ensure(int recordLength) => EnsureAsync(recordLength).AsTask().GetAwaiter().GetResult();

    /// <summary>Gives the whole share back.</summary>
    public void Dispose() => GiveBack(Bytes);

    private void GiveBack(long bytes)
    {
        if (bytes <= 0)
        {
            return;
        }

        if (bytes > CollectAbove)
        {
            GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true);
        }

        Bytes -= bytes;
        _budget.Release(bytes);
    }

    private async ValueTask Await(ValueTask reserved, long need)
    {
        await reserved.ConfigureAwait(false);
        Bytes = need;
    }
}
