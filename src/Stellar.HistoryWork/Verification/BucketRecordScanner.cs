using System.Buffers;
using System.Buffers.Binary;
using System.Globalization;
using Stellar.Xdr;

namespace Stellar.HistoryWork.Verification;

/// <summary>
/// Checks that a bucket's decompressed bytes are bucket XDR while they stream past in arbitrary chunks: a
/// stream of record-marked <c>BucketEntry</c> values, or <c>HotArchiveBucketEntry</c> values when the first
/// record is a METAENTRY naming the hot-archive list (the reference node indexes every entry, so anything else
/// would fail there). A METAENTRY may only come first. Memory is one record at most (records are capped), taken from
/// the shared decode budget before the record is decoded, so a bucket of any size is checked in constant space and
/// concurrent buckets together stay within the budget. The first fault is kept, not thrown, and the rest of the
/// bytes are ignored: a file whose hash is not its name is reported as that, and <see cref="Complete"/> throws the
/// fault otherwise. Not thread-safe: one chunk at a time.
/// </summary>
internal sealed class BucketRecordScanner : IDisposable
{
    private const uint LengthMask = 0x7FFF_FFFF;
    private const int MetaEntryType = -1;
    private const string Rule = "(rule: a bucket is well-formed bucket XDR)";

    // Larger bodies are not pooled: the shared pool would keep them alive after the record (outside the budget).
    private const int LargestPooledBody = 1024 * 1024;

    private readonly string _path;
    private readonly int _maxRecordLength;
    private readonly XdrReaderOptions _readerOptions;
    private readonly XdrDecodeShare _share;
    private readonly byte[] _header = new byte[4];
    private int _headerFill;
    private byte[] _body = [];
    private int _bodyLength = -1;
    private int _bodyFill;
    private long _offset;
    private long _recordOffset;
    private HistoryVerificationException? _fault;

    public BucketRecordScanner(string path, int maxRecordLength, XdrDecodeBudget budget)
    {
        _path = path;
        _maxRecordLength = (int)Math.Min(maxRecordLength, budget.Capacity - 1);
        _readerOptions = new XdrReaderOptions { MaxInputLength = maxRecordLength };
        _share = new XdrDecodeShare(budget);
    }

    /// <summary>Entries read so far, the METAENTRY included.</summary>
    public long Entries { get; private set; }

    /// <summary>The METAENTRY's ledger version, when the bucket starts with one.</summary>
    public uint? MetaLedgerVersion { get; private set; }

    /// <summary>Whether the METAENTRY names the hot-archive list (entries are then <c>HotArchiveBucketEntry</c>).</summary>
    public bool IsHotArchive { get; private set; }

    /// <summary>
    /// Checks the next decompressed bytes of the bucket; a fault is kept for <see cref="Complete"/>. Waits while the
    /// decode budget has no room for a record.
    /// </summary>
    public async ValueTask ConsumeAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        if (_fault is not null)
        {
            return;
        }

