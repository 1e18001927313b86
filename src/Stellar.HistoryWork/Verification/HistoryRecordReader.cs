using Stellar.Xdr;

namespace Stellar.HistoryWork.Verification;

/// <summary>
/// Decodes one record at a time from a decompressed history file and turns every framing, gzip or XDR
/// error into a <see cref="ProblemKind.Corrupt"/> problem naming the file and the rule.
/// </summary>
internal sealed class HistoryRecordReader<T> : IAsyncDisposable
    where T : class, IXdrType<T>
{
    private readonly XdrRecordReader _reader;
    private readonly string _path;

    // A record that does not decode has no ledger of its own; the file's checkpoint is the best the problem can name.
    private readonly uint? _checkpoint;

    public HistoryRecordReader(Stream decompressed, string path, HistoryVerificationOptions options)
    {
        _path = path;
        _checkpoint = ArchivePaths.TryParseCheckpointFile(path, out _, out var checkpoint) ? checkpoint : null;
        _reader = new XdrRecordReader(
            decompressed,
            new XdrRecordReaderOptions { MaxRecordLength = HistoryRecordLimits.For<T>(options), DecodeBudget = options.DecodeBudget },
            path,
            leaveOpen: true);
    }

    public long RecordCount => _reader.RecordCount;

    public long BytesRead => _reader.BytesRead;

    /// <summary>The next record, or null at a clean end of the stream.</summary>
    public async ValueTask<T?> ReadAsync(CancellationToken cancellationToken)
    {
        try
        {
            if (!await _reader.ReadNextAsync(cancellationToken).ConfigureAwait(false))
            {
                return null;
            }

            return _reader.DecodeCurrent<T>();
        }
        catch (XdrStreamException e) when (e.Rule == XdrRule.CorruptCompression)
        {
            throw HistoryVerificationException.Create(_path, _checkpoint, ProblemKind.Corrupt, $"{_path}: {e.Message} (rule: well-formed gzip)", e);
        }
        catch (XdrLimitExceededException e) when (e.Rule == XdrRule.DecodedSizeLimit)
        {
            throw HistoryVerificationException.Create(
                _path,
                _checkpoint,
                ProblemKind.Corrupt,
                $"{_path}: record {_reader.RecordCount} ({_reader.Current.Length} bytes) would decode into more memory than its share of the shared decode budget allows (rule: decode budget)",
                e);
        }
        catch (XdrException e)
        {
            throw HistoryVerificationException.Create(
                _path,
                _checkpoint,
                ProblemKind.Corrupt,
                $"{_path}: record {_reader.RecordCount + 1} is not a valid {typeof(T).Name} (rule: well-formed gzip and XDR): {e.Message}",
                e);
        }
        catch (InvalidDataException e)
        {
            throw HistoryVerificationException.Create(_path, _checkpoint, ProblemKind.Corrupt, $"{_path}: gzip data is damaged (rule: well-formed gzip): {e.Message}", e);
        }
    }

    public ValueTask DisposeAsync() => _reader.DisposeAsync();
}
