using System.Text;
using OtpNet;
using Questra.Web.Features.Mfa;

namespace Questra.Web.Tests.Features.Mfa;

[Trait("Lane", "Unit")] // no app, no database: the fast lane (fast.runsettings)
public class TotpTests
{
    // RFC 6238 appendix B: the SHA-1 seed ("12345678901234567890") and its values at the listed Unix times.
    private static readonly byte[] RfcSeed = Encoding.ASCII.GetBytes("12345678901234567890");

    [Theory]
    [InlineData(59L, "287082")]
    [InlineData(1111111109L, "081804")]
    [InlineData(1111111111L, "050471")]
    [InlineData(1234567890L, "005924")]
    [InlineData(2000000000L, "279037")]
    [InlineData(20000000000L, "353130")]
    public void Compute_MatchesTheRfc6238TestVectors_InSixDigits(long unixSeconds, string expected)
    {
        Assert.Equal(expected, AuthenticatorCodes.Compute(RfcSeed, DateTimeOffset.FromUnixTimeSeconds(unixSeconds)));
    }

    [Theory]
    [InlineData(-30, true)]
    [InlineData(0, true)]
    [InlineData(30, true)]
    [InlineData(-60, false)]
    [InlineData(60, false)]
    public void MatchStep_AcceptsOneStepOfDriftEitherWay_AndNamesTheStep(int secondsOff, bool accepted)
    {
        var now = DateTimeOffset.FromUnixTimeSeconds(1234567890);
        var code = AuthenticatorCodes.Compute(RfcSeed, now.AddSeconds(secondsOff));

        var step = AuthenticatorCodes.MatchStep(RfcSeed, code, now);

        Assert.Equal(accepted ? AuthenticatorCodes.TimeStep(now.AddSeconds(secondsOff)) : null, step);
    }

    [Fact]
    public void DecodeKey_IgnoresSpacesDashesAndCase_AndRefusesOtherCharacters()
    {
        Assert.Equal("GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ", Base32Encoding.ToString(RfcSeed));
        Assert.Equal(RfcSeed, AuthenticatorCodes.DecodeKey("gezd gnbv-gy3t qojq gezd gnbv gy3t qojq"));
        Assert.Null(AuthenticatorCodes.DecodeKey("GEZD1"));
        Assert.Null(AuthenticatorCodes.DecodeKey(""));
        Assert.Null(AuthenticatorCodes.DecodeKey(null));
    }
}
