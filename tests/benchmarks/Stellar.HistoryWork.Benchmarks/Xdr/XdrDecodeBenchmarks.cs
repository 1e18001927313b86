using BenchmarkDotNet.Attributes;
using Stellar.Xdr;

namespace Stellar.HistoryWork.Benchmarks.Xdr;

/// <summary>Decode throughput over real records; MB/s = total record bytes (printed in setup) / mean time.</summary>
[MemoryDiagnoser]
public class XdrDecodeBenchmarks
{
    private List<byte[]> _bucket = [];
    private List<byte[]> _transactions = [];
    private string _bucketPath = string.Empty;

    [GlobalSetup]
    public void Setup()
    {
        _bucket = XdrBenchmarkData.Records(XdrBenchmarkData.BucketFile);
        _transactions = XdrBenchmarkData.Records(XdrBenchmarkData.TransactionsFile);
        _bucketPath = XdrBenchmarkData.Path(XdrBenchmarkData.BucketFile);
        Console.WriteLine($"// bucket: {_bucket.Count} records, {_bucket.Sum(r => r.Length)} bytes; transactions: {_transactions.Count} records, {_transactions.Sum(r => r.Length)} bytes");
    }

    [Benchmark]
    public int DecodeBucketRecords()
    {
        var count = 0;
        foreach (var record in _bucket)
        {
            count += BucketEntry.FromXdr(record).Discriminant == BucketEntryType.LIVEENTRY ? 1 : 0;
        }

        return count;
    }

    [Benchmark]
    public int DecodeTransactionRecords()
    {
        var count = 0;
        foreach (var record in _transactions)
        {
            count += TransactionHistoryEntry.FromXdr(record).TxSet.Txs.Length;
        }

        return count;
    }

    [Benchmark]
    public long ReadAndDecodeBucketGzipFile()
    {
        using var reader = XdrRecordReader.OpenFile(_bucketPath);
        while (reader.ReadNext())
        {
            _ = reader.DecodeCurrent<BucketEntry>();
        }

        return reader.BytesRead;
    }
}
