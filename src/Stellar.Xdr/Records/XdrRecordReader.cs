using System.Buffers;
using System.Buffers.Binary;

namespace Stellar.Xdr;

/// <summary>
/// Reads an RFC 5531 record-marked stream (the framing of every history <c>.xdr</c> file) one record at
/// a time into a pooled buffer. A clean end is zero bytes where a header would start; a partial header
/// or body is an <see cref="XdrStreamException"/> naming the offset.
/// </summary>
public sealed class XdrRecordReader : IDisposable, IAsyncDisposable
{
    private const uint LengthMask = 0x7FFF_FFFF;
    private const int InitialBufferSize = 4096;

    // Larger buffers are not pooled: the shared pool would keep them alive after the record (outside any budget).
    private const int LargestPooledBuffer = 1024 * 1024;

    private readonly Stream _stream;
    private readonly bool _leaveOpen;
    private readonly XdrRecordReaderOptions _options;
    private readonly byte[] _header = new byte[4];
    private readonly XdrDecodeShare? _share;
    private byte[] _buffer;
    private int _length;
    private bool _disposed;

    /// <summary>A reader of the record-marked <paramref name="stream"/>; <paramref name="sourceName"/> names it in errors, and the stream is disposed with the reader unless <paramref name="leaveOpen"/>.</summary>
    public XdrRecordReader(Stream stream, XdrRecordReaderOptions? options = null, string? sourceName = null, bool leaveOpen = false)
    {
        ArgumentNullException.ThrowIfNull(stream);
        _stream = stream;
        _options = options ?? XdrRecordReaderOptions.Default;
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(_options.MaxRecordLength, nameof(options));
        SourceName = sourceName;
        _leaveOpen = leaveOpen;
        _share = _options.DecodeBudget is { } budget ? new XdrDecodeShare(budget) : null;
        _buffer = ArrayPool<byte>.Shared.Rent(InitialBufferSize);
    }

    /// <summary>The name used in error messages (usually the file path).</summary>
    public string? SourceName { get; }

    /// <summary>The body of the record last read; valid until the next read or disposal.</summary>
    public ReadOnlyMemory<byte> Current => _buffer.AsMemory(0, _length);

    /// <summary>The body of the record last read as a span; valid until the next read or disposal.</summary>
    public ReadOnlySpan<byte> CurrentSpan => _buffer.AsSpan(0, _length);

    /// <summary>Offset in the (decompressed) stream of the current record's header.</summary>
    public long CurrentOffset { get; private set; } = -1;

    /// <summary>Bytes consumed from the (decompressed) stream, record marks included.</summary>
    public long BytesRead { get; private set; }

    /// <summary>Records read so far.</summary>
    public long RecordCount { get; private set; }

