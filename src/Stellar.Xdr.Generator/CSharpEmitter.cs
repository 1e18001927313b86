using System.Globalization;
using System.Text;

namespace Stellar.Xdr.Generator;

/// <summary>Writes the C# that docs/xdr-csharp.md describes for a checked <see cref="Schema"/>.</summary>
internal sealed class CSharpEmitter
{
    private const string Ns = "global::Stellar.Xdr.";
    private const string Support = "global::Stellar.Xdr.XdrSupport";
    private const string Writer = "global::Stellar.Xdr.XdrWriter";
    private const string Json = "global::System.Text.Json.Utf8JsonWriter";

    private static readonly HashSet<string> ReservedMembers = new(StringComparer.Ordinal)
    {
        "Decode", "Encode", "FromXdr", "ToXdr", "Equals", "GetHashCode", "ToString", "GetType", "WriteJson", "ToJson",
        "Discriminant", "MemberwiseClone", "ReferenceEquals",
    };

    private readonly Schema _schema;
    private int _temp;

    public CSharpEmitter(Schema schema)
    {
        _schema = schema;
    }

    public static string PropertyName(string fieldName, string ownerName)
    {
        var name = char.ToUpperInvariant(fieldName[0]) + fieldName[1..];
        return name == ownerName || ReservedMembers.Contains(name) ? name + "Value" : name;
    }

    public string EmitFile(SchemaFile file)
    {
        var code = new Code();
        Header(code, "Schema/" + file.FileName);
        var constants = file.Definitions.OfType<ConstDefinition>().ToList();
        if (constants.Count > 0)
        {
            code.Line();
            code.Line("/// <summary>Constants declared in " + file.FileName + ".</summary>");
            code.Line("public static partial class XdrConstants");
            code.Open();
            foreach (var constant in constants)
            {
                var type = constant.Value is >= int.MinValue and <= int.MaxValue ? "int" : "long";
                code.Line("public const " + type + " " + constant.Name + " = " + constant.Value.ToString(CultureInfo.InvariantCulture) + ";");
            }

            code.Close();
        }

        foreach (var definition in file.Definitions)
        {
            switch (definition)
            {
                case EnumDefinition enumeration:
                    EmitEnum(code, enumeration);
                    break;
                case StructDefinition structure:
                    EmitStruct(code, structure);
                    break;
                case UnionDefinition union:
                    EmitUnion(code, union);
                    break;
            }
        }

        return code.ToString();
    }

    public string EmitRegistry()
    {
        var entries = new SortedDictionary<string, TypeExpr>(StringComparer.Ordinal);
        foreach (var builtin in Schema.Builtins)
        {
            entries[builtin] = new NamedTypeExpr(builtin);
        }

        foreach (var definition in _schema.Definitions)
        {
            if (definition is not ConstDefinition)
            {
                entries[definition.Name] = new NamedTypeExpr(definition.Name);
            }
        }

        var code = new Code();
        Header(code, "every Schema/*.xds");
        code.Line();
        code.Line("public static partial class XdrTypes");
        code.Open();
        code.Line("private static partial global::System.Collections.Generic.Dictionary<string, global::Stellar.Xdr.XdrTypeInfo> CreateRegistry()");
        code.Open();
        code.Line("var registry = new global::System.Collections.Generic.Dictionary<string, global::Stellar.Xdr.XdrTypeInfo>(" + entries.Count.ToString(CultureInfo.InvariantCulture) + ", global::System.StringComparer.Ordinal);");
        foreach (var (name, type) in entries)
        {
            code.Line("registry.Add(\"" + name + "\", new global::Stellar.Xdr.XdrTypeInfo(\"" + name + "\", typeof(" + TypeOfName(type) + "), Decode_" + name + ", Encode_" + name + ", Json_" + name + "));");
        }

        code.Line("return registry;");
        code.Close();
        foreach (var (name, type) in entries)
        {
            var csType = CsType(type);
            _temp = 0;
            code.Line();
            code.Line("private static object? Decode_" + name + "(ref global::Stellar.Xdr.XdrReader reader)");
            code.Open();
            code.Line(csType + " value;");
            EmitDecode(code, type, "value");
            code.Line("return value;");
            code.Close();
            code.Line();
            code.Line("private static void Encode_" + name + "(" + Writer + " writer, object? boxed)");
            code.Open();
            code.Line("var value = (" + csType + ")boxed" + (IsNullable(type) ? string.Empty : "!") + ";");
            EmitEncode(code, type, "value", name, "value");
            code.Close();
            code.Line();
            code.Line("private static void Json_" + name + "(" + Json + " writer, object? boxed)");
            code.Open();
            code.Line("var value = (" + csType + ")boxed" + (IsNullable(type) ? string.Empty : "!") + ";");
            EmitJson(code, type, "value");
            code.Close();
        }

        code.Close();
        return code.ToString();
    }

