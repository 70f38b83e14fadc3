using Questra.Web.Features.ApiKeys;

namespace Questra.Web.Tests.Features.ApiKeys;

[Trait("Lane", "Unit")] // no app, no database: the fast lane (fast.runsettings)
public class ApiKeySecretTests
{
    [Fact]
    public void Crc32_StandardCheckValue()
    {
        // The CRC-32/ISO-HDLC check value for "123456789".
        Assert.Equal(0xCBF43926u, Crc32.Compute("123456789"));
    }

    [Fact]
    public void Generate_HasDocumentedShape_AndValidChecksum()
    {
        var secret = ApiKeySecret.Generate();

        Assert.StartsWith("sk_live_", secret);
        Assert.Equal(ApiKeySecret.Length, secret.Length);
        Assert.True(Ids.IsBase62(secret.AsSpan(8)));
        Assert.Equal(SecretFormat.Valid, ApiKeySecret.CheckFormat(secret));
        Assert.Equal(ApiKeySecret.Checksum(secret.AsSpan(0, secret.Length - 6)), secret[^6..]);
    }

    [Fact]
    public void CheckFormat_RejectsEverySingleCharacterChange()
    {
        var secret = ApiKeySecret.Generate();
        var accepted = new List<string>();
        for (var position = 0; position < secret.Length; position++)
        {
            foreach (var replacement in Ids.Base62Alphabet + "_-")
            {
                if (replacement == secret[position]) continue;
                var changed = secret[..position] + replacement + secret[(position + 1)..];
                if (ApiKeySecret.CheckFormat(changed) == SecretFormat.Valid) accepted.Add(changed);
            }
        }
        Assert.Empty(accepted);
    }

    [Theory]
    [InlineData("", SecretFormat.WrongPrefix)]
    [InlineData("sk_test_abc", SecretFormat.WrongPrefix)]
    [InlineData("sk_live_short", SecretFormat.Malformed)]
    public void CheckFormat_NamesWhatIsWrong(string value, SecretFormat expected)
    {
        Assert.Equal(expected, ApiKeySecret.CheckFormat(value));
    }

    [Fact]
    public void CheckFormat_RightLengthWithNonBase62Character_IsMalformed()
    {
        var secret = ApiKeySecret.Generate();
        Assert.Equal(SecretFormat.Malformed, ApiKeySecret.CheckFormat(secret[..20] + "é" + secret[21..]));
    }

    [Fact]
    public void Generate_TenThousandSecrets_AreDistinct()
    {
        var secrets = Enumerable.Range(0, 10_000).Select(_ => ApiKeySecret.Generate()).ToHashSet();
        Assert.Equal(10_000, secrets.Count);
    }

    [Fact]
    public void Hash_IsSha256_AndDisplayPrefixRevealsOnlyFourRandomCharacters()
    {
        var secret = ApiKeySecret.Generate();
        Assert.Equal(32, ApiKeySecret.Hash(secret).Length);
        Assert.Equal(secret[..12], ApiKeySecret.DisplayPrefix(secret));
    }
}