    /// <summary>Opens a record-marked file; a name ending in <c>.gz</c> is decompressed (multi-member gzip accepted).</summary>
    public static XdrRecordReader OpenFile(string path, XdrRecordReaderOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan | FileOptions.Asynchronous);
        Stream stream = path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase)
            ? Buffered(new CheckedGzipStream(file, path, leaveOpen: false))
            : file;
        return new XdrRecordReader(stream, options, path, leaveOpen: false);
    }

    /// <summary>Reads a gzip-compressed record-marked stream; a missing or wrong gzip trailer is an <see cref="XdrStreamException"/>.</summary>
    public static XdrRecordReader OpenGzip(Stream compressed, XdrRecordReaderOptions? options = null, string? sourceName = null, bool leaveOpen = false)
    {
        ArgumentNullException.ThrowIfNull(compressed);
        return new XdrRecordReader(Buffered(new CheckedGzipStream(compressed, sourceName, leaveOpen)), options, sourceName, leaveOpen: false);
    }

    /// <summary>Reads the next record; false at a clean end of stream.</summary>
    public bool ReadNext()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var headerOffset = BytesRead;
        var got = Fill(_header);
        if (!BeginRecord(headerOffset, got, out var length))
        {
            return false;
        }

        _share?.Ensure(length);
        GrowBuffer(length);
        var body = _buffer.AsSpan(0, length);
        got = Fill(body);
        EndRecord(headerOffset, got, length);
        return true;
    }

    /// <summary>Reads the next record; false at a clean end of stream.</summary>
    public async ValueTask<bool> ReadNextAsync(CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var headerOffset = BytesRead;
        var got = await FillAsync(_header, cancellationToken).ConfigureAwait(false);
        if (!BeginRecord(headerOffset, got, out var length))
        {
            return false;
        }

        if (_share is not null)
        {
            await _share.EnsureAsync(length, cancellationToken).ConfigureAwait(false);
        }

        GrowBuffer(length);
        got = await FillAsync(_buffer.AsMemory(0, length), cancellationToken).ConfigureAwait(false);
        EndRecord(headerOffset, got, length);
        return true;
    }

    /// <summary>Decodes the current record as one whole <typeparamref name="T"/>; errors carry the stream offset.</summary>
    public T DecodeCurrent<T>()
        where T : IXdrType<T>
    {
        try
        {
            var reader = new XdrReader(CurrentSpan, _options.ReaderOptions, _share?.DecodeLimit(_length) ?? long.MaxValue);
            try
            {
                var value = T.Decode(ref reader);
                reader.EnsureEnd();
                return value;
            }
            finally
            {
                _share?.RecordDecoded(reader.DecodedBytes);
            }
        }
        catch (XdrLimitExceededException e)
        {
            throw new XdrLimitExceededException(e.Rule, CurrentOffset + 4 + e.Offset, Describe(e));
        }
        catch (XdrFormatException e)
        {
            throw new XdrFormatException(e.Rule, CurrentOffset + 4 + e.Offset, Describe(e));
        }
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        ReturnBuffer();
        _share?.Dispose();
        if (!_leaveOpen)
        {
            _stream.Dispose();
        }
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        ReturnBuffer();
        _share?.Dispose();
        if (!_leaveOpen)
        {
            await _stream.DisposeAsync().ConfigureAwait(false);
        }
    }

    // Records are read as a 4-byte mark then a small body; asking the inflater for such small pieces costs more than inflating.
    private static BufferedStream Buffered(Stream stream) => new(stream, 1 << 16);

    private string Describe(XdrFormatException e) =>
        FormattableString.Invariant($"{SourceName ?? "XDR stream"}: {typeof(XdrRecordReader).Name} record {RecordCount} (header at byte {CurrentOffset}): {e.Message}");

    private bool BeginRecord(long headerOffset, int got, out int length)
    {
        length = 0;
        if (got == 0)
        {
            _length = 0;
            return false;
        }

        if (got < 4)
        {
            throw new XdrStreamException(XdrRule.TruncatedRecordHeader, headerOffset, SourceName, FormattableString.Invariant($"only {got} of 4 header bytes"));
        }

        var raw = BinaryPrimitives.ReadUInt32BigEndian(_header) & LengthMask;
        if (raw > (uint)_options.MaxRecordLength)
        {
            throw new XdrStreamException(XdrRule.RecordTooLarge, headerOffset, SourceName, FormattableString.Invariant($"record of {raw} bytes is over the cap of {_options.MaxRecordLength}"));
        }

        if (_options.DecodeBudget is { } budget && raw >= budget.Capacity)
        {
            throw new XdrStreamException(XdrRule.RecordTooLarge, headerOffset, SourceName, FormattableString.Invariant($"record of {raw} bytes does not fit the decode budget of {budget.Capacity}"));
        }

        length = (int)raw;
        return true;
    }

    // Grows only to what the header asks for, so a hostile header costs at most MaxRecordLength; a large buffer is
    // dropped at the next record rather than kept for the rest of the stream.
    private void GrowBuffer(int length)
    {
        if (_buffer.Length < length || (_buffer.Length > LargestPooledBuffer && length <= LargestPooledBuffer))
        {
            ReturnBuffer();
            _buffer = length > LargestPooledBuffer
                ? GC.AllocateUninitializedArray<byte>(length)
                : ArrayPool<byte>.Shared.Rent(Math.Max(length, InitialBufferSize));
        }
    }

    private void EndRecord(long headerOffset, int got, int length)
    {
        if (got < length)
        {
            throw new XdrStreamException(XdrRule.TruncatedRecordBody, headerOffset, SourceName, FormattableString.Invariant($"record body has {got} of {length} bytes"));
        }

        _length = length;
        CurrentOffset = headerOffset;
        RecordCount++;
    }

    // Reads until the destination is full or the stream ends; fewer bytes mean the stream ended.
    private int Fill(Span<byte> destination)
    {
        int total;
        try
        {
            total = _stream.ReadAtLeast(destination, destination.Length, throwOnEndOfStream: false);
        }
        catch (InvalidDataException e)
        {
            throw Corrupt(e);
        }

        BytesRead += total;
        return total;
    }

    private async ValueTask<int> FillAsync(Memory<byte> destination, CancellationToken cancellationToken)
    {
        int total;
        try
        {
            total = await _stream.ReadAtLeastAsync(destination, destination.Length, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
        }
        catch (InvalidDataException e)
        {
            throw Corrupt(e);
        }

        BytesRead += total;
        return total;
    }

    // The offset is where the read that met the damage began (the record mark or body being read).
    private XdrStreamException Corrupt(InvalidDataException e) =>
        new(XdrRule.CorruptCompression, BytesRead, SourceName, "compressed data is damaged: " + e.Message, e);

    private void ReturnBuffer()
    {
        var buffer = _buffer;
        _buffer = [];
        _length = 0;
        if (buffer.Length is > 0 and <= LargestPooledBuffer)
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