    private static void Header(Code code, string source)
    {
        code.Line("// <auto-generated/>");
        code.Line("// Generated by Stellar.Xdr.Generator from " + source + ". Do not edit: change the schema and regenerate.");
        code.Line("#nullable enable");
        code.Line();
        code.Line("namespace Stellar.Xdr;");
    }

    private static string Summary(string kind, Definition definition) =>
        "/// <summary>XDR " + kind + " <c>" + definition.Name + "</c> (" + definition.Location + ").</summary>";

    private static void EmitEnum(Code code, EnumDefinition enumeration)
    {
        var name = enumeration.Name;
        code.Line();
        code.Line(Summary("enum", enumeration));
        code.Line("public enum " + name + " : int");
        code.Open();
        foreach (var member in enumeration.Members)
        {
            code.Line(member.Name + " = " + member.Value.ToString(CultureInfo.InvariantCulture) + ",");
        }

        code.Close();
        var values = enumeration.Members.Select(m => m.Value).Distinct().Order().ToList();
        var contiguous = values[^1] - (long)values[0] == values.Count - 1;
        code.Line();
        code.Line("/// <summary>XDR coding of <see cref=\"" + name + "\"/>: only declared values are accepted.</summary>");
        code.Line("public static class " + name + "Xdr");
        code.Open();
        code.Line("public static " + Ns + name + " Decode(ref global::Stellar.Xdr.XdrReader reader)");
        code.Open();
        code.Line("var value = reader.ReadInt32();");
        code.Line("if (!IsDefined(value))");
        code.Open();
        code.Line("throw reader.UnknownEnumValue(\"" + name + "\", value);");
        code.Close();
        code.Line();
        code.Line("return (" + Ns + name + ")value;");
        code.Close();
        code.Line();
        code.Line("public static void Encode(" + Writer + " writer, " + Ns + name + " value)");
        code.Open();
        code.Line("global::System.ArgumentNullException.ThrowIfNull(writer);");
        code.Line("if (!IsDefined((int)value))");
        code.Open();
        code.Line("throw " + Writer + ".UnknownEnumValue(\"" + name + "\", (int)value);");
        code.Close();
        code.Line();
        code.Line("writer.WriteInt32((int)value);");
        code.Close();
        code.Line();
        if (contiguous)
        {
            code.Line("public static bool IsDefined(int value) => value is >= " + Int(values[0]) + " and <= " + Int(values[^1]) + ";");
        }
        else
        {
            code.Line("public static bool IsDefined(int value) => value is " + string.Join(" or ", values.Select(Int)) + ";");
        }

        code.Line();
        code.Line("public static string ToName(" + Ns + name + " value) => value switch");
        code.Open();
        foreach (var member in enumeration.Members.DistinctBy(m => m.Value))
        {
            code.Line(Ns + name + "." + member.Name + " => \"" + member.Name + "\",");
        }

        code.Line("_ => ((int)value).ToString(global::System.Globalization.CultureInfo.InvariantCulture),");
        code.Indent--;
        code.Line("};");
        code.Close();
    }

