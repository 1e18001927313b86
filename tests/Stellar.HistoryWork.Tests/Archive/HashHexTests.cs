using System.Security.Cryptography;

namespace Stellar.HistoryWork.Tests.Archive;

public class HashHexTests
{
    [Fact]
    public void ToHexAndParse_RoundTrip()
    {
        var bytes = SHA256.HashData("stellar"u8);
        var hex = HashHex.ToHex(bytes);
        hex.Should().MatchRegex("^[0-9a-f]{64}$");
        HashHex.Parse(hex).Should().Equal(bytes);
    }

    [Fact]
    public void Sha256_EmptyResultSet_IsTheDocumentedConstant()
    {
        HashHex.Sha256([0, 0, 0, 0]).Should().StartWith("df3f6198").And.EndWith("1119");
    }

    [Theory]
    [InlineData("")]
    [InlineData("abc")]
    [InlineData("ABCDEF0000000000000000000000000000000000000000000000000000000000")]
    [InlineData("g000000000000000000000000000000000000000000000000000000000000000")]
    [InlineData("0000000000000000000000000000000000000000000000000000000000000000 ")]
    public void Parse_NotLowercaseHex64_Throws(string hex)
    {
        HashHex.IsValid(hex).Should().BeFalse();
        var act = () => HashHex.Parse(hex);
        act.Should().Throw<FormatException>();
    }

    [Fact]
    public void IsZero_OnlyForTheAllZeroHash()
    {
        HashHex.IsZero(HashHex.Zero).Should().BeTrue();
        HashHex.IsZero("0000000000000000000000000000000000000000000000000000000000000001").Should().BeFalse();
    }

    [Fact]
    public void ToHex_WrongLength_Throws()
    {
        var act = () => HashHex.ToHex(new byte[31]);
        act.Should().Throw<ArgumentException>();
    }
}
