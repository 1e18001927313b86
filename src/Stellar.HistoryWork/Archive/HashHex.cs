using System.Security.Cryptography;

namespace Stellar.HistoryWork;

/// <summary>
/// The one place that converts 32-byte hashes to and from the 64 lowercase hex digits used in
/// bucket names and HAS files.
/// </summary>
public static class HashHex
{
    /// <summary>Bytes in a SHA-256 hash.</summary>
    public const int HashSize = SHA256.HashSizeInBytes;

    /// <summary>Hex digits in a hash.</summary>
    public const int HexLength = HashSize * 2;

    /// <summary>The all-zero hash, which names the empty bucket.</summary>
    public static string Zero { get; } = new('0', HexLength);

    /// <summary>64 lowercase hex digits for a 32-byte hash.</summary>
    public static string ToHex(ReadOnlySpan<byte> hash)
    {
        if (hash.Length != HashSize)
        {
            throw new ArgumentException($"A hash has {HashSize} bytes, not {hash.Length}.", nameof(hash));
        }

        return Convert.ToHexStringLower(hash);
    }

    /// <summary>Whether <paramref name="hex"/> is exactly 64 lowercase hex digits.</summary>
    public static bool IsValid(ReadOnlySpan<char> hex)
    {
        if (hex.Length != HexLength)
        {
            return false;
        }

        foreach (var c in hex)
        {
            if (!char.IsAsciiDigit(c) && c is not (>= 'a' and <= 'f'))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Whether <paramref name="hex"/> is the all-zero hash (the empty bucket).</summary>
    public static bool IsZero(ReadOnlySpan<char> hex) => hex.Length == HexLength && !hex.ContainsAnyExcept('0');

    /// <summary>Decodes 64 lowercase hex digits into <paramref name="destination"/> (32 bytes).</summary>
    public static bool TryParse(ReadOnlySpan<char> hex, Span<byte> destination)
    {
        if (destination.Length < HashSize || !IsValid(hex))
        {
            return false;
        }

        return Convert.FromHexString(hex, destination[..HashSize], out _, out var written) == System.Buffers.OperationStatus.Done
            && written == HashSize;
    }

    /// <summary>Decodes 64 lowercase hex digits into 32 bytes.</summary>
    /// <exception cref="FormatException"><paramref name="hex"/> is not 64 lowercase hex digits.</exception>
    public static byte[] Parse(string hex)
    {
        ArgumentNullException.ThrowIfNull(hex);
        var bytes = new byte[HashSize];
        return TryParse(hex, bytes) ? bytes : throw new FormatException($"'{hex}' is not a hash of {HexLength} lowercase hex digits.");
    }

    /// <summary>SHA-256 of <paramref name="data"/> as 64 lowercase hex digits.</summary>
    public static string Sha256(ReadOnlySpan<byte> data)
    {
        Span<byte> hash = stackalloc byte[HashSize];
        SHA256.HashData(data, hash);
        return Convert.ToHexStringLower(hash);
    }
}
