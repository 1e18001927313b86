namespace Stellar.Xdr;

/// <summary>
/// CRC-32 (the gzip polynomial) algebra: the CRC of a suffix from the CRC of the whole and of the prefix,
/// without the data. CRC-32 is linear over GF(2): crc(A‖B) = crc(A)·x^(8·|B|) mod P ⊕ crc(B).
/// </summary>
internal static class Crc32Math
{
    private const uint Polynomial = 0xEDB88320; // reflected
    private static readonly uint[] PowersOfX = BuildPowers();

    /// <summary>The CRC-32 of the last <paramref name="suffixLength"/> bytes of data whose CRC-32 is <paramref name="whole"/> and whose prefix before them has CRC-32 <paramref name="prefix"/>.</summary>
    public static uint Suffix(uint whole, uint prefix, long suffixLength) => whole ^ Multiply(XPower8(suffixLength), prefix);

    /// <summary>The CRC-32 of A‖B from crc(A), crc(B) and |B|.</summary>
    public static uint Combine(uint first, uint second, long secondLength) => Multiply(XPower8(secondLength), first) ^ second;

    // Product of two polynomials modulo P, bit-reflected (bit 31 is x^0).
    private static uint Multiply(uint a, uint b)
    {
        var product = 0u;
        for (var bit = 1u << 31; bit != 0; bit >>= 1)
        {
            if ((a & bit) != 0)
            {
                product ^= b;
            }

            b = (b & 1) != 0 ? (b >> 1) ^ Polynomial : b >> 1;
        }

        return product;
    }

    // x^(8n) mod P by squaring: PowersOfX[k] = x^(2^k).
    private static uint XPower8(long n)
    {
        var result = 1u << 31;
        for (var k = 3; n != 0; n >>= 1, k++)
        {
            if ((n & 1) != 0)
            {
                result = Multiply(PowersOfX[k % 32], result);
            }
        }

        return result;
    }

    private static uint[] BuildPowers()
    {
        var powers = new uint[32];
        powers[0] = 1u << 30; // x^1
        for (var k = 1; k < powers.Length; k++)
        {
            powers[k] = Multiply(powers[k - 1], powers[k - 1]);
        }

        return powers;
    }
}
