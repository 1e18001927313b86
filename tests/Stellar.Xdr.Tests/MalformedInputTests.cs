using System.Text.Json;
using Stellar.TestSupport;

namespace Stellar.Xdr.Tests;

public class MalformedInputTests
{
    private const long AllocationBound = 1 << 20;

    public static TheoryData<string> VectorIds()
    {
        var data = new TheoryData<string>();
        foreach (var vector in Vectors())
        {
            data.Add(vector.GetProperty("id").GetString()!);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(VectorIds))]
    public void Decode_MalformedVector_BehavesAsExpectedWithinBoundedAllocation(string id)
    {
        var vector = Vectors().Single(v => v.GetProperty("id").GetString() == id);
        var type = XdrTypes.Get(vector.GetProperty("rootType").GetString()!);
        var bytes = Convert.FromHexString(vector.GetProperty("hex").GetString()!);
        var reject = vector.GetProperty("expect").GetString()!.StartsWith("reject", StringComparison.Ordinal);

        // Warm up once so JIT work is not counted as the decoder's allocation.
        var first = Record.Exception(() => type.Decode(bytes));
        var before = GC.GetAllocatedBytesForCurrentThread();
        var error = Record.Exception(() => type.Decode(bytes));
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        if (reject)
        {
            error.Should().BeAssignableTo<XdrException>(id);
            error!.GetType().Should().NotBe<XdrException>("the exception type names the rule");
            first!.GetType().Should().Be(error.GetType());
        }
        else
        {
            error.Should().BeNull(id);
        }

        allocated.Should().BeLessThan(AllocationBound, id);
    }

    [Fact]
    public void Decode_DepthBombs_FailOnTheDepthRule()
    {
        foreach (var id in new[] { "scval-nesting-1000", "claimpredicate-not-nesting-2000" })
        {
            var vector = Vectors().Single(v => v.GetProperty("id").GetString() == id);
            var act = () => XdrTypes.Decode(vector.GetProperty("rootType").GetString()!, Convert.FromHexString(vector.GetProperty("hex").GetString()!));
            act.Should().Throw<XdrLimitExceededException>().Which.Rule.Should().Be(XdrRule.DepthLimit);
        }
    }

    [Fact]
    public void Decode_HugeOpaqueLength_FailsBeforeAllocating()
    {
        var act = () => XdrTypes.Decode("Value", [0xFF, 0xFF, 0xFF, 0xFF]);
        var error = act.Should().Throw<XdrFormatException>().Which;
        error.Rule.Should().Be(XdrRule.LengthExceedsInput);
        error.Offset.Should().Be(0);
    }

    private static List<JsonElement> Vectors()
    {
        using var document = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(Fixtures.Xdr, "negative", "malformed.json")));
        return document.RootElement.GetProperty("vectors").EnumerateArray().Select(v => v.Clone()).ToList();
    }
}
