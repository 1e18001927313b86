using System.Globalization;

namespace Stellar.Xdr.Generator;

// C# type names of schema types, and the statements that decode and encode a value of each.
internal sealed partial class CSharpEmitter
{
    private static string Int(int value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Size(uint value) => value.ToString(CultureInfo.InvariantCulture) + "u";

    // A union arm's property is null when another arm is selected; value types become Nullable<T>.
    private TypeExpr NullableArm(TypeExpr type) => IsValueType(type) ? new OptionalTypeExpr(type) : type;

    private string ArmType(TypeExpr type)
    {
        var cs = CsType(type);
        return cs.EndsWith('?') ? cs : cs + "?";
    }

    private bool IsValueType(TypeExpr type)
    {
        var resolved = _schema.Resolve(type);
        return resolved is NamedTypeExpr named && (Schema.Builtins.Contains(named.Name) || _schema.Find(named.Name) is EnumDefinition);
    }

    private bool IsNullable(TypeExpr type) => _schema.Resolve(type) is OptionalTypeExpr;

    private string CsType(TypeExpr type, bool annotate = true)
    {
        var resolved = _schema.Resolve(type);
        return resolved switch
        {
            NamedTypeExpr { Name: "int" } => "int",
            NamedTypeExpr { Name: "uint" } => "uint",
            NamedTypeExpr { Name: "hyper" } => "long",
            NamedTypeExpr { Name: "uhyper" } => "ulong",
            NamedTypeExpr { Name: "bool" } => "bool",
            NamedTypeExpr named => Ns + named.Name,
            OpaqueTypeExpr => "byte[]",
            StringTypeExpr => Ns + "XdrString",
            OptionalTypeExpr optional => CsType(optional.Element, annotate) + (annotate || IsValueType(optional.Element) ? "?" : string.Empty),
            ArrayTypeExpr array => CsType(array.Element, annotate) + "[]",
            _ => throw new InvalidOperationException("unexpected type " + resolved),
        };
    }

    // typeof() does not accept nullable reference annotations.
    private string TypeOfName(TypeExpr type) => CsType(type, annotate: false);

    private string Bound(string? size, SchemaLocation location) => size is null ? "uint.MaxValue" : Size(_schema.Size(size, location));

    private void EmitDecode(Code code, TypeExpr type, string target)
    {
        var resolved = _schema.Resolve(type);
        var location = new SchemaLocation("?", 0);
        switch (resolved)
        {
            case NamedTypeExpr { Name: "int" }:
                code.Line(target + " = reader.ReadInt32();");
                break;
            case NamedTypeExpr { Name: "uint" }:
                code.Line(target + " = reader.ReadUInt32();");
                break;
            case NamedTypeExpr { Name: "hyper" }:
                code.Line(target + " = reader.ReadInt64();");
                break;
            case NamedTypeExpr { Name: "uhyper" }:
                code.Line(target + " = reader.ReadUInt64();");
                break;
            case NamedTypeExpr { Name: "bool" }:
                code.Line(target + " = reader.ReadBool();");
                break;
            case NamedTypeExpr named when _schema.Find(named.Name) is EnumDefinition:
                code.Line(target + " = " + Ns + named.Name + "Xdr.Decode(ref reader);");
                break;
            case NamedTypeExpr named:
                code.Line(target + " = " + Ns + named.Name + ".Decode(ref reader);");
                break;
            case OpaqueTypeExpr { Fixed: true } opaque:
                code.Line(target + " = reader.ReadFixedOpaque(" + Int((int)_schema.Size(opaque.Size!, location)) + ");");
                break;
            case OpaqueTypeExpr opaque:
                code.Line(target + " = reader.ReadVariableOpaque(" + Bound(opaque.Size, location) + ");");
                break;
            case StringTypeExpr text:
                code.Line(target + " = reader.ReadString(" + Bound(text.Size, location) + ");");
                break;
            case OptionalTypeExpr optional:
                code.Line("if (reader.ReadOptionalFlag())");
                code.Open();
                EmitDecode(code, optional.Element, target);
                code.Close();
                code.Line("else");
                code.Open();
                code.Line(target + " = null;");
                code.Close();
                break;
            case ArrayTypeExpr array:
                var k = (++_temp).ToString(CultureInfo.InvariantCulture);
                string count = "n" + k, items = "a" + k, index = "i" + k;
                code.Open();
                code.Line(array.Fixed
                    ? "var " + count + " = " + Int((int)_schema.Size(array.Size!, location)) + ";"
                    : "var " + count + " = reader.ReadArrayLength(" + Bound(array.Size, location) + ");");
                code.Line("var " + items + " = " + Support + ".NewArray<" + CsType(array.Element) + ">(" + count + ");");
                code.Line("for (var " + index + " = 0; " + index + " < " + count + "; " + index + "++)");
                code.Open();
                EmitDecode(code, array.Element, items + "[" + index + "]");
                code.Close();
                code.Line();
                code.Line(target + " = " + items + ";");
                code.Close();
                break;
            default:
                throw new InvalidOperationException("unexpected type " + resolved);
        }
    }

    private void EmitEncode(Code code, TypeExpr type, string value, string owner, string member)
    {
        var resolved = _schema.Resolve(type);
        var location = new SchemaLocation("?", 0);
        var required = Writer + ".Required(" + value + ", \"" + owner + "\", \"" + member + "\")";
        switch (resolved)
        {
            case NamedTypeExpr { Name: "int" }:
                code.Line("writer.WriteInt32(" + value + ");");
                break;
            case NamedTypeExpr { Name: "uint" }:
                code.Line("writer.WriteUInt32(" + value + ");");
                break;
            case NamedTypeExpr { Name: "hyper" }:
                code.Line("writer.WriteInt64(" + value + ");");
                break;
            case NamedTypeExpr { Name: "uhyper" }:
                code.Line("writer.WriteUInt64(" + value + ");");
                break;
            case NamedTypeExpr { Name: "bool" }:
                code.Line("writer.WriteBool(" + value + ");");
                break;
            case NamedTypeExpr named when _schema.Find(named.Name) is EnumDefinition:
                code.Line(Ns + named.Name + "Xdr.Encode(writer, " + value + ");");
                break;
            case NamedTypeExpr:
                code.Line(required + ".Encode(writer);");
                break;
            case OpaqueTypeExpr { Fixed: true } opaque:
                code.Line("writer.WriteFixedOpaque(" + required + ", " + Int((int)_schema.Size(opaque.Size!, location)) + ");");
                break;
            case OpaqueTypeExpr opaque:
                code.Line("writer.WriteVariableOpaque(" + required + ", " + Bound(opaque.Size, location) + ");");
                break;
            case StringTypeExpr text:
                code.Line("writer.WriteString(" + required + ", " + Bound(text.Size, location) + ");");
                break;
            case OptionalTypeExpr optional:
            {
                var present = "o" + (++_temp).ToString(CultureInfo.InvariantCulture);
                code.Open();
                code.Line("var " + present + " = " + value + ";");
                code.Line("writer.WriteOptionalFlag(" + present + " is not null);");
                code.Line("if (" + present + " is not null)");
                code.Open();
                EmitEncode(code, optional.Element, IsValueType(optional.Element) ? present + ".Value" : present, owner, member);
                code.Close();
                code.Close();
                break;
            }

            case ArrayTypeExpr array:
            {
                var k = (++_temp).ToString(CultureInfo.InvariantCulture);
                string items = "a" + k, item = "x" + k;
                code.Open();
                code.Line("var " + items + " = " + required + ";");
                code.Line(array.Fixed
                    ? Writer + ".CheckFixedArrayLength(" + items + ".Length, " + Int((int)_schema.Size(array.Size!, location)) + ");"
                    : "writer.WriteArrayLength(" + items + ".Length, " + Bound(array.Size, location) + ");");
                code.Line("foreach (var " + item + " in " + items + ")");
                code.Open();
                EmitEncode(code, array.Element, item, owner, member + "[]");
                code.Close();
                code.Close();
                break;
            }

            default:
                throw new InvalidOperationException("unexpected type " + resolved);
        }
    }
}
