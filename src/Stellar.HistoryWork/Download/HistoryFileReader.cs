using System.Runtime.CompilerServices;
using Stellar.HistoryWork.Verification;
using Stellar.Xdr;

namespace Stellar.HistoryWork.Download;

/// <summary>Reads the records of a local gzipped history file (one already verified) one at a time.</summary>
internal static class HistoryFileReader
{
    public static async IAsyncEnumerable<T> ReadRecordsAsync<T>(string path, [EnumeratorCancellation] CancellationToken cancellationToken = default)
        where T : IXdrType<T>
    {
        var limits = HistoryVerificationOptions.Default;
        var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.Asynchronous | FileOptions.SequentialScan);
        var records = XdrRecordReader.OpenGzip(
            file,
            new XdrRecordReaderOptions { MaxRecordLength = HistoryRecordLimits.For<T>(limits), DecodeBudget = limits.DecodeBudget },
            sourceName: path);
        await using (records.ConfigureAwait(false))
        {
            while (await records.ReadNextAsync(cancellationToken).ConfigureAwait(false))
            {
                yield return records.DecodeCurrent<T>();
            }
        }
    }
}
