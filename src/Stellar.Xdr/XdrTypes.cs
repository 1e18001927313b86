using System.Collections.Frozen;
using System.Diagnostics.CodeAnalysis;

namespace Stellar.Xdr;

/// <summary>Every schema type by name (aliases and builtins included), for tools that pick a type at run time.</summary>
public static partial class XdrTypes
{
    private static readonly FrozenDictionary<string, XdrTypeInfo> Registry = CreateRegistry().ToFrozenDictionary(StringComparer.Ordinal);

    /// <summary>All registered names, sorted.</summary>
    public static IReadOnlyList<string> Names { get; } = Registry.Keys.Order(StringComparer.Ordinal).ToArray();

    /// <summary>The entry of the XDR type <paramref name="name"/> (as the schema spells it), if there is one.</summary>
    public static bool TryGet(string name, [NotNullWhen(true)] out XdrTypeInfo? info)
    {
        ArgumentNullException.ThrowIfNull(name);
        return Registry.TryGetValue(name, out info);
    }

    /// <summary>The type named <paramref name="name"/>; throws <see cref="KeyNotFoundException"/> for an unknown name.</summary>
    public static XdrTypeInfo Get(string name) =>
        TryGet(name, out var info) ? info : throw new KeyNotFoundException("no XDR type named '" + name + "'");

    /// <summary>Decodes <paramref name="bytes"/> (exactly one value) as the type named <paramref name="name"/>.</summary>
    public static object? Decode(string name, ReadOnlySpan<byte> bytes, XdrReaderOptions? options = null) =>
        Get(name).Decode(bytes, options);

    private static partial Dictionary<string, XdrTypeInfo> CreateRegistry();
}
