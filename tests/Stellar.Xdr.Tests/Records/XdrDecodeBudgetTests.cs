using System.Buffers.Binary;

namespace Stellar.Xdr.Tests.Records;

/// <summary>Issue 10 row 12: decodes share one budget, and a few bytes cannot decode into an unbounded object graph.</summary>
public class XdrDecodeBudgetTests
{
    [Fact]
    public async Task ReserveAsync_MoreThanIsFree_WaitsUntilReleasedInArrivalOrder()
    {
        var budget = new XdrDecodeBudget(100);
        await budget.ReserveAsync(80);

        var big = budget.ReserveAsync(50).AsTask();
        var small = budget.ReserveAsync(10).AsTask();
        big.IsCompleted.Should().BeFalse();
        small.IsCompleted.Should().BeFalse("it fits, but a later small one never overtakes an earlier large one");

        budget.Release(80);
        await big.WaitAsync(TimeSpan.FromMinutes(1));
        await small.WaitAsync(TimeSpan.FromMinutes(1));
        budget.Available.Should().Be(40);
    }

    [Fact]
    public async Task ReserveAsync_CancelledWhileWaiting_TakesNothingAndLetsLaterOnesGo()
    {
        var budget = new XdrDecodeBudget(100);
        await budget.ReserveAsync(60);
        using var cancel = new CancellationTokenSource();
        var cancelled = budget.ReserveAsync(90, cancel.Token).AsTask();
        var later = budget.ReserveAsync(30).AsTask();

        await cancel.CancelAsync();

        await cancelled.Invoking(t => t.WaitAsync(TimeSpan.FromMinutes(1))).Should().ThrowAsync<OperationCanceledException>();
        await later.WaitAsync(TimeSpan.FromMinutes(1));
        budget.Available.Should().Be(10);
    }

    [Fact]
    public void ReserveAsync_MoreThanTheCapacity_IsRefused()
    {
        var budget = new XdrDecodeBudget(100);
        budget.Invoking(b => b.ReserveAsync(101)).Should().Throw<ArgumentOutOfRangeException>();
    }

    [Fact]
    public async Task ReadNextAsync_TwoReadersOfOneBudget_TheSecondWaitsForTheFirstsShare()
    {
        var budget = new XdrDecodeBudget(1 << 20);
        var options = new XdrRecordReaderOptions { DecodeBudget = budget };
        byte[] record = [.. Mark(256 * 1024), .. new byte[256 * 1024]]; // needs 32 x 256 KiB: the whole budget
        await using var first = new XdrRecordReader(new MemoryStream(record), options);
        await using var second = new XdrRecordReader(new MemoryStream(record), options);

        (await first.ReadNextAsync()).Should().BeTrue();
        budget.Available.Should().Be(0);
        var waiting = second.ReadNextAsync().AsTask();
        waiting.IsCompleted.Should().BeFalse();

        await first.DisposeAsync();
        (await waiting.WaitAsync(TimeSpan.FromMinutes(1))).Should().BeTrue();
    }

    [Fact]
    public void ReadNext_RecordAsLongAsTheBudget_ThrowsRecordTooLarge()
    {
        var options = new XdrRecordReaderOptions { DecodeBudget = new XdrDecodeBudget(1024) };
        using var reader = new XdrRecordReader(new MemoryStream([.. Mark(1024), .. new byte[1024]]), options);

        reader.Invoking(r => r.ReadNext()).Should().Throw<XdrStreamException>().Which.Rule.Should().Be(XdrRule.RecordTooLarge);
    }

    [Fact]
    public void DecodeCurrent_MinimalComponentsBeyondTheShare_ThrowsDecodedSizeLimitHavingAllocatedAboutTheShare()
    {
        // 200,000 components of 12 bytes (2.4 MB) decode into ~16 MB; the record's share is 32 x its length, capped
        // by the 4 MiB budget.
        var body = MinimalComponents(200_000);
        var options = new XdrRecordReaderOptions { DecodeBudget = new XdrDecodeBudget(4 << 20) };
        using var reader = new XdrRecordReader(new MemoryStream([.. Mark(body.Length), .. body]), options);
        reader.ReadNext().Should().BeTrue();

        var before = GC.GetAllocatedBytesForCurrentThread();
        reader.Invoking(r => r.DecodeCurrent<TransactionHistoryEntry>()).Should().Throw<XdrLimitExceededException>()
            .Which.Rule.Should().Be(XdrRule.DecodedSizeLimit);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        allocated.Should().BeLessThan((4 << 20) - body.Length + (256 * 1024), "the decode stops at its share (less the record's buffer), give or take a few objects and the exception");
    }

    [Fact]
    public void DecodeCurrent_RealRecordsWithABudget_DecodeAsWithout()
    {
        var options = new XdrRecordReaderOptions { DecodeBudget = new XdrDecodeBudget(16 << 20) };
        var count = 0;
        foreach (var file in ArchiveFiles.Files(Stellar.TestSupport.Fixtures.TestnetSmall, "transactions").Take(20))
        {
            using var reader = XdrRecordReader.OpenFile(file, options);
            while (reader.ReadNext())
            {
                reader.DecodeCurrent<TransactionHistoryEntry>().Should().NotBeNull();
                count++;
            }
        }

        count.Should().BePositive();
    }

    [Fact]
    public void Decode_MaxDecodedBytes_BoundsTheObjectGraphOfAnyDecode()
    {
        var body = MinimalComponents(100_000);
        var limited = new XdrReaderOptions { MaxDecodedBytes = 1 << 20 };

        var act = () => TransactionHistoryEntry.FromXdr(body, limited);

        act.Should().Throw<XdrLimitExceededException>().Which.Rule.Should().Be(XdrRule.DecodedSizeLimit);
        TransactionHistoryEntry.FromXdr(body).Ext.GeneralizedTxSet!.V1TxSet!.Phases[0].V0Components!.Length.Should().Be(100_000);
    }

    internal static byte[] Mark(int length)
    {
        var mark = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(mark, 0x8000_0000u | (uint)length);
        return mark;
    }

    // A TransactionHistoryEntry: an empty legacy set, then a generalized set of one phase of `count` components, each
    // TXSET_COMP_TXS_MAYBE_DISCOUNTED_FEE without a fee or transactions.
    internal static byte[] MinimalComponents(int count)
    {
        var record = new byte[92 + (count * 12)];
        BinaryPrimitives.WriteUInt32BigEndian(record.AsSpan(40), 1);
        BinaryPrimitives.WriteUInt32BigEndian(record.AsSpan(44), 1);
        BinaryPrimitives.WriteUInt32BigEndian(record.AsSpan(80), 1);
        BinaryPrimitives.WriteUInt32BigEndian(record.AsSpan(88), (uint)count);
        return record;
    }
}
