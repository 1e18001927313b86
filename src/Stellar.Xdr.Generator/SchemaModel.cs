namespace Stellar.Xdr.Generator;

/// <summary>Where a definition or field was written, for error messages.</summary>
internal readonly record struct SchemaLocation(string File, int Line)
{
    public override string ToString() => File + ":" + Line.ToString(System.Globalization.CultureInfo.InvariantCulture);
}

/// <summary>A type expression: a name, an optional, an array, an opaque or a string.</summary>
internal abstract record TypeExpr;

/// <summary>A declared name or a builtin (int uint hyper uhyper bool).</summary>
internal sealed record NamedTypeExpr(string Name) : TypeExpr;

/// <summary><c>T?</c>.</summary>
internal sealed record OptionalTypeExpr(TypeExpr Element) : TypeExpr;

/// <summary><c>T[N]</c> (fixed) or <c>T&lt;N&gt;</c> / <c>T&lt;&gt;</c> (variable; Size null = unbounded).</summary>
internal sealed record ArrayTypeExpr(TypeExpr Element, bool Fixed, string? Size) : TypeExpr;

/// <summary><c>opaque[N]</c>, <c>opaque&lt;N&gt;</c>, <c>opaque&lt;&gt;</c>.</summary>
internal sealed record OpaqueTypeExpr(bool Fixed, string? Size) : TypeExpr;

/// <summary><c>string&lt;N&gt;</c>, <c>string&lt;&gt;</c>.</summary>
internal sealed record StringTypeExpr(string? Size) : TypeExpr;

internal abstract record Definition(string Name, SchemaLocation Location);

internal sealed record ConstDefinition(string Name, SchemaLocation Location, long Value) : Definition(Name, Location);

internal sealed record AliasDefinition(string Name, SchemaLocation Location, TypeExpr Type) : Definition(Name, Location);

internal sealed record EnumMember(string Name, int Value, SchemaLocation Location);

internal sealed record EnumDefinition(string Name, SchemaLocation Location, IReadOnlyList<EnumMember> Members) : Definition(Name, Location);

internal sealed record Field(TypeExpr Type, string Name, SchemaLocation Location);

internal sealed record StructDefinition(string Name, SchemaLocation Location, IReadOnlyList<Field> Fields) : Definition(Name, Location);

/// <summary>One arm: its case labels (enum member names or numbers; empty for <c>default</c>) and field (null = void).</summary>
internal sealed record UnionArm(IReadOnlyList<string> Cases, bool IsDefault, Field? Field, SchemaLocation Location);

internal sealed record UnionDefinition(
    string Name,
    SchemaLocation Location,
    TypeExpr DiscriminantType,
    string DiscriminantName,
    IReadOnlyList<UnionArm> Arms) : Definition(Name, Location);

/// <summary>The definitions of one schema file, in written order.</summary>
internal sealed record SchemaFile(string FileName, IReadOnlyList<Definition> Definitions);
