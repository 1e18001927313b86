using System.Globalization;

namespace Stellar.Xdr.Generator;

/// <summary>Writes the C# that docs/xdr-csharp.md describes for a checked <see cref="Schema"/>.</summary>
/// <remarks>
/// The parts: this file writes files, the registry, enums and structs; <c>CSharpEmitter.Union.cs</c> unions;
/// <c>CSharpEmitter.Codec.cs</c> C# types and the decode and encode statements; <c>CSharpEmitter.Values.cs</c>
/// equality, hashing and JSON; <see cref="Code"/> the indented text they write to.
/// </remarks>
internal sealed partial class CSharpEmitter
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
                code.Line(ConstDoc(constant));
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
            code.Line(EnumMemberDoc(member));
            code.Line(member.Name + " = " + member.Value.ToString(CultureInfo.InvariantCulture) + ",");
        }

        code.Close();
        var values = enumeration.Members.Select(m => m.Value).Distinct().Order().ToList();
        var contiguous = values[^1] - (long)values[0] == values.Count - 1;
        code.Line();
        code.Line("/// <summary>XDR coding of <see cref=\"" + name + "\"/>: only declared values are accepted.</summary>");
        code.Line("public static class " + name + "Xdr");
        code.Open();
        EnumCodecDocs(code, "Decode", name);
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
        EnumCodecDocs(code, "Encode", name);
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
        EnumCodecDocs(code, "IsDefined", name);
        if (contiguous)
        {
            code.Line("public static bool IsDefined(int value) => value is >= " + Int(values[0]) + " and <= " + Int(values[^1]) + ";");
        }
        else
        {
            code.Line("public static bool IsDefined(int value) => value is " + string.Join(" or ", values.Select(Int)) + ";");
        }

        code.Line();
        EnumCodecDocs(code, "ToName", name);
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
            code.Line(FieldDoc(field));
            code.Line("public " + CsType(field.Type) + " " + PropertyName(field.Name, name) + " { get; set; }" + initializer);
            code.Line();
        }

        _temp = 0;
        code.Line(Inherited);
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
        code.Line(Inherited);
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
        code.Line(Inherited);
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
        code.Line(Inherited);
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
        code.Line(CommonDoc("WriteJson"));
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
}
