using System.Buffers;
using System.Buffers.Binary;
using System.Globalization;
using Stellar.Xdr;

namespace Stellar.HistoryWork.Verification;

/// <summary>
/// Checks that a bucket's decompressed bytes are bucket XDR while they stream past in arbitrary chunks: a
/// stream of record-marked <c>BucketEntry</c> values, or <c>HotArchiveBucketEntry</c> values when the first
/// record is a METAENTRY naming the hot-archive list (the reference node indexes every entry, so anything else
/// would fail there). A METAENTRY may only come first. Memory is one record at most (records are capped), so a
/// bucket of any size is checked in constant space. The first fault is kept, not thrown, and the rest of the
/// bytes are ignored: a file whose hash is not its name is reported as that, and <see cref="Complete"/> throws the
/// fault otherwise. Not thread-safe: one chunk at a time.
/// </summary>
internal sealed class BucketRecordScanner : IDisposable
{
    private const uint LengthMask = 0x7FFF_FFFF;
    private const int MetaEntryType = -1;
    private const string Rule = "(rule: a bucket is well-formed bucket XDR)";

    private readonly string _path;
    private readonly int _maxRecordLength;
    private readonly XdrReaderOptions _readerOptions;
    private readonly byte[] _header = new byte[4];
    private int _headerFill;
    private byte[] _body = [];
    private int _bodyLength = -1;
    private int _bodyFill;
    private long _offset;
    private long _recordOffset;
    private HistoryVerificationException? _fault;

    public BucketRecordScanner(string path, int maxRecordLength)
    {
        _path = path;
        _maxRecordLength = maxRecordLength;
        _readerOptions = new XdrReaderOptions { MaxInputLength = maxRecordLength };
    }

    /// <summary>Entries read so far, the METAENTRY included.</summary>
    public long Entries { get; private set; }

    /// <summary>The METAENTRY's ledger version, when the bucket starts with one.</summary>
    public uint? MetaLedgerVersion { get; private set; }

    /// <summary>Whether the METAENTRY names the hot-archive list (entries are then <c>HotArchiveBucketEntry</c>).</summary>
    public bool IsHotArchive { get; private set; }

    /// <summary>Checks the next decompressed bytes of the bucket; a fault is kept for <see cref="Complete"/>.</summary>
    public void Consume(ReadOnlySpan<byte> data)
    {
        if (_fault is not null)
        {
            return;
        }

        try
        {
            Scan(data);
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

    private void Scan(ReadOnlySpan<byte> data)
    {
        while (!data.IsEmpty)
        {
            if (_bodyLength < 0)
            {
                var take = Math.Min(4 - _headerFill, data.Length);
                data[..take].CopyTo(_header.AsSpan(_headerFill));
                _headerFill += take;
                data = data[take..];
                if (_headerFill < 4)
                {
                    return;
                }

                BeginRecord();
            }

            if (_bodyFill == 0 && data.Length >= _bodyLength)
            {
                // The whole body is in this chunk (the usual case): decode it where it lies.
                var length = _bodyLength;
                Decode(data[..length]);
                data = data[length..];
                continue;
            }

            var need = Math.Min(_bodyLength - _bodyFill, data.Length);
            data[..need].CopyTo(_body.AsSpan(_bodyFill));
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
        if (_body.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(_body);
            _body = [];
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
        if (_body.Length < _bodyLength)
        {
            Dispose();
            _body = ArrayPool<byte>.Shared.Rent(_bodyLength);
        }
    }

    private void Decode(ReadOnlySpan<byte> body)
    {
        try
        {
            var type = body.Length >= 4 ? BinaryPrimitives.ReadInt32BigEndian(body) : 0;
            var reader = new XdrReader(body, _readerOptions);
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
        catch (XdrException e)
        {
            throw Corrupt($"record {Entries + 1} (header at byte {_recordOffset}) is not a valid {(IsHotArchive ? nameof(HotArchiveBucketEntry) : nameof(BucketEntry))}: {e.Message}", e);
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
