using static Stellar.Xdr.Tests.Records.XdrDecodeBudgetTests;

namespace Stellar.Xdr.Tests.Records;

[CollectionDefinition(nameof(CollectionsObserved), DisableParallelization = true)]
public sealed class CollectionsObserved
{
}

/// <summary>
/// When a decode share forces a full garbage collection: only after a decode that actually allocated many megabytes,
/// never merely because a record was long (a forced collection for every real record over 256 KiB slowed a pubnet
/// verify). Alone in their collection so that no other test's collections are counted.
/// </summary>
[Collection(nameof(CollectionsObserved))]
public class XdrDecodeShareCollectionTests
{
    [Fact]
    public void Dispose_LongRecordThatDecodedIntoLittle_ForcesNoCollection()
    {
        // 40,000 components (469 KiB, the size of a large real transaction set): a share of 15 MiB, decoding into a few
        // MiB of objects.
        using var reader = ReaderOf(MinimalComponents(40_000));
        reader.DecodeCurrent<TransactionHistoryEntry>().Ext.GeneralizedTxSet!.V1TxSet!.Phases[0].V0Components!.Length.Should().Be(40_000);
        var before = LastFullBlockingCollection();

        reader.Dispose();

        LastFullBlockingCollection().Should().Be(before);
    }

    [Fact]
    public void Dispose_DecodeThatAllocatedOverSixteenMiB_CollectsItsGarbageFirst()
    {
        // 400,000 components (4.6 MiB) decode into some 30 MiB of objects, within the whole 64 MiB budget's share.
        using var reader = ReaderOf(MinimalComponents(400_000));
        reader.DecodeCurrent<TransactionHistoryEntry>().Should().NotBeNull();
        var before = LastFullBlockingCollection();

        reader.Dispose();

        LastFullBlockingCollection().Should().BeGreaterThan(before);
    }

    private static XdrRecordReader ReaderOf(byte[] body)
    {
        var options = new XdrRecordReaderOptions { DecodeBudget = new XdrDecodeBudget(64 << 20) };
        var reader = new XdrRecordReader(new MemoryStream([.. Mark(body.Length), .. body]), options);
        reader.ReadNext().Should().BeTrue();
        return reader;
    }

    private static long LastFullBlockingCollection() => GC.GetGCMemoryInfo(GCKind.FullBlocking).Index;
}