        try
        {
            await ScanAsync(data, cancellationToken).ConfigureAwait(false);
        }
        catch (HistoryVerificationException e)
        {
            _fault = e;
        }
    }

    /// <summary>The end of the decompressed bytes: the first fault, or a record cut short, is corruption.</summary>
    /// <exception cref="HistoryVerificationException">Corrupt, naming the record and the rule.</exception>
    public void Complete()
    {
        if (_fault is not null)
        {
            throw _fault;
        }

        if (_headerFill > 0 || _bodyLength >= 0)
        {
            throw Corrupt(_bodyLength >= 0
                ? $"record {Entries + 1} (header at byte {_recordOffset}) has {_bodyFill} of its {_bodyLength} bytes at the end of the file"
                : $"the file ends inside a record header at byte {_offset}");
        }
    }

    private async ValueTask ScanAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        while (!data.IsEmpty)
        {
            if (_bodyLength < 0)
            {
                var take = Math.Min(4 - _headerFill, data.Length);
                data.Span[..take].CopyTo(_header.AsSpan(_headerFill));
                _headerFill += take;
                data = data[take..];
                if (_headerFill < 4)
                {
                    return;
                }

                BeginRecord();
                await _share.EnsureAsync(_bodyLength, cancellationToken).ConfigureAwait(false);
            }

            if (_bodyFill == 0 && data.Length >= _bodyLength)
            {
                // The whole body is in this chunk (the usual case): decode it where it lies.
                var length = _bodyLength;
                Decode(data.Span[..length]);
                data = data[length..];
                continue;
            }

            GrowBody();
            var need = Math.Min(_bodyLength - _bodyFill, data.Length);
            data.Span[..need].CopyTo(_body.AsSpan(_bodyFill));
            _bodyFill += need;
            data = data[need..];
            if (_bodyFill == _bodyLength)
            {
                Decode(_body.AsSpan(0, _bodyLength));
            }
        }
    }

    public void Dispose()
    {
        ReturnBody();
        _share.Dispose();
    }

    private void ReturnBody()
    {
        if (_body.Length is > 0 and <= LargestPooledBody)
        {
            ArrayPool<byte>.Shared.Return(_body);
        }

        _body = [];
    }

    private void GrowBody()
    {
        if (_body.Length < _bodyLength || (_body.Length > LargestPooledBody && _bodyLength <= LargestPooledBody))
        {
            ReturnBody();
            _body = _bodyLength > LargestPooledBody ? GC.AllocateUninitializedArray<byte>(_bodyLength) : ArrayPool<byte>.Shared.Rent(_bodyLength);
        }
    }

    private void BeginRecord()
    {
        var length = BinaryPrimitives.ReadUInt32BigEndian(_header) & LengthMask;
        _recordOffset = _offset;
        if (length > (uint)_maxRecordLength)
        {
            throw Corrupt($"record {Entries + 1} (header at byte {_offset}) claims {length} bytes, over the cap of {_maxRecordLength} for one bucket entry");
        }

        _bodyLength = (int)length;
        _bodyFill = 0;
    }

    private void Decode(ReadOnlySpan<byte> body)
    {
        var type = body.Length >= 4 ? BinaryPrimitives.ReadInt32BigEndian(body) : 0;
        var reader = new XdrReader(body, _readerOptions, _share.DecodeLimit(body.Length));
        try
        {
            if (type == MetaEntryType)
            {
                if (Entries > 0)
                {
                    throw Corrupt($"record {Entries + 1} (header at byte {_recordOffset}) is a METAENTRY, which may only be the first entry");
                }

                // The METAENTRY arm is the same in both unions; its ext says which list the bucket belongs to.
                var meta = BucketEntry.Decode(ref reader).MetaEntry!;
                MetaLedgerVersion = meta.LedgerVersion;
                IsHotArchive = meta.Ext.BucketListType == BucketListType.HOT_ARCHIVE;
            }
            else if (IsHotArchive)
            {
                HotArchiveBucketEntry.Decode(ref reader);
            }
            else
            {
                BucketEntry.Decode(ref reader);
            }

            reader.EnsureEnd();
        }
        catch (XdrLimitExceededException e) when (e.Rule == XdrRule.DecodedSizeLimit)
        {
            throw HistoryVerificationException.Create(_path, null, ProblemKind.Corrupt, string.Create(CultureInfo.InvariantCulture,
                $"{_path}: record {Entries + 1} (header at byte {_recordOffset}) ({body.Length} bytes) would decode into more memory than its share of the shared decode budget allows (rule: decode budget)"), e);
        }
        catch (XdrException e)
        {
            throw Corrupt($"record {Entries + 1} (header at byte {_recordOffset}) is not a valid {(IsHotArchive ? nameof(HotArchiveBucketEntry) : nameof(BucketEntry))}: {e.Message}", e);
        }
        finally
        {
            _share.RecordDecoded(reader.DecodedBytes);
        }

        Entries++;
        _offset = _recordOffset + 4 + body.Length;
        _headerFill = 0;
        _bodyLength = -1;
        _bodyFill = 0;
    }

    private HistoryVerificationException Corrupt(string detail, Exception? inner = null) =>
        HistoryVerificationException.Create(_path, null, ProblemKind.Corrupt, string.Create(CultureInfo.InvariantCulture, $"{_path}: {detail} {Rule}"), inner);
}
