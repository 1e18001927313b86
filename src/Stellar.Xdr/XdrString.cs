using System.Text;
using System.Text.Unicode;

namespace Stellar.Xdr;

/// <summary>
/// An XDR string: bytes, not text. Real memos hold bytes that are not UTF-8, and turning them into a
/// .NET string would change the encoding and every hash over it.
/// </summary>
public sealed class XdrString : IEquatable<XdrString>
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);
    private readonly byte[] _bytes;

    /// <summary>A string from a copy of <paramref name="bytes"/>.</summary>
    public XdrString(ReadOnlySpan<byte> bytes)
    {
        _bytes = bytes.ToArray();
    }

    /// <summary>A string holding the UTF-8 encoding of <paramref name="text"/>.</summary>
    public XdrString(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        _bytes = StrictUtf8.GetBytes(text);
    }

    private XdrString(byte[] bytes, bool owned)
    {
        _ = owned;
        _bytes = bytes;
    }

    public static XdrString Empty { get; } = new([], owned: true);

    public ReadOnlySpan<byte> Span => _bytes;

    public ReadOnlyMemory<byte> Memory => _bytes;

    public int Length => _bytes.Length;

    /// <summary>True when the bytes are valid UTF-8.</summary>
    public bool IsValidUtf8 => Utf8.IsValid(_bytes);

    public byte[] ToArray() => (byte[])_bytes.Clone();

    /// <summary>The text when the bytes are valid UTF-8, otherwise the bytes as lowercase hex.</summary>
    public override string ToString() => IsValidUtf8 ? Encoding.UTF8.GetString(_bytes) : Convert.ToHexStringLower(_bytes);

    public bool Equals(XdrString? other) => other is not null && _bytes.AsSpan().SequenceEqual(other._bytes);

    public override bool Equals(object? obj) => Equals(obj as XdrString);

    public override int GetHashCode()
    {
        var hash = default(HashCode);
        hash.AddBytes(_bytes);
        return hash.ToHashCode();
    }

    public static bool operator ==(XdrString? left, XdrString? right) => left is null ? right is null : left.Equals(right);

    public static bool operator !=(XdrString? left, XdrString? right) => !(left == right);

    internal static XdrString FromOwnedBytes(byte[] bytes) => bytes.Length == 0 ? Empty : new XdrString(bytes, owned: true);
}
