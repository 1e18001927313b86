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

    /// <summary>The empty string.</summary>
    public static XdrString Empty { get; } = new([], owned: true);

    /// <summary>The bytes, as XDR carries them (not necessarily UTF-8).</summary>
    public ReadOnlySpan<byte> Span => _bytes;

    /// <summary>The bytes as memory (see <see cref="Span"/>).</summary>
    public ReadOnlyMemory<byte> Memory => _bytes;

    /// <summary>The number of bytes.</summary>
    public int Length => _bytes.Length;

    /// <summary>True when the bytes are valid UTF-8.</summary>
    public bool IsValidUtf8 => Utf8.IsValid(_bytes);

    /// <summary>A copy of the bytes.</summary>
    public byte[] ToArray() => (byte[])_bytes.Clone();

    /// <summary>The text when the bytes are valid UTF-8, otherwise the bytes as lowercase hex.</summary>
    public override string ToString() => IsValidUtf8 ? Encoding.UTF8.GetString(_bytes) : Convert.ToHexStringLower(_bytes);

    /// <summary>Whether <paramref name="other"/> holds the same bytes.</summary>
    public bool Equals(XdrString? other) => other is not null && _bytes.AsSpan().SequenceEqual(other._bytes);

    /// <inheritdoc/>
    public override bool Equals(object? obj) => Equals(obj as XdrString);

    /// <inheritdoc/>
    public override int GetHashCode()
    {
        var hash = default(HashCode);
        hash.AddBytes(_bytes);
        return hash.ToHashCode();
    }

    /// <summary>Whether both are null or hold the same bytes.</summary>
    public static bool operator ==(XdrString? left, XdrString? right) => left is null ? right is null : left.Equals(right);

    /// <summary>Whether exactly one is null or they hold different bytes.</summary>
    public static bool operator !=(XdrString? left, XdrString? right) => !(left == right);

    internal static XdrString FromOwnedBytes(byte[] bytes) => bytes.Length == 0 ? Empty : new XdrString(bytes, owned: true);
}
