using BenchmarkDotNet.Attributes;
using Stellar.Xdr;

namespace Stellar.HistoryWork.Benchmarks.Xdr;

/// <summary>Cost of the hash helpers over one real checkpoint (64 ledgers).</summary>
[MemoryDiagnoser]
public class StellarHashesBenchmarks
{
    private LedgerHeaderHistoryEntry[] _headers = [];
    private TransactionHistoryEntry[] _transactions = [];
    private TransactionHistoryResultEntry[] _results = [];

    [GlobalSetup]
    public void Setup()
    {
        _headers = [.. XdrBenchmarkData.Records(XdrBenchmarkData.LedgerFile).Select(r => LedgerHeaderHistoryEntry.FromXdr(r))];
        _transactions = [.. XdrBenchmarkData.Records(XdrBenchmarkData.TransactionsFile).Select(r => TransactionHistoryEntry.FromXdr(r))];
        _results = [.. XdrBenchmarkData.Records(XdrBenchmarkData.ResultsFile).Select(r => TransactionHistoryResultEntry.FromXdr(r))];
        Console.WriteLine($"// {_headers.Length} headers, {_transactions.Length} tx sets, {_results.Length} result sets");
    }

    [Benchmark]
    public int LedgerHeaderHashes()
    {
        var sum = 0;
        foreach (var entry in _headers)
        {
            sum += StellarHashes.LedgerHeaderHash(entry.Header)[0];
        }

        return sum;
    }

    [Benchmark]
    public int TransactionSetHashes()
    {
        var sum = 0;
        foreach (var entry in _transactions)
        {
            sum += StellarHashes.TransactionSetHash(entry)[0];
        }

        return sum;
    }

    [Benchmark]
    public int TransactionResultSetHashes()
    {
        var sum = 0;
        foreach (var entry in _results)
        {
            sum += StellarHashes.TransactionResultSetHash(entry.TxResultSet)[0];
        }

        return sum;
    }
}
