using System.Reflection;
using System.Reflection.Emit;
using Questra.Web.Features.Organizations;

namespace Questra.Web.Tests.Features.Accounts;

/// <summary>
/// Accounts and organizations reach API keys through one door, <see cref="IMemberKeys"/> (revoke a member's keys,
/// retire a deleted organization's, drop cached keys): none of their types holds a key-feature service or entity,
/// and no method of theirs (async state machines and lambdas included) calls, creates or reads one — so what a
/// removal or a deletion does to keys is written once, in the key feature.
/// </summary>
[Trait("Lane", "Unit")] // no app, no database: the fast lane (fast.runsettings)
public sealed class FeatureBoundaryTests
{
    private const string Keys = "Questra.Web.Features.ApiKeys";

    [Theory]
    [InlineData("Questra.Web.Features.Accounts")]
    [InlineData("Questra.Web.Features.Organizations")]
    public void AFeatureOutsideKeys_DependsOnNoKeyType(string feature)
    {
        const BindingFlags all = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;
        var types = typeof(Program).Assembly.GetTypes().Where(t => t.Namespace == feature).ToList();
        Assert.NotEmpty(types);
        var reaches = new List<string>();
        foreach (var type in types)
        {
            reaches.AddRange(type.GetConstructors(all).SelectMany(c => c.GetParameters()).Select(p => p.ParameterType)
                .Concat(type.GetFields(all).Select(f => f.FieldType))
                .Where(IsKeyType).Select(t => $"{type.Name} holds {t.Name}"));
            foreach (var method in type.GetMethods(all).Cast<MethodBase>().Concat(type.GetConstructors(all)))
            {
                reaches.AddRange(MembersUsedBy(method)
                    .Where(m => IsKeyType(m.DeclaringType) || (m is FieldInfo f && IsKeyType(f.FieldType)) || (m is MethodInfo r && IsKeyType(r.ReturnType)))
                    .Select(m => $"{type.Name}.{method.Name} uses {m.DeclaringType?.Name}.{m.Name}"));
            }
        }

        Assert.True(reaches.Count == 0, "Reaches into the key feature around IMemberKeys: " + string.Join(", ", reaches.Distinct()));
    }

    [Fact]
    public void TheScan_SeesAMethodBodyThatUsesAKeyType()
    {
        // The key feature's own adapter uses its types in its body: the scan must see that, or it proves nothing.
        var body = typeof(Questra.Web.Features.ApiKeys.MemberKeys).GetMethods().Where(m => m.DeclaringType == typeof(Questra.Web.Features.ApiKeys.MemberKeys))
            .SelectMany(m => MembersUsedBy(m)).ToList();
        Assert.Contains(body, m => IsKeyType(m.DeclaringType));
    }

    // The organization's own key-lifetime setting is shaped as the key feature's value (no service, no row of keys).
    private static readonly HashSet<Type> Values = [typeof(Questra.Web.Features.ApiKeys.KeyLifetimePolicy)];

    private static bool IsKeyType(Type? type) =>
        type is not null && !Values.Contains(type) && (type.Namespace == Keys || (type.IsGenericType && type.GetGenericArguments().Any(IsKeyType)));

    private static readonly Dictionary<short, OpCode> OpCodesByValue = typeof(OpCodes).GetFields(BindingFlags.Public | BindingFlags.Static)
        .Select(f => (OpCode)f.GetValue(null)!).ToDictionary(o => o.Value);

    /// <summary>The fields, methods and types a method's IL names (calls, field access, allocations, casts).</summary>
    private static IEnumerable<MemberInfo> MembersUsedBy(MethodBase method)
    {
        var il = method.GetMethodBody()?.GetILAsByteArray();
        if (il is null) yield break;
        var module = method.Module;
        Type[]? typeArgs = method.DeclaringType is { IsGenericType: true } d ? d.GetGenericArguments() : null;
        Type[]? methodArgs = method.IsGenericMethod ? method.GetGenericArguments() : null;
        for (var i = 0; i < il.Length;)
        {
            var value = il[i] == 0xFE ? (short)(0xFE00 | il[i + 1]) : il[i];
            var op = OpCodesByValue[value];
            i += op.Size;
            if (op.OperandType is OperandType.InlineMethod or OperandType.InlineField or OperandType.InlineType or OperandType.InlineTok)
            {
                var token = BitConverter.ToInt32(il, i);
                MemberInfo? member = null;
                try
                {
                    member = module.ResolveMember(token, typeArgs, methodArgs);
                }
                catch (ArgumentException)
                {
                    // A token of another generic context: not a key type by itself.
                }
                if (member is not null) yield return member;
            }
            i += op.OperandType switch
            {
                OperandType.InlineNone => 0,
                OperandType.ShortInlineBrTarget or OperandType.ShortInlineI or OperandType.ShortInlineVar => 1,
                OperandType.InlineVar => 2,
                OperandType.InlineI8 or OperandType.InlineR => 8,
                OperandType.InlineSwitch => 4 + 4 * BitConverter.ToInt32(il, i),
                _ => 4,
            };
        }
    }
}
