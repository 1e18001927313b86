using Stellar.Xdr;

namespace Stellar.HistoryWork.Benchmarks.Xdr;

/// <summary>Real fixture files for the XDR benchmarks, loaded and decompressed once.</summary>
internal static class XdrBenchmarkData
{
    // The largest bucket and transactions files among the fixtures.
    public const string BucketFile = "archives/pubnet-2017-legacy-txsets/bucket/b2/3a/33/bucket-b23a334c109dc7d72e0aa8176aba582cd68ab82a0dedb787c2bf4455f07f3a5d.xdr.gz";
    public const string TransactionsFile = "archives/testnet-2025-small/transactions/00/00/0d/transactions-00000dff.xdr.gz";
    public const string LedgerFile = "archives/testnet-2025-small/ledger/00/00/0d/ledger-00000dff.xdr.gz";
    public const string ResultsFile = "archives/testnet-2025-small/results/00/00/0d/results-00000dff.xdr.gz";

    public static string Path(string relative)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = System.IO.Path.Combine(dir.FullName, "tests", "fixtures", relative);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new FileNotFoundException("fixture not found above " + AppContext.BaseDirectory, relative);
    }

    public static List<byte[]> Records(string relative)
    {
        var records = new List<byte[]>();
        using var reader = XdrRecordReader.OpenFile(Path(relative));
        while (reader.ReadNext())
        {
            records.Add(reader.CurrentSpan.ToArray());
        }

        return records;
    }
}
