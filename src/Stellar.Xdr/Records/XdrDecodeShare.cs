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

    // A share whose decodes allocated more than this collects their garbage before it is given back: real records
    // decode into far less, and without it the next large decode would stack its objects on this one's uncollected
    // graph (a hostile archive of records at the cap then grew the process by several budgets).
    private const long CollectAbove = 16L * 1024 * 1024;

    private readonly XdrDecodeBudget _budget;
    private long _largestDecode;

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

    /// <summary>
    /// Notes that a decode under this share allocated <paramref name="bytes"/> (<see cref="XdrReader.DecodedBytes"/>):
    /// a share whose decodes allocated many megabytes collects their garbage before it is given back.
    /// </summary>
    public void RecordDecoded(long bytes) => _largestDecode = Math.Max(_largestDecode, bytes);

    /// <summary>Gives the whole share back.</summary>
    public void Dispose() => GiveBack(Bytes);

    private void GiveBack(long bytes)
    {
        if (bytes <= 0)
        {
            return;
        }

        if (_largestDecode > CollectAbove)
        {
            _largestDecode = 0;
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
