namespace Stellar.Xdr.Tests;

public class XdrReaderTests
{
    [Fact]
    public void ReadVariableOpaque_NonZeroPadding_ThrowsAtThePaddingOffset()
    {
        var error = Read([0, 0, 0, 1, 0xAB, 0, 1, 0], static (ref XdrReader r) => r.ReadVariableOpaque(8));
        error.Rule.Should().Be(XdrRule.NonZeroPadding);
        error.Offset.Should().Be(6);
    }

    [Fact]
    public void ReadVariableOpaque_OverBound_ThrowsBoundExceeded()
    {
        Read([0, 0, 0, 5, 1, 2, 3, 4, 5, 0, 0, 0], static (ref XdrReader r) => r.ReadVariableOpaque(4)).Rule.Should().Be(XdrRule.BoundExceeded);
    }

    [Fact]
    public void ReadVariableOpaque_LengthPastEnd_ThrowsLengthExceedsInput()
    {
        Read([0, 0, 0, 9, 1, 2, 3, 4], static (ref XdrReader r) => r.ReadVariableOpaque(uint.MaxValue)).Rule.Should().Be(XdrRule.LengthExceedsInput);
    }

    [Fact]
    public void ReadVariableOpaque_PaddedValue_RoundTripsThroughWriter()
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        new XdrWriter(buffer).WriteVariableOpaque(new byte[] { 1, 2, 3, 4, 5 }, 8);
        buffer.WrittenSpan.ToArray().Should().Equal(0, 0, 0, 5, 1, 2, 3, 4, 5, 0, 0, 0);
        var reader = new XdrReader(buffer.WrittenSpan);
        reader.ReadVariableOpaque(8).Should().Equal(1, 2, 3, 4, 5);
        reader.Remaining.Should().Be(0);
    }

    [Fact]
    public void ReadBool_Two_ThrowsInvalidBool()
    {
        Read([0, 0, 0, 2], static (ref XdrReader r) => r.ReadBool()).Rule.Should().Be(XdrRule.InvalidBool);
    }

    [Fact]
    public void ReadOptionalFlag_Two_ThrowsInvalidOptionalFlag()
    {
        Read([0, 0, 0, 2], static (ref XdrReader r) => r.ReadOptionalFlag()).Rule.Should().Be(XdrRule.InvalidOptionalFlag);
    }

    [Fact]
    public void ReadArrayLength_CountAboveRemaining_ThrowsLengthExceedsInput()
    {
        Read([0x7F, 0xFF, 0xFF, 0xFF], static (ref XdrReader r) => r.ReadArrayLength(uint.MaxValue)).Rule.Should().Be(XdrRule.LengthExceedsInput);
    }

    [Fact]
    public void ReadInt64_SevenBytes_ThrowsTruncated()
    {
        Read([0, 0, 0, 0, 0, 0, 0], static (ref XdrReader r) => r.ReadInt64()).Rule.Should().Be(XdrRule.Truncated);
    }

    [Fact]
    public void EnterNested_PastMaxDepth_ThrowsLimitExceeded()
    {
        var act = () =>
        {
            var reader = new XdrReader([], new XdrReaderOptions { MaxDepth = 3 });
            for (var i = 0; i < 4; i++)
            {
                reader.EnterNested();
            }
        };
        act.Should().Throw<XdrLimitExceededException>().Which.Rule.Should().Be(XdrRule.DepthLimit);
    }

    [Fact]
    public void Constructor_InputOverMaxLength_ThrowsLimitExceeded()
    {
        Action act = () => _ = new XdrReader(new byte[16], new XdrReaderOptions { MaxInputLength = 8 });
        act.Should().Throw<XdrLimitExceededException>().Which.Rule.Should().Be(XdrRule.InputLengthLimit);
    }

    [Fact]
    public void FromXdr_TrailingBytes_ThrowsTrailingBytes()
    {
        var act = () => Price.FromXdr([0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 0]);
        act.Should().Throw<XdrFormatException>().Which.Rule.Should().Be(XdrRule.TrailingBytes);
    }

    [Fact]
    public void Decode_UnknownEnumValue_ThrowsUnknownEnumValue()
    {
        var act = () => XdrTypes.Decode("MemoType", [0, 0, 0, 99]);
        act.Should().Throw<XdrFormatException>().Which.Rule.Should().Be(XdrRule.UnknownEnumValue);
    }

    [Fact]
    public void GeneratedType_EqualValues_AreEqualAndHashAlike()
    {
        var a = new Price { N = 1, D = 2 };
        var b = Price.FromXdr(a.ToXdr());
        b.Should().Be(a);
        b.GetHashCode().Should().Be(a.GetHashCode());
        b.D = 3;
        b.Should().NotBe(a);
    }

    [Fact]
    public void ToJson_Union_WritesDiscriminantAndArm()
    {
        var asset = new Asset
        {
            Discriminant = AssetType.ASSET_TYPE_CREDIT_ALPHANUM4,
            AlphaNum4 = new AlphaNum4
            {
                AssetCode = [(byte)'U', (byte)'S', (byte)'D', 0],
                Issuer = new PublicKey { Discriminant = PublicKeyType.PUBLIC_KEY_TYPE_ED25519, Ed25519 = new byte[32] },
            },
        };
        var json = asset.ToJson();
        json.Should().Contain("\"type\": \"ASSET_TYPE_CREDIT_ALPHANUM4\"").And.Contain("\"alphaNum4\"").And.Contain("\"55534400\"");
        Asset.FromXdr(asset.ToXdr()).Should().Be(asset);
    }

    [Fact]
    public void Encode_FixedOpaqueOfWrongLength_ThrowsEncodeException()
    {
        var key = new PublicKey { Discriminant = PublicKeyType.PUBLIC_KEY_TYPE_ED25519, Ed25519 = new byte[31] };
        var act = () => key.ToXdr();
        act.Should().Throw<XdrEncodeException>().Which.Rule.Should().Be(XdrRule.FixedLengthMismatch);
    }

    private delegate void ReadAction(ref XdrReader reader);

    private static XdrFormatException Read(byte[] bytes, ReadAction read)
    {
        try
        {
            var reader = new XdrReader(bytes);
            read(ref reader);
        }
        catch (XdrFormatException e)
        {
            return e;
        }

        throw new InvalidOperationException("no XdrFormatException was thrown");
    }
}
