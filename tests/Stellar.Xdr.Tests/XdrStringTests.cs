namespace Stellar.Xdr.Tests;

public class XdrStringTests
{
    [Fact]
    public void ToString_ValidUtf8_ReturnsText()
    {
        new XdrString("héllo").ToString().Should().Be("héllo");
    }

    [Fact]
    public void ToString_InvalidUtf8_ReturnsHexAndKeepsBytes()
    {
        var text = new XdrString([0xD1]);
        text.IsValidUtf8.Should().BeFalse();
        text.ToString().Should().Be("d1");
        text.Span.ToArray().Should().Equal(0xD1);
    }

    [Fact]
    public void Equals_SameBytes_AreEqual()
    {
        new XdrString([1, 2]).Should().Be(new XdrString([1, 2]));
        (new XdrString([1, 2]) == new XdrString([1, 3])).Should().BeFalse();
    }
}
