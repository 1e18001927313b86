using System.Buffers.Binary;
using System.IO.Compression;
using System.IO.Hashing;

namespace Stellar.Xdr;

/// <summary>
/// Decompresses gzip and insists that the data really ended: <see cref="GZipStream"/> checks the CRC-32 of
/// every member it finishes, but a file cut short (anywhere, even at a deflate block boundary) reads as
/// a clean, shorter stream. At the end this stream checks that the last 8 bytes are the trailer of the
/// last member: for a single-member file (what the <c>gzip</c> tool writes) the CRC-32 and size of
/// everything decompressed; for a multi-member file the CRC-32 and size of the data since a member
/// boundary. A 0-byte input is not gzip either. Every failure is an <see cref="XdrStreamException"/>
/// with <see cref="XdrRule.CorruptCompression"/> naming the source.
/// </summary>
public sealed class CheckedGzipStream : Stream
{
    private const int TrailerLength = 8;
    private const int MinimumMemberLength = 18;

    private readonly TailStream _compressed;
    private readonly GZipStream _gzip;
    private readonly string? _sourceName;
    private readonly Crc32 _crc = new();

    // GZipStream ends a read where a member ends, so every member boundary is a read boundary: the
    // CRC-32 at each boundary lets the last member's trailer be checked exactly.
    private readonly List<(long Offset, uint Crc)> _boundaries = [(0, 0)];
    private bool _checked;

    /// <summary>Wraps <paramref name="compressed"/>; <paramref name="sourceName"/> names it in errors.</summary>
    public CheckedGzipStream(Stream compressed, string? sourceName = null, bool leaveOpen = false)
    {
        ArgumentNullException.ThrowIfNull(compressed);
        _compressed = new TailStream(compressed, leaveOpen);
        _gzip = new GZipStream(_compressed, CompressionMode.Decompress, leaveOpen: false);
        _sourceName = sourceName;
    }

    /// <summary>Compressed bytes consumed so far.</summary>
    public long CompressedBytes => _compressed.Total;

    /// <summary>Decompressed bytes produced so far.</summary>
    public long DecompressedBytes { get; private set; }

    /// <inheritdoc />
    public override bool CanRead => true;

    /// <inheritdoc />
    public override bool CanSeek => false;

    /// <inheritdoc />
    public override bool CanWrite => false;

    /// <inheritdoc />
    public override long Length => throw new NotSupportedException();

    /// <inheritdoc />
    public override long Position
    {
        get => DecompressedBytes;
        set => throw new NotSupportedException();
    }

    /// <inheritdoc />
    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    /// <inheritdoc />
    public override int Read(Span<byte> buffer)
    {
        int read;
        try
        {
            read = _gzip.Read(buffer);
        }
        catch (InvalidDataException e)
        {
            throw Damaged(e);
        }

        return Account(buffer[..read], buffer.Length);
    }

    /// <inheritdoc />
    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        int read;
        try
        {
            read = await _gzip.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
        }
        catch (InvalidDataException e)
        {
            throw Damaged(e);
        }

        return Account(buffer.Span[..read], buffer.Length);
    }

    /// <inheritdoc />
    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    /// <inheritdoc />
    public override void Flush()
    {
    }

    /// <inheritdoc />
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    /// <inheritdoc />
    public override void SetLength(long value) => throw new NotSupportedException();

    /// <inheritdoc />
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _gzip.Dispose();
        }

        base.Dispose(disposing);
    }

    /// <inheritdoc />
    public override async ValueTask DisposeAsync()
    {
        await _gzip.DisposeAsync().ConfigureAwait(false);
        await base.DisposeAsync().ConfigureAwait(false);
    }

    private int Account(ReadOnlySpan<byte> data, int requested)
    {
        if (data.Length > 0)
        {
            _crc.Append(data);
            DecompressedBytes += data.Length;
            _boundaries.Add((DecompressedBytes, _crc.GetCurrentHashAsUInt32()));
        }
        else if (requested > 0 && !_checked)
        {
            _checked = true;
            CheckEnd();
        }

        return data.Length;
    }

    private void CheckEnd()
    {
        if (_compressed.Total == 0)
        {
            throw new XdrStreamException(XdrRule.CorruptCompression, 0, _sourceName, "a 0-byte file is not gzip (an empty history file is a gzip of nothing)");
        }

        var tail = _compressed.Tail;
        var crc = BinaryPrimitives.ReadUInt32LittleEndian(tail);
        var size = BinaryPrimitives.ReadUInt32LittleEndian(tail[4..]);
        var whole = _crc.GetCurrentHashAsUInt32();
        if (_compressed.Total >= MinimumMemberLength && (IsSingleMember(crc, size, whole) || IsLastMemberTrailer(crc, size, whole)))
        {
            return;
        }

        throw new XdrStreamException(
            XdrRule.CorruptCompression,
            DecompressedBytes,
            _sourceName,
            $"gzip data ends without the trailer of its last member after {DecompressedBytes} decompressed bytes (file cut short?)");
    }

    private bool IsSingleMember(uint crc, uint size, uint whole) => crc == whole && size == unchecked((uint)DecompressedBytes);

    private bool IsLastMemberTrailer(uint crc, uint size, uint whole)
    {
        // The last member starts at a read boundary whose distance to the end matches the trailer's
        // size (modulo 2^32, as gzip stores it); its CRC follows from the whole CRC and the CRC there.
        for (var i = _boundaries.Count - 2; i >= 0; i--)
        {
            var (offset, crcBefore) = _boundaries[i];
            var length = DecompressedBytes - offset;
            if (unchecked((uint)length) == size && Crc32Math.Suffix(whole, crcBefore, length) == crc)
            {
                return true;
            }
        }

        return false;
    }

    private XdrStreamException Damaged(InvalidDataException e) =>
        new(XdrRule.CorruptCompression, DecompressedBytes, _sourceName, "gzip data is damaged: " + e.Message, e);

    /// <summary>Passes reads through and remembers the last 8 bytes.</summary>
    private sealed class TailStream(Stream inner, bool leaveOpen) : Stream
    {
        private readonly byte[] _tail = new byte[TrailerLength];

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

        public override async ValueTask DisposeAsync()
        {
            if (!leaveOpen)
            {
                await inner.DisposeAsync().ConfigureAwait(false);
            }

            await base.DisposeAsync().ConfigureAwait(false);
        }

        private void Remember(ReadOnlySpan<byte> data)
        {
            if (data.Length >= TrailerLength)
            {
                data[^TrailerLength..].CopyTo(_tail);
            }
            else if (data.Length > 0)
            {
                _tail.AsSpan(data.Length).CopyTo(_tail);
                data.CopyTo(_tail.AsSpan(TrailerLength - data.Length));
            }

            Total += data.Length;
        }
    }
}
