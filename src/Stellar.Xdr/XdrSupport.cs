using System.Buffers;
using System.Text.Json;

namespace Stellar.Xdr;

/// <summary>Helpers the generated code calls; not meant for other callers.</summary>
internal static class XdrSupport
{
    public static T[] NewArray<T>(int count) => count == 0 ? [] : new T[count];

    public static T FromXdr<T>(ReadOnlySpan<byte> bytes, XdrReaderOptions? options)
        where T : IXdrType<T>
    {
        var reader = new XdrReader(bytes, options ?? XdrReaderOptions.Default);
        var value = T.Decode(ref reader);
        reader.EnsureEnd();
        return value;
    }

    public static byte[] ToXdr<T>(T value)
        where T : IXdrType<T>
    {
        var buffer = new ArrayBufferWriter<byte>();
        value.Encode(new XdrWriter(buffer));
        return buffer.WrittenSpan.ToArray();
    }

    public static string ToJson(Action<Utf8JsonWriter> write)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            write(writer);
        }

        return System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    public static bool Same<T>(T? left, T? right) => EqualityComparer<T>.Default.Equals(left, right);

    public static bool Bytes(byte[]? left, byte[]? right) =>
        left is null ? right is null : right is not null && left.AsSpan().SequenceEqual(right);

    public static bool Array<T>(T[]? left, T[]? right)
    {
        if (ReferenceEquals(left, right))
        {
            return true;
        }

        if (left is null || right is null || left.Length != right.Length)
        {
            return false;
        }

        var comparer = EqualityComparer<T>.Default;
        for (var i = 0; i < left.Length; i++)
        {
            if (!comparer.Equals(left[i], right[i]))
            {
                return false;
            }
        }

        return true;
    }

    public static bool Array<T>(T[]? left, T[]? right, Func<T, T, bool> equal)
    {
        if (ReferenceEquals(left, right))
        {
            return true;
        }

        if (left is null || right is null || left.Length != right.Length)
        {
            return false;
        }

        for (var i = 0; i < left.Length; i++)
        {
            if (!equal(left[i], right[i]))
            {
                return false;
            }
        }

        return true;
    }

    public static int BytesHash(byte[]? value)
    {
        if (value is null)
        {
            return 0;
        }

        var hash = default(HashCode);
        hash.AddBytes(value);
        return hash.ToHashCode();
    }

    public static int ArrayHash<T>(T[]? value)
    {
        if (value is null)
        {
            return 0;
        }

        var hash = default(HashCode);
        foreach (var item in value)
        {
            hash.Add(item);
        }

        return hash.ToHashCode();
    }

    // Arrays of arrays hash by length only, which stays consistent with their content equality.
    public static int LengthHash<T>(T[]? value) => value?.Length ?? -1;

    public static void WriteHex(Utf8JsonWriter writer, byte[]? value)
    {
        if (value is null)
        {
            writer.WriteNullValue();
            return;
        }

        writer.WriteStringValue(Convert.ToHexStringLower(value));
    }

    public static void WriteString(Utf8JsonWriter writer, XdrString? value)
    {
        if (value is null)
        {
            writer.WriteNullValue();
        }
        else if (value.IsValidUtf8)
        {
            writer.WriteStringValue(value.Span);
        }
        else
        {
            // Bytes that are not UTF-8 are kept exactly, marked so they are not mistaken for text.
            writer.WriteStartObject();
            writer.WriteString("hex", Convert.ToHexStringLower(value.Span));
            writer.WriteEndObject();
        }
    }
}
