namespace Stellar.Xdr.Generator.Tests;

public class SchemaParserTests
{
    internal const string SmallSchema = """
        # a small schema in the notation of docs/xdr-schema.md
        const MAX_ITEMS = 3
        alias uint32 = uint
        alias Hash = opaque[32]
        alias Name = string<MAX_ITEMS>
        alias Maybe = Node?

        enum Color {
          RED = 0
          GREEN = 1
          BLUE = -5
        }

        struct Node {
          uint32 id
          Hash hash
          Node<MAX_ITEMS> children   # recursion through an array
          Maybe next
          Shape shape
        }

        union Shape : Color color {
          RED -> void
          GREEN, BLUE -> Name label
        }

        union Ext : int v {
          0 -> void
          default -> hyper other
        }
        """;

    [Fact]
    public void Parse_SmallSchema_ReadsEveryDefinition()
    {
        var file = SchemaParser.Parse("small.xds", SmallSchema);
        file.Definitions.Select(d => d.Name).Should().Equal("MAX_ITEMS", "uint32", "Hash", "Name", "Maybe", "Color", "Node", "Shape", "Ext");
        var node = file.Definitions.OfType<StructDefinition>().Single();
        node.Fields[2].Type.Should().Be(new ArrayTypeExpr(new NamedTypeExpr("Node"), false, "MAX_ITEMS"));
        var color = file.Definitions.OfType<EnumDefinition>().Single();
        color.Members[2].Value.Should().Be(-5);
        var shape = file.Definitions.OfType<UnionDefinition>().First();
        shape.Arms[1].Cases.Should().Equal("GREEN", "BLUE");
        file.Definitions.OfType<UnionDefinition>().Last().Arms[1].IsDefault.Should().BeTrue();
    }

    [Theory]
    [InlineData("opaque[4]", typeof(OpaqueTypeExpr))]
    [InlineData("opaque<>", typeof(OpaqueTypeExpr))]
    [InlineData("string<32>", typeof(StringTypeExpr))]
    [InlineData("SCVal<>", typeof(ArrayTypeExpr))]
    [InlineData("Hash[4]", typeof(ArrayTypeExpr))]
    [InlineData("AccountID?", typeof(OptionalTypeExpr))]
    [InlineData("int", typeof(NamedTypeExpr))]
    public void ParseType_Expression_GivesItsKind(string text, Type kind)
    {
        SchemaParser.ParseType(text, new SchemaLocation("t.xds", 1)).Should().BeOfType(kind);
    }

    [Theory]
    [InlineData("struct S {\n  int\n}", "t.xds:2")]
    [InlineData("enum E {\n  A = x\n}", "t.xds:2")]
    [InlineData("struct S {\n  int a\n", "t.xds:1")]
    [InlineData("typedef int x", "t.xds:1")]
    [InlineData("alias A = opaque", "t.xds:1")]
    [InlineData("union U : E e {\n  A => void\n}", "t.xds:2")]
    public void Parse_BadSyntax_ThrowsWithFileAndLine(string text, string location)
    {
        var act = () => SchemaParser.Parse("t.xds", text);
        act.Should().Throw<SchemaException>().Which.Message.Should().StartWith(location + ":");
    }
}
