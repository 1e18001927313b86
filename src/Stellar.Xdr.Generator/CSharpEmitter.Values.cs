using System.Globalization;

namespace Stellar.Xdr.Generator;

// Value semantics of generated types: equality, hash codes and JSON.
internal sealed partial class CSharpEmitter
{
    private bool IsSimple(TypeExpr type) => _schema.Resolve(type) switch
    {
        NamedTypeExpr or StringTypeExpr => true,
        OptionalTypeExpr optional => _schema.Resolve(optional.Element) is NamedTypeExpr or StringTypeExpr,
        _ => false,
    };

    private string EqualExpr(TypeExpr type, string left, string right, int depth)
    {
        var resolved = _schema.Resolve(type);
        if (IsValueType(resolved) || (resolved is OptionalTypeExpr o && IsValueType(o.Element)))
        {
            return left + " == " + right;
        }

        switch (resolved)
        {
            case OpaqueTypeExpr:
                return Support + ".Bytes(" + left + ", " + right + ")";
            case OptionalTypeExpr optional:
                return EqualExpr(optional.Element, left, right, depth);
            case ArrayTypeExpr array when IsSimple(array.Element):
                return Support + ".Array(" + left + ", " + right + ")";
            case ArrayTypeExpr array:
                var d = depth.ToString(CultureInfo.InvariantCulture);
                return Support + ".Array(" + left + ", " + right + ", static (l" + d + ", r" + d + ") => " + EqualExpr(array.Element, "l" + d, "r" + d, depth + 1) + ")";
            default:
                return Support + ".Same(" + left + ", " + right + ")";
        }
    }

    private string HashStatement(TypeExpr type, string value)
    {
        var resolved = _schema.Resolve(type);
        if (resolved is OptionalTypeExpr optional && !IsValueType(optional.Element))
        {
            resolved = _schema.Resolve(optional.Element);
        }

        return resolved switch
        {
            OpaqueTypeExpr => "hash.Add(" + Support + ".BytesHash(" + value + "));",
            ArrayTypeExpr array when IsSimple(array.Element) => "hash.Add(" + Support + ".ArrayHash(" + value + "));",
            ArrayTypeExpr => "hash.Add(" + Support + ".LengthHash(" + value + "));",
            _ => "hash.Add(" + value + ");",
        };
    }

    private void EmitJson(Code code, TypeExpr type, string value)
    {
        var resolved = _schema.Resolve(type);
        switch (resolved)
        {
            case NamedTypeExpr { Name: "int" or "uint" or "hyper" or "uhyper" }:
                code.Line("writer.WriteNumberValue(" + value + ");");
                break;
            case NamedTypeExpr { Name: "bool" }:
                code.Line("writer.WriteBooleanValue(" + value + ");");
                break;
            case NamedTypeExpr named when _schema.Find(named.Name) is EnumDefinition:
                code.Line("writer.WriteStringValue(" + Ns + named.Name + "Xdr.ToName(" + value + "));");
                break;
            case NamedTypeExpr:
            {
                var item = "v" + (++_temp).ToString(CultureInfo.InvariantCulture);
                code.Line("if (" + value + " is { } " + item + ")");
                code.Open();
                code.Line(item + ".WriteJson(writer);");
                code.Close();
                code.Line("else");
                code.Open();
                code.Line("writer.WriteNullValue();");
                code.Close();
                break;
            }

            case OpaqueTypeExpr:
                code.Line(Support + ".WriteHex(writer, " + value + ");");
                break;
            case StringTypeExpr:
                code.Line(Support + ".WriteString(writer, " + value + ");");
                break;
            case OptionalTypeExpr optional:
            {
                var item = "o" + (++_temp).ToString(CultureInfo.InvariantCulture);
                code.Line("if (" + value + " is { } " + item + ")");
                code.Open();
                EmitJson(code, optional.Element, item);
                code.Close();
                code.Line("else");
                code.Open();
                code.Line("writer.WriteNullValue();");
                code.Close();
                break;
            }

            case ArrayTypeExpr array:
            {
                var k = (++_temp).ToString(CultureInfo.InvariantCulture);
                string items = "a" + k, item = "x" + k;
                code.Line("if (" + value + " is { } " + items + ")");
                code.Open();
                code.Line("writer.WriteStartArray();");
                code.Line("foreach (var " + item + " in " + items + ")");
                code.Open();
                EmitJson(code, array.Element, item);
                code.Close();
                code.Line();
                code.Line("writer.WriteEndArray();");
                code.Close();
                code.Line("else");
                code.Open();
                code.Line("writer.WriteNullValue();");
                code.Close();
                break;
            }

            default:
                throw new InvalidOperationException("unexpected type " + resolved);
        }
    }
}