    private void EmitStruct(Code code, StructDefinition structure)
    {
        var name = structure.Name;
        code.Line();
        code.Line(Summary("struct", structure));
        code.Line("public sealed partial class " + name + " : global::Stellar.Xdr.IXdrType<" + Ns + name + ">, global::System.IEquatable<" + Ns + name + ">");
        code.Open();
        foreach (var field in structure.Fields)
        {
            var initializer = IsNullable(field.Type) || IsValueType(field.Type) ? string.Empty : " = null!;";
            code.Line("public " + CsType(field.Type) + " " + PropertyName(field.Name, name) + " { get; set; }" + initializer);
            code.Line();
        }

        _temp = 0;
        code.Line("public static " + Ns + name + " Decode(ref global::Stellar.Xdr.XdrReader reader)");
        code.Open();
        code.Line("reader.EnterNested();");
        code.Line("var result = new " + Ns + name + "();");
        foreach (var field in structure.Fields)
        {
            EmitDecode(code, field.Type, "result." + PropertyName(field.Name, name));
        }

        code.Line("reader.ExitNested();");
        code.Line("return result;");
        code.Close();
        code.Line();
        _temp = 0;
        code.Line("public void Encode(" + Writer + " writer)");
        code.Open();
        code.Line("global::System.ArgumentNullException.ThrowIfNull(writer);");
        foreach (var field in structure.Fields)
        {
            EmitEncode(code, field.Type, "this." + PropertyName(field.Name, name), name, field.Name);
        }

        code.Close();
        CommonMembers(code, name);
        code.Line();
        code.Line("public bool Equals(" + Ns + name + "? other)");
        code.Open();
        var comparisons = structure.Fields.Select(f =>
        {
            var property = PropertyName(f.Name, name);
            return EqualExpr(f.Type, "this." + property, "other." + property, 0);
        }).ToList();
        code.Line(comparisons.Count == 0
            ? "return other is not null;"
            : "return other is not null && (ReferenceEquals(this, other) || (" + string.Join(" && ", comparisons) + "));");
        code.Close();
        code.Line();
        code.Line("public override int GetHashCode()");
        code.Open();
        code.Line("var hash = default(global::System.HashCode);");
        foreach (var field in structure.Fields)
        {
            code.Line(HashStatement(field.Type, "this." + PropertyName(field.Name, name)));
        }

        code.Line("return hash.ToHashCode();");
        code.Close();
        code.Line();
        _temp = 0;
        code.Line("public void WriteJson(" + Json + " writer)");
        code.Open();
        code.Line("global::System.ArgumentNullException.ThrowIfNull(writer);");
        code.Line("writer.WriteStartObject();");
        foreach (var field in structure.Fields)
        {
            code.Line("writer.WritePropertyName(\"" + field.Name + "\");");
            EmitJson(code, field.Type, "this." + PropertyName(field.Name, name));
        }

        code.Line("writer.WriteEndObject();");
        code.Close();
        code.Close();
    }

    private void EmitUnion(Code code, UnionDefinition union)
    {
        var name = union.Name;
        var discriminant = _schema.Resolve(union.DiscriminantType);
        var enumName = discriminant is NamedTypeExpr named && _schema.Find(named.Name) is EnumDefinition e ? e.Name : null;
        var discriminantType = enumName is not null ? Ns + enumName : ((NamedTypeExpr)discriminant).Name;
        var arms = union.Arms.Where(a => a.Field is not null).Select(a => a.Field!).DistinctBy(f => f.Name).ToList();
        code.Line();
        code.Line(Summary("union", union));
        code.Line("public sealed partial class " + name + " : global::Stellar.Xdr.IXdrType<" + Ns + name + ">, global::System.IEquatable<" + Ns + name + ">");
        code.Open();
        code.Line("/// <summary>The discriminant (<c>" + union.DiscriminantName + "</c>); it selects which arm is present.</summary>");
        code.Line("public " + discriminantType + " Discriminant { get; set; }");
        foreach (var arm in arms)
        {
            code.Line();
            code.Line("public " + ArmType(arm.Type) + " " + PropertyName(arm.Name, name) + " { get; set; }");
        }

        code.Line();
        _temp = 0;
        code.Line("public static " + Ns + name + " Decode(ref global::Stellar.Xdr.XdrReader reader)");
        code.Open();
        code.Line("reader.EnterNested();");
        code.Line("var result = new " + Ns + name + "();");
        var read = enumName is not null
            ? Ns + enumName + "Xdr.Decode(ref reader)"
            : discriminantType == "uint" ? "reader.ReadUInt32()" : "reader.ReadInt32()";
        code.Line("var discriminant = " + read + ";");
        code.Line("result.Discriminant = discriminant;");
        code.Line("switch (discriminant)");
        code.Open();
        foreach (var arm in union.Arms)
        {
            CaseLabels(code, arm, enumName);
            code.Indent++;
            if (arm.Field is not null)
            {
                EmitDecode(code, arm.Field.Type, "result." + PropertyName(arm.Field.Name, name));
            }

            code.Line("break;");
            code.Indent--;
        }

        if (!union.Arms.Any(a => a.IsDefault))
        {
            code.Line("default:");
            code.Indent++;
            code.Line("throw reader.UnknownUnionArm(\"" + name + "\", (long)discriminant);");
            code.Indent--;
        }

        code.Close();
        code.Line();
        code.Line("reader.ExitNested();");
        code.Line("return result;");
        code.Close();
        code.Line();
        _temp = 0;
        code.Line("public void Encode(" + Writer + " writer)");
        code.Open();
        code.Line("global::System.ArgumentNullException.ThrowIfNull(writer);");
        code.Line(enumName is not null
            ? Ns + enumName + "Xdr.Encode(writer, this.Discriminant);"
            : discriminantType == "uint" ? "writer.WriteUInt32(this.Discriminant);" : "writer.WriteInt32(this.Discriminant);");
        code.Line("switch (this.Discriminant)");
        code.Open();
        foreach (var arm in union.Arms)
        {
            CaseLabels(code, arm, enumName);
            code.Indent++;
            if (arm.Field is not null)
            {
                var property = "this." + PropertyName(arm.Field.Name, name);
                var value = IsValueType(arm.Field.Type)
                    ? "(" + property + " ?? throw " + Writer + ".MissingValue(\"" + name + "\", \"" + arm.Field.Name + "\"))"
                    : property;
                EmitEncode(code, arm.Field.Type, value, name, arm.Field.Name);
            }

            code.Line("break;");
            code.Indent--;
        }

        if (!union.Arms.Any(a => a.IsDefault))
        {
            code.Line("default:");
            code.Indent++;
            code.Line("throw " + Writer + ".UnknownUnionArm(\"" + name + "\", (long)this.Discriminant);");
            code.Indent--;
        }

        code.Close();
        code.Close();
        CommonMembers(code, name);
        code.Line();
        code.Line("public bool Equals(" + Ns + name + "? other)");
        code.Open();
        var comparisons = new List<string> { "this.Discriminant == other.Discriminant" };
        foreach (var arm in arms)
        {
            var property = PropertyName(arm.Name, name);
            comparisons.Add(EqualExpr(NullableArm(arm.Type), "this." + property, "other." + property, 0));
        }

        code.Line("return other is not null && (ReferenceEquals(this, other) || (" + string.Join(" && ", comparisons) + "));");
        code.Close();
        code.Line();
        code.Line("public override int GetHashCode()");
        code.Open();
        code.Line("var hash = default(global::System.HashCode);");
        code.Line("hash.Add(this.Discriminant);");
        foreach (var arm in arms)
        {
            code.Line(HashStatement(NullableArm(arm.Type), "this." + PropertyName(arm.Name, name)));
        }

        code.Line("return hash.ToHashCode();");
        code.Close();
        code.Line();
        _temp = 0;
        code.Line("public void WriteJson(" + Json + " writer)");
        code.Open();
        code.Line("global::System.ArgumentNullException.ThrowIfNull(writer);");
        code.Line("writer.WriteStartObject();");
        code.Line("writer.WritePropertyName(\"" + union.DiscriminantName + "\");");
        code.Line(enumName is not null
            ? "writer.WriteStringValue(" + Ns + enumName + "Xdr.ToName(this.Discriminant));"
            : "writer.WriteNumberValue(this.Discriminant);");
        if (arms.Count > 0)
        {
            code.Line("switch (this.Discriminant)");
            code.Open();
            foreach (var arm in union.Arms.Where(a => a.Field is not null))
            {
                CaseLabels(code, arm, enumName);
                code.Indent++;
                code.Line("writer.WritePropertyName(\"" + arm.Field!.Name + "\");");
                EmitJson(code, NullableArm(arm.Field.Type), "this." + PropertyName(arm.Field.Name, name));
                code.Line("break;");
                code.Indent--;
            }

            code.Close();
            code.Line();
        }

        code.Line("writer.WriteEndObject();");
        code.Close();
        code.Close();
    }

