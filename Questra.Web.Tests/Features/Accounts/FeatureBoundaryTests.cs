using System.Reflection;
using Questra.Web.Features.Organizations;

namespace Questra.Web.Tests.Features.Accounts;

/// <summary>
/// Accounts and organizations reach API keys through one door, <see cref="IMemberKeys"/> (revoke a member's keys,
/// retire a deleted organization's, drop cached keys): none of their types holds a key-feature service or entity,
/// so what a removal or a deletion does to keys is written once, in the key feature.
/// </summary>
[Trait("Lane", "Unit")] // no app, no database: the fast lane (fast.runsettings)
public sealed class FeatureBoundaryTests
{
    [Theory]
    [InlineData("Questra.Web.Features.Accounts")]
    [InlineData("Questra.Web.Features.Organizations")]
    public void AFeatureOutsideKeys_DependsOnNoKeyType(string feature)
    {
        const string keys = "Questra.Web.Features.ApiKeys";
        var reaches = typeof(Program).Assembly.GetTypes()
            .Where(t => t.Namespace == feature)
            .SelectMany(t => t.GetConstructors(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance)
                .SelectMany(c => c.GetParameters().Select(p => (Type: t, Used: p.ParameterType)))
                .Concat(t.GetFields(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static)
                    .Select(f => (Type: t, Used: f.FieldType))))
            .Where(x => x.Used.Namespace == keys)
            .Select(x => $"{x.Type.Name} → {x.Used.Name}")
            .ToList();

        Assert.True(reaches.Count == 0, "Reaches into the key feature around IMemberKeys: " + string.Join(", ", reaches));
    }
}
