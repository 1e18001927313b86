using System.Buffers;
using System.Buffers.Binary;

namespace Stellar.Xdr;

/// <summary>RFC 4506 encoder into an <see cref="IBufferWriter{T}"/>; checks fixed lengths and declared bounds.</summary>
public sealed class XdrWriter
{
    private readonly IBufferWriter<byte> _output;

    /// <summary>A writer appending to <paramref name="output"/>.</summary>
    public XdrWriter(IBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(output);
        _output = output;
    }

    /// <summary>Bytes written through this writer.</summary>
    public long BytesWritten { get; private set; }

    /// <summary>Writes a big-endian 32-bit signed integer (XDR <c>int</c>).</summary>
    public void WriteInt32(int value)
    {
        BinaryPrimitives.WriteInt32BigEndian(_output.GetSpan(4), value);
        Advance(4);
    }

    /// <summary>Writes a big-endian 32-bit unsigned integer (XDR <c>unsigned int</c>).</summary>
    public void WriteUInt32(uint value)
    {
        BinaryPrimitives.WriteUInt32BigEndian(_output.GetSpan(4), value);
        Advance(4);
    }

    /// <summary>Writes a big-endian 64-bit signed integer (XDR <c>hyper</c>).</summary>
    public void WriteInt64(long value)
    {
        BinaryPrimitives.WriteInt64BigEndian(_output.GetSpan(8), value);
        Advance(8);
    }

    /// <summary>Writes a big-endian 64-bit unsigned integer (XDR <c>unsigned hyper</c>).</summary>
    public void WriteUInt64(ulong value)
    {
        BinaryPrimitives.WriteUInt64BigEndian(_output.GetSpan(8), value);
        Advance(8);
    }

    /// <summary>Writes an XDR <c>bool</c>: 1 for true, 0 for false.</summary>
    public void WriteBool(bool value) => WriteUInt32(value ? 1u : 0u);

    /// <summary>Writes an optional's presence flag.</summary>
    public void WriteOptionalFlag(bool present) => WriteUInt32(present ? 1u : 0u);

    /// <summary>Writes <c>opaque[length]</c>; the value must have exactly that length.</summary>
    public void WriteFixedOpaque(byte[] value, int length)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (value.Length != length)
        {
            throw new XdrEncodeException(XdrRule.FixedLengthMismatch, FormattableString.Invariant($"opaque[{length}] given {value.Length} bytes"));
        }

        WritePadded(value);
    }

    /// <summary>Writes <c>opaque&lt;maxLength&gt;</c>.</summary>
    public void WriteVariableOpaque(byte[] value, uint maxLength)
    {
        ArgumentNullException.ThrowIfNull(value);
        WriteVariableOpaque((ReadOnlySpan<byte>)value, maxLength);
    }

    /// <summary>Writes <c>opaque&lt;maxLength&gt;</c> from a span.</summary>
    public void WriteVariableOpaque(ReadOnlySpan<byte> value, uint maxLength)
    {
        if ((uint)value.Length > maxLength)
        {
            throw new XdrEncodeException(XdrRule.BoundExceeded, FormattableString.Invariant($"length {value.Length} is over the bound {maxLength}"));
        }

        WriteUInt32((uint)value.Length);
        WritePadded(value);
    }

    /// <summary>Writes <c>string&lt;maxLength&gt;</c> (its bytes as they are).</summary>
    public void WriteString(XdrString value, uint maxLength)
    {
        ArgumentNullException.ThrowIfNull(value);
        WriteVariableOpaque(value.Span, maxLength);
    }

    /// <summary>Writes a variable array's element count after checking its bound.</summary>
    public void WriteArrayLength(int count, uint maxLength)
    {
        if ((uint)count > maxLength)
        {
            throw new XdrEncodeException(XdrRule.BoundExceeded, FormattableString.Invariant($"element count {count} is over the bound {maxLength}"));
        }

        WriteUInt32((uint)count);
    }

    /// <summary>Checks a fixed array's length (fixed arrays carry no count).</summary>
    public static void CheckFixedArrayLength(int count, int length)
    {
        if (count != length)
        {
            throw new XdrEncodeException(XdrRule.FixedLengthMismatch, FormattableString.Invariant($"fixed array of {length} given {count} elements"));
        }
    }

    /// <summary>Fails for a null required value or a null selected union arm.</summary>
    public static XdrEncodeException MissingValue(string typeName, string member) =>
        new(XdrRule.MissingValue, typeName + "." + member + " is null");

    /// <summary>Returns <paramref name="value"/>, or fails when a required value is null.</summary>
    public static T Required<T>(T? value, string typeName, string member)
        where T : class => value ?? throw MissingValue(typeName, member);

    /// <summary>Fails for an enum value the schema does not declare.</summary>
    public static XdrEncodeException UnknownEnumValue(string typeName, int value) =>
        new(XdrRule.UnknownEnumValue, FormattableString.Invariant($"{value} is not a {typeName} value"));

    /// <summary>Fails for a union discriminant without an arm.</summary>
    public static XdrEncodeException UnknownUnionArm(string typeName, long discriminant) =>
        new(XdrRule.UnknownUnionArm, FormattableString.Invariant($"{typeName} has no arm for discriminant {discriminant}"));

    private void WritePadded(ReadOnlySpan<byte> value)
    {
        var padded = (value.Length + 3) & ~3;
        if (padded == 0)
        {
            return;
        }

        var span = _output.GetSpan(padded);
        value.CopyTo(span);
        span.Slice(value.Length, padded - value.Length).Clear();
        Advance(padded);
    }

    private void Advance(int count)
    {
        _output.Advance(count);
        BytesWritten += count;
    }
}
