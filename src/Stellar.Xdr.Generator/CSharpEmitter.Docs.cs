using System.Globalization;

namespace Stellar.Xdr.Generator;

// XML documentation of generated members, written from the schema: what each member is in XDR terms (its name,
// type expression, cases and values as the schema declares them) so that every public member of Stellar.Xdr
// is documented and CS1591 can stay on for it.
internal sealed partial class CSharpEmitter
{
    /// <summary>The documentation line of a member that an interface or <see cref="object"/> documents.</summary>
    private const string Inherited = "/// <inheritdoc/>";

    private static string ConstDoc(ConstDefinition constant) =>
        "/// <summary>XDR constant <c>" + constant.Name + "</c> (" + constant.Location + ").</summary>";

    private static string EnumMemberDoc(EnumMember member) =>
        "/// <summary><c>" + member.Name + "</c> = " + member.Value.ToString(CultureInfo.InvariantCulture) + " (" + member.Location + ").</summary>";

    private static string FieldDoc(Field field) =>
        "/// <summary>XDR field <c>" + field.Name + "</c>: <c>" + Escape(Notation(field.Type)) + "</c> (" + field.Location + ").</summary>";

    /// <summary>An arm's property: its type and the discriminant values that select it (every arm with that field name).</summary>
    private static string ArmDoc(UnionDefinition union, Field arm)
    {
        var arms = union.Arms.Where(a => a.Field?.Name == arm.Name).ToList();
        var cases = arms.Any(a => a.IsDefault)
            ? "any value without an arm of its own"
            : string.Join(", ", arms.SelectMany(a => a.Cases).Select(c => "<c>" + c + "</c>"));
        return "/// <summary>Arm <c>" + arm.Name + "</c>: <c>" + Escape(Notation(arm.Type)) + "</c>, set when <see cref=\"Discriminant\"/> is "
            + cases + "; null otherwise (" + arm.Location + ").</summary>";
    }

    private static void EnumCodecDocs(Code code, string member, string name)
    {
        code.Line(member switch
        {
            "Decode" => "/// <summary>Reads a <see cref=\"" + name + "\"/>; a value the schema does not declare throws <see cref=\"global::Stellar.Xdr.XdrFormatException\"/>.</summary>",
            "Encode" => "/// <summary>Writes <paramref name=\"value\"/>; a value the schema does not declare throws <see cref=\"global::Stellar.Xdr.XdrEncodeException\"/>.</summary>",
            "IsDefined" => "/// <summary>Whether <paramref name=\"value\"/> is declared by the schema for <c>" + name + "</c>.</summary>",
            "ToName" => "/// <summary>The schema's name of <paramref name=\"value\"/>, or its number when it has none.</summary>",
            _ => throw new ArgumentOutOfRangeException(nameof(member), member, null),
        });
    }

    /// <summary>Documentation of the members every struct and union has, by member name.</summary>
    private static string CommonDoc(string member) => member switch
    {
        "FromXdr" => "/// <summary>Decodes <paramref name=\"bytes\"/>, which must hold exactly one value.</summary>",
        "ToXdr" => "/// <summary>The value's XDR encoding.</summary>",
        "ToJson" => "/// <summary>The value as JSON: field and arm names as in the schema, enums by name, opaque bytes as hex.</summary>",
        "WriteJson" => "/// <summary>Writes the value as JSON (see <see cref=\"ToJson\"/>) to <paramref name=\"writer\"/>.</summary>",
        "ToString" => "/// <summary>The value as JSON (<see cref=\"ToJson\"/>).</summary>",
        _ => Inherited,
    };

    /// <summary>A type expression in the schema's own notation (docs/xdr-schema.md).</summary>
    private static string Notation(TypeExpr type) => type switch
    {
        NamedTypeExpr named => named.Name,
        OptionalTypeExpr optional => Notation(optional.Element) + "?",
        ArrayTypeExpr { Fixed: true } array => Notation(array.Element) + "[" + array.Size + "]",
        ArrayTypeExpr array => Notation(array.Element) + "<" + array.Size + ">",
        OpaqueTypeExpr { Fixed: true } opaque => "opaque[" + opaque.Size + "]",
        OpaqueTypeExpr opaque => "opaque<" + opaque.Size + ">",
        StringTypeExpr text => "string<" + text.Size + ">",
        _ => throw new InvalidOperationException("unexpected type " + type),
    };

    private static string Escape(string text) => text.Replace("&", "&amp;", StringComparison.Ordinal)
        .Replace("<", "&lt;", StringComparison.Ordinal)
        .Replace(">", "&gt;", StringComparison.Ordinal);
}
