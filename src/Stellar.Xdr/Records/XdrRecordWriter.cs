using System.Buffers;
using System.Buffers.Binary;

namespace Stellar.Xdr;

/// <summary>Writes records with the framing stellar-core writes: a 4-byte big-endian length with bit 31 set, then the body.</summary>
public sealed class XdrRecordWriter : IDisposable, IAsyncDisposable
{
    private const uint LastFragment = 0x8000_0000;

    private readonly Stream _stream;
    private readonly bool _leaveOpen;
    private readonly byte[] _header = new byte[4];
    private readonly ArrayBufferWriter<byte> _scratch = new();
    private bool _disposed;

    /// <summary>A writer of records to <paramref name="stream"/>, disposed with the writer unless <paramref name="leaveOpen"/>.</summary>
    public XdrRecordWriter(Stream stream, bool leaveOpen = false)
    {
        ArgumentNullException.ThrowIfNull(stream);
        _stream = stream;
        _leaveOpen = leaveOpen;
    }

    /// <summary>Bytes written, record marks included.</summary>
    public long BytesWritten { get; private set; }

    /// <summary>Records written.</summary>
    public long RecordCount { get; private set; }

    /// <summary>Writes the record mark for a body of <paramref name="length"/> bytes into <paramref name="destination"/>.</summary>
    public static void WriteRecordMark(Span<byte> destination, int length)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        BinaryPrimitives.WriteUInt32BigEndian(destination, (uint)length | LastFragment);
    }

    /// <summary>Writes <paramref name="body"/> as one record: its mark (last-fragment bit and length), then the bytes.</summary>
    public void WriteRecord(ReadOnlySpan<byte> body)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        WriteRecordMark(_header, body.Length);
        _stream.Write(_header);
        _stream.Write(body);
        Count(body.Length);
    }

    /// <summary>Writes <paramref name="body"/> as one record (see <see cref="WriteRecord"/>).</summary>
    public async ValueTask WriteRecordAsync(ReadOnlyMemory<byte> body, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        WriteRecordMark(_header, body.Length);
        await _stream.WriteAsync(_header, cancellationToken).ConfigureAwait(false);
        await _stream.WriteAsync(body, cancellationToken).ConfigureAwait(false);
        Count(body.Length);
    }

    /// <summary>Encodes <paramref name="value"/> and writes it as one record.</summary>
    public void Write<T>(T value)
        where T : IXdrType<T>
    {
        ArgumentNullException.ThrowIfNull(value);
        WriteRecord(Encode(value).Span);
    }

    /// <summary>Encodes <paramref name="value"/> and writes it as one record.</summary>
    public ValueTask WriteAsync<T>(T value, CancellationToken cancellationToken = default)
        where T : IXdrType<T>
    {
        ArgumentNullException.ThrowIfNull(value);
        return WriteRecordAsync(Encode(value), cancellationToken);
    }

    /// <summary>Flushes the underlying stream.</summary>
    public void Flush() => _stream.Flush();

    /// <summary>Flushes the underlying stream.</summary>
    public Task FlushAsync(CancellationToken cancellationToken = default) => _stream.FlushAsync(cancellationToken);

    /// <inheritdoc/>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
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
        if (!_leaveOpen)
        {
            await _stream.DisposeAsync().ConfigureAwait(false);
        }
    }

    private ReadOnlyMemory<byte> Encode<T>(T value)
        where T : IXdrType<T>
    {
        _scratch.ResetWrittenCount();
        value.Encode(new XdrWriter(_scratch));
        return _scratch.WrittenMemory;
    }

    private void Count(int bodyLength)
    {
        BytesWritten += 4 + bodyLength;
        RecordCount++;
    }
}
