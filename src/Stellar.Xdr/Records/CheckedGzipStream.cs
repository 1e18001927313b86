using System.Buffers.Binary;
using System.IO.Compression;
using System.IO.Hashing;

namespace Stellar.Xdr;

/// <summary>
/// Decompresses gzip and, at the end, checks the trailer that <see cref="GZipStream"/> does not insist on:
/// a file cut short at a deflate block boundary otherwise reads as a clean, shorter stream.
/// </summary>
/// <remarks>
/// For a single-member file (what the <c>gzip</c> tool writes) the last 8 bytes must be the CRC-32 and size
/// of everything decompressed. A multi-member file's trailer covers only its last member, so there the
/// check is weaker: the trailer's size must fit in what was decompressed.
/// </remarks>
internal sealed class CheckedGzipStream : Stream
{
    private readonly TailStream _compressed;
    private readonly GZipStream _gzip;
    private readonly string? _sourceName;
    private readonly Crc32 _crc = new();
    private long _length;
    private bool _checked;

    public CheckedGzipStream(Stream compressed, string? sourceName, bool leaveOpen)
    {
        _compressed = new TailStream(compressed, leaveOpen);
        _gzip = new GZipStream(_compressed, CompressionMode.Decompress, leaveOpen: false);
        _sourceName = sourceName;
    }

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => _length;
        set => throw new NotSupportedException();
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        var read = _gzip.Read(buffer);
        return Account(buffer[..read], buffer.Length);
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var read = await _gzip.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
        return Account(buffer.Span[..read], buffer.Length);
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _gzip.Dispose();
        }

        base.Dispose(disposing);
    }

    private int Account(ReadOnlySpan<byte> data, int requested)
    {
        if (data.Length > 0)
        {
            _crc.Append(data);
            _length += data.Length;
        }
        else if (requested > 0 && !_checked)
        {
            _checked = true;
            CheckTrailer();
        }

        return data.Length;
    }

    private void CheckTrailer()
    {
        if (_compressed.Total == 0)
        {
            return;
        }

        var tail = _compressed.Tail;
        var crc = BinaryPrimitives.ReadUInt32LittleEndian(tail);
        var size = BinaryPrimitives.ReadUInt32LittleEndian(tail[4..]);
        var complete = _compressed.Total >= 18
            && ((crc == _crc.GetCurrentHashAsUInt32() && size == (uint)_length) || (_length > uint.MaxValue || size < _length));
        if (!complete)
        {
            throw new XdrStreamException(XdrRule.CorruptCompression, _length, _sourceName, "gzip data ends without a matching trailer (file cut short?)");
        }
    }

    /// <summary>Passes reads through and remembers the last 8 bytes.</summary>
    private sealed class TailStream(Stream inner, bool leaveOpen) : Stream
    {
        private readonly byte[] _tail = new byte[8];

        public long Total { get; private set; }

        public ReadOnlySpan<byte> Tail => _tail;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => Total;
            set => throw new NotSupportedException();
        }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            var read = inner.Read(buffer);
            Remember(buffer[..read]);
            return read;
        }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            var read = await inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
            Remember(buffer.Span[..read]);
            return read;
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing && !leaveOpen)
            {
                inner.Dispose();
            }

            base.Dispose(disposing);
        }

        private void Remember(ReadOnlySpan<byte> data)
        {
            if (data.Length >= 8)
            {
                data[^8..].CopyTo(_tail);
            }
            else if (data.Length > 0)
            {
                _tail.AsSpan(data.Length).CopyTo(_tail);
                data.CopyTo(_tail.AsSpan(8 - data.Length));
            }

            Total += data.Length;
        }
    }
}
