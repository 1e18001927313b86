namespace Stellar.Xdr.Generator;

// Unions: the discriminant, one nullable property per arm, and their codec, equality, hashing and JSON.
internal sealed partial class CSharpEmitter
{
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
            code.Line(ArmDoc(union, arm));
            code.Line("public " + ArmType(arm.Type) + " " + PropertyName(arm.Name, name) + " { get; set; }");
        }

        code.Line();
        _temp = 0;
        code.Line(Inherited);
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
        code.Line(Inherited);
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
        code.Line(Inherited);
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
        code.Line(Inherited);
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
        code.Line(CommonDoc("WriteJson"));
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
        code.Line(CommonDoc("FromXdr"));
        code.Line("public static " + Ns + name + " FromXdr(global::System.ReadOnlySpan<byte> bytes, global::Stellar.Xdr.XdrReaderOptions? options = null) => " + Support + ".FromXdr<" + Ns + name + ">(bytes, options);");
        code.Line();
        code.Line(CommonDoc("ToXdr"));
        code.Line("public byte[] ToXdr() => " + Support + ".ToXdr(this);");
        code.Line();
        code.Line(CommonDoc("ToJson"));
        code.Line("public string ToJson() => " + Support + ".ToJson(this.WriteJson);");
        code.Line();
        code.Line(CommonDoc("ToString"));
        code.Line("public override string ToString() => this.ToJson();");
        code.Line();
        code.Line(Inherited);
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
}
