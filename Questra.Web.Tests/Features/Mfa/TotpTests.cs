using System.Security.Cryptography;
using System.Text;
using Questra.Web.Features.Mfa;

namespace Questra.Web.Tests.Features.Mfa;

public class TotpTests
{
    // RFC 6238 appendix B: the SHA-1 seed and its 8-digit values at the listed Unix times.
    private static readonly byte[] RfcSeed = Encoding.ASCII.GetBytes("12345678901234567890");

    [Theory]
    [InlineData(59L, "94287082")]
    [InlineData(1111111109L, "07081804")]
    [InlineData(1111111111L, "14050471")]
    [InlineData(1234567890L, "89005924")]
    [InlineData(2000000000L, "69279037")]
    [InlineData(20000000000L, "65353130")]
    public void Compute_MatchesTheRfc6238TestVectors(long unixSeconds, string expected)
    {
        var step = Totp.TimeStep(DateTimeOffset.FromUnixTimeSeconds(unixSeconds));

        Assert.Equal(expected, Totp.Compute(RfcSeed, step, digits: 8, HashAlgorithmName.SHA1));
    }

    [Fact]
    public void SixDigitCode_IsTheLastSixDigitsOfTheEightDigitOne()
    {
        var step = Totp.TimeStep(DateTimeOffset.FromUnixTimeSeconds(1111111109));

        Assert.Equal("081804", Totp.Compute(RfcSeed, step));
    }

    [Fact]
    public void Base32_DecodesIgnoringSpacesAndCase_AndRefusesOtherCharacters()
    {
        // "12345678901234567890" in base32 (RFC 4648).
        Assert.Equal(RfcSeed, Base32.TryDecode("gezd gnbv gy3t qojq gezd gnbv gy3t qojq"));
        Assert.Null(Base32.TryDecode("GEZD1"));
    }
}
