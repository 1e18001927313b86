using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;

namespace Stellar.Xdr;

/// <summary>
/// Strict RFC 4506 decoder over a span: zero padding, bool and optional flags only 0/1, declared bounds
/// and the remaining input checked before anything is allocated, and a nesting-depth limit.
/// </summary>
public ref struct XdrReader
{
    // What the decode allocated is measured (an FCall) only after about this many bytes were asked for since the last
    // measurement, objects counted at a rough 64 bytes each; larger single allocations are measured first. The limit
    // is thus overshot by at most this much.
    private const int UnmeasuredBytes = 64 * 1024;
    private const int AllocationMeasuredAlone = 4 * 1024;
    private const int RoughObjectSize = 64;

    private readonly ReadOnlySpan<byte> _buffer;
    private readonly int _maxDepth;
    private readonly long _maxDecodedBytes;
    private readonly long _allocatedAtStart;
    private int _position;
    private int _depth;
    private int _unmeasured;

    /// <summary>A reader over <paramref name="buffer"/> with the default limits (<see cref="XdrReaderOptions.Default"/>).</summary>
    public XdrReader(ReadOnlySpan<byte> buffer)
        : this(buffer, XdrReaderOptions.Default)
    {
    }

    /// <summary>A reader over <paramref name="buffer"/> with the limits of <paramref name="options"/>.</summary>
    public XdrReader(ReadOnlySpan<byte> buffer, XdrReaderOptions options)
        : this(buffer, options, long.MaxValue)
    {
    }

    /// <summary>
    /// A reader whose decode may allocate at most the smaller of <paramref name="maxDecodedBytes"/> and
    /// <see cref="XdrReaderOptions.MaxDecodedBytes"/> (a share of an <see cref="XdrDecodeBudget"/>, say).
    /// </summary>
    public XdrReader(ReadOnlySpan<byte> buffer, XdrReaderOptions options, long maxDecodedBytes)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (buffer.Length > options.MaxInputLength)
        {
            throw new XdrLimitExceededException(
                XdrRule.InputLengthLimit,
                0,
                FormattableString.Invariant($"input of {buffer.Length} bytes is over the limit of {options.MaxInputLength}"));
        }

        _buffer = buffer;
        _maxDepth = options.MaxDepth;
        _maxDecodedBytes = Math.Min(options.MaxDecodedBytes, maxDecodedBytes);
        _allocatedAtStart = _maxDecodedBytes == long.MaxValue ? 0 : GC.GetAllocatedBytesForCurrentThread();
        _position = 0;
        _depth = 0;
        _unmeasured = 0;
    }

    /// <summary>Bytes consumed so far.</summary>
    public readonly int Position => _position;

    /// <summary>Bytes not yet consumed.</summary>
    public readonly int Remaining => _buffer.Length - _position;

    /// <summary>Current nesting depth of structs and unions being decoded.</summary>
    public readonly int Depth => _depth;

    /// <summary>
    /// Bytes of managed memory this reader's decode has allocated on the calling thread so far (a decode runs on one
    /// thread); 0 when no limit applies, since it is then not measured.
    /// </summary>
    public readonly long DecodedBytes => _maxDecodedBytes == long.MaxValue ? 0 : GC.GetAllocatedBytesForCurrentThread() - _allocatedAtStart;

    /// <summary>Reads a big-endian 32-bit signed integer (XDR <c>int</c>).</summary>
    public int ReadInt32() => BinaryPrimitives.ReadInt32BigEndian(Take(4));

    /// <summary>Reads a big-endian 32-bit unsigned integer (XDR <c>unsigned int</c>).</summary>
    public uint ReadUInt32() => BinaryPrimitives.ReadUInt32BigEndian(Take(4));

    /// <summary>Reads a big-endian 64-bit signed integer (XDR <c>hyper</c>).</summary>
    public long ReadInt64() => BinaryPrimitives.ReadInt64BigEndian(Take(8));

    /// <summary>Reads a big-endian 64-bit unsigned integer (XDR <c>unsigned hyper</c>).</summary>
    public ulong ReadUInt64() => BinaryPrimitives.ReadUInt64BigEndian(Take(8));

    /// <summary>Reads an XDR <c>bool</c>: 0 or 1; any other value is an <see cref="XdrFormatException"/>.</summary>
    public bool ReadBool()
    {
        var value = ReadUInt32();
        return value switch
        {
            0 => false,
            1 => true,
            _ => throw Error(XdrRule.InvalidBool, _position - 4, FormattableString.Invariant($"bool is {value}")),
        };
    }

    /// <summary>Reads the presence flag of an optional (XDR <c>*</c>).</summary>
    public bool ReadOptionalFlag()
    {
        var value = ReadUInt32();
        return value switch
        {
            0 => false,
            1 => true,
            _ => throw Error(XdrRule.InvalidOptionalFlag, _position - 4, FormattableString.Invariant($"optional flag is {value}")),
        };
    }

    /// <summary>Reads <c>opaque[length]</c>.</summary>
    public byte[] ReadFixedOpaque(int length)
    {
        if (length == 0)
        {
            return [];
        }

        var start = _position;
        var padded = Padded(length);
        if (padded > Remaining)
        {
            throw Error(XdrRule.Truncated, start, FormattableString.Invariant($"opaque[{length}] needs {padded} bytes, {Remaining} remain"));
        }

        EnsureCanAllocate(length);
        var result = _buffer.Slice(start, length).ToArray();
        CheckPadding(start + length, padded - length);
        _position = start + padded;
        return result;
    }

    /// <summary>Reads <c>opaque&lt;maxLength&gt;</c> (pass <see cref="uint.MaxValue"/> when unbounded).</summary>
    public byte[] ReadVariableOpaque(uint maxLength)
    {
        var lengthOffset = _position;
        var length = ReadUInt32();
        if (length > maxLength)
        {
            throw Error(XdrRule.BoundExceeded, lengthOffset, FormattableString.Invariant($"length {length} is over the bound {maxLength}"));
        }

        if (length > (uint)Remaining)
        {
            throw Error(XdrRule.LengthExceedsInput, lengthOffset, FormattableString.Invariant($"length {length} runs past the end ({Remaining} bytes remain)"));
        }

        return ReadFixedOpaque((int)length);
    }

    /// <summary>Reads <c>string&lt;maxLength&gt;</c> as raw bytes.</summary>
    public XdrString ReadString(uint maxLength) => XdrString.FromOwnedBytes(ReadVariableOpaque(maxLength));

    /// <summary>Reads a variable array's element count, checked against its bound and the remaining input.</summary>
    public int ReadArrayLength(uint maxLength)
    {
        var countOffset = _position;
        var count = ReadUInt32();
        if (count > maxLength)
        {
            throw Error(XdrRule.BoundExceeded, countOffset, FormattableString.Invariant($"element count {count} is over the bound {maxLength}"));
        }

        // Every XDR item takes at least 4 bytes, so a count above remaining/4 cannot be satisfied.
        if (count > (uint)(Remaining / 4))
        {
            throw Error(XdrRule.LengthExceedsInput, countOffset, FormattableString.Invariant($"element count {count} needs more than the {Remaining} bytes that remain"));
        }

        // References or values of at most 8 bytes each (nullable 64-bit values are never array elements).
        EnsureCanAllocate(8L * count);
        return (int)count;
    }

    /// <summary>Called when a struct or union starts; fails once nesting passes the depth limit.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void EnterNested()
    {
        if (++_depth > _maxDepth)
        {
            ThrowDepth();
        }

        EnsureCanAllocate(RoughObjectSize);
    }

    /// <summary>Leaves a nested value entered with <see cref="EnterNested"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void ExitNested() => _depth--;

    /// <summary>Fails unless every byte has been consumed.</summary>
    public readonly void EnsureEnd()
    {
        if (_position != _buffer.Length)
        {
            throw Error(XdrRule.TrailingBytes, _position, FormattableString.Invariant($"{_buffer.Length - _position} bytes after the value"));
        }
    }

    /// <summary>The error for an enum value (just read as 4 bytes) that <paramref name="typeName"/> does not declare.</summary>
    public readonly XdrFormatException UnknownEnumValue(string typeName, int value) =>
        Error(XdrRule.UnknownEnumValue, _position - 4, FormattableString.Invariant($"{value} is not a {typeName} value"));

    /// <summary>The error for a union discriminant (just read as 4 bytes) without an arm.</summary>
    public readonly XdrFormatException UnknownUnionArm(string typeName, long discriminant) =>
        Error(XdrRule.UnknownUnionArm, _position - 4, FormattableString.Invariant($"{typeName} has no arm for discriminant {discriminant}"));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private ReadOnlySpan<byte> Take(int count)
    {
        var start = _position;
        if ((uint)count > (uint)(_buffer.Length - start))
        {
            ThrowTruncated(start, count);
        }

        _position = start + count;
        return _buffer.Slice(start, count);
    }

    // Cheap when no limit applies; otherwise fails before an allocation of `bytes` more would pass the limit (measured
    // now for a large allocation, every UnmeasuredBytes for small ones).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void EnsureCanAllocate(long bytes)
    {
        if (_maxDecodedBytes == long.MaxValue)
        {
            return;
        }

        if (bytes < AllocationMeasuredAlone && (_unmeasured += (int)bytes) < UnmeasuredBytes)
        {
            return;
        }

        _unmeasured = 0;
        if (GC.GetAllocatedBytesForCurrentThread() - _allocatedAtStart + bytes > _maxDecodedBytes)
        {
            ThrowDecodedSize(bytes);
        }
    }

    private static int Padded(int length) => (int)(((uint)length + 3u) & ~3u);

    private readonly void CheckPadding(int offset, int count)
    {
        for (var i = 0; i < count; i++)
        {
            if (_buffer[offset + i] != 0)
            {
                throw Error(XdrRule.NonZeroPadding, offset + i, FormattableString.Invariant($"padding byte is 0x{_buffer[offset + i]:x2}"));
            }
        }
    }

    [DoesNotReturn]
    private readonly void ThrowTruncated(int offset, int count) =>
        throw Error(XdrRule.Truncated, offset, FormattableString.Invariant($"needs {count} bytes, {_buffer.Length - offset} remain"));

    [DoesNotReturn]
    private readonly void ThrowDepth() =>
        throw new XdrLimitExceededException(XdrRule.DepthLimit, _position, FormattableString.Invariant($"nesting is deeper than {_maxDepth}"));

    [DoesNotReturn]
    private readonly void ThrowDecodedSize(long bytes) =>
        throw new XdrLimitExceededException(
            XdrRule.DecodedSizeLimit,
            _position,
            FormattableString.Invariant($"decoding allocated {DecodedBytes} bytes and needs {bytes} more, over the limit of {_maxDecodedBytes}"));

    private static XdrFormatException Error(XdrRule rule, long offset, string message) => new(rule, offset, message);
}