    private static void CommonMembers(Code code, string name)
    {
        code.Line();
        code.Line("/// <summary>Decodes <paramref name=\"bytes\"/>, which must hold exactly one value.</summary>");
        code.Line("public static " + Ns + name + " FromXdr(global::System.ReadOnlySpan<byte> bytes, global::Stellar.Xdr.XdrReaderOptions? options = null) => " + Support + ".FromXdr<" + Ns + name + ">(bytes, options);");
        code.Line();
        code.Line("public byte[] ToXdr() => " + Support + ".ToXdr(this);");
        code.Line();
        code.Line("public string ToJson() => " + Support + ".ToJson(this.WriteJson);");
        code.Line();
        code.Line("public override string ToString() => this.ToJson();");
        code.Line();
        code.Line("public override bool Equals(object? obj) => this.Equals(obj as " + Ns + name + ");");
    }

    private static void CaseLabels(Code code, UnionArm arm, string? enumName)
    {
        if (arm.IsDefault)
        {
            code.Line("default:");
            return;
        }

        foreach (var label in arm.Cases)
        {
            code.Line("case " + (enumName is not null ? Ns + enumName + "." + label : label) + ":");
        }
    }

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

    /// <summary>Builds indented text with LF line ends, whatever the platform.</summary>
    private sealed class Code
    {
        private readonly StringBuilder _text = new();

        public int Indent { get; set; }

        public void Line(string text = "")
        {
            if (text.Length > 0)
            {
                _text.Append(' ', Indent * 4).Append(text);
            }

            _text.Append('\n');
        }

        public void Open()
        {
            Line("{");
            Indent++;
        }

        public void Close()
        {
            Indent--;
            Line("}");
        }

        public override string ToString() => _text.ToString();
    }
}
