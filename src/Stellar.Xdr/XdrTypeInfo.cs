using System.Buffers;
using System.Text.Json;

namespace Stellar.Xdr;

/// <summary>Decodes one value of a registered type at the reader's position.</summary>
public delegate object? XdrDecodeFunc(ref XdrReader reader);

/// <summary>One type known to <see cref="XdrTypes"/> by its schema name (structs, unions, enums, aliases, builtins).</summary>
public sealed class XdrTypeInfo
{
    private readonly XdrDecodeFunc _decode;
    private readonly Action<XdrWriter, object?> _encode;
    private readonly Action<Utf8JsonWriter, object?> _writeJson;

    /// <summary>The entry for the XDR type <paramref name="name"/>, the CLR type <paramref name="clrType"/> and its coding functions.</summary>
    public XdrTypeInfo(string name, Type clrType, XdrDecodeFunc decode, Action<XdrWriter, object?> encode, Action<Utf8JsonWriter, object?> writeJson)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(clrType);
        ArgumentNullException.ThrowIfNull(decode);
        ArgumentNullException.ThrowIfNull(encode);
        ArgumentNullException.ThrowIfNull(writeJson);
        Name = name;
        ClrType = clrType;
        _decode = decode;
        _encode = encode;
        _writeJson = writeJson;
    }

    /// <summary>The schema name.</summary>
    public string Name { get; }

    /// <summary>The C# type values of this schema type have (for an alias, its target's).</summary>
    public Type ClrType { get; }

    /// <summary>Decodes one value at the reader's position.</summary>
    public object? Decode(ref XdrReader reader) => _decode(ref reader);

    /// <summary>Decodes <paramref name="bytes"/>, which must hold exactly one value.</summary>
    public object? Decode(ReadOnlySpan<byte> bytes, XdrReaderOptions? options = null)
    {
        var reader = new XdrReader(bytes, options ?? XdrReaderOptions.Default);
        var value = _decode(ref reader);
        reader.EnsureEnd();
        return value;
    }

    /// <summary>Writes <paramref name="value"/>, which must be of <see cref="ClrType"/>, to <paramref name="writer"/>.</summary>
    public void Encode(XdrWriter writer, object? value)
    {
        ArgumentNullException.ThrowIfNull(writer);
        _encode(writer, value);
    }

    /// <summary>The XDR encoding of <paramref name="value"/>, which must be of <see cref="ClrType"/>.</summary>
    public byte[] ToXdr(object? value)
    {
        var buffer = new ArrayBufferWriter<byte>();
        _encode(new XdrWriter(buffer), value);
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>Writes <paramref name="value"/> as JSON to <paramref name="writer"/>.</summary>
    public void WriteJson(Utf8JsonWriter writer, object? value)
    {
        ArgumentNullException.ThrowIfNull(writer);
        _writeJson(writer, value);
    }

    /// <summary><paramref name="value"/> as JSON.</summary>
    public string ToJson(object? value) => XdrSupport.ToJson(writer => _writeJson(writer, value));
}
