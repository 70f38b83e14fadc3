using System.Reflection;
using Microsoft.Extensions.DependencyInjection;
using Questra.Web.Features.ApiKeys;
using Questra.Web.Features.AuditTrail;
using Questra.Web.Features.Organizations;
using Questra.Web.Features.Surveys;
using Questra.Web.Tests.Infrastructure;

namespace Questra.Web.Tests.Features.Organizations;

/// <summary>
/// Every dashboard read and action asks the service, which reads the caller's membership and role as they are
/// now: what an open tab remembers of them counts for nothing.
/// </summary>
public abstract class StaleTabTests(QuestraFactory factory)
{
    private TestData Data => factory.Data;

    [Fact]
    public async Task ARemovedMember_GetsNotAMember_FromEveryDashboardRead()
    {
        var (org, owner) = await Data.OrgWithOwnerAsync();
        var admin = await Data.UserAsync();
        await Data.AddMemberAsync(org, admin, OrgRole.Admin);
        await Data.SurveyAsync(org, owner);
        var (keyId, _) = await Data.KeyAsync(org, owner);
        var me = new Caller(admin, null);

        await Data.RemoveMemberAsync(org, admin);

        Assert.Equal(ErrorKind.NotAMember, (await Data.WithService<SurveyAccess, ServiceResult<SurveyListing>>(s => s.ListForUserAsync(org, admin, 2, 20))).Error?.Kind);
        Assert.Equal(ErrorKind.NotAMember, (await Data.WithService<SurveyAccess, ServiceResult<List<SurveyChoice>>>(s => s.ChoicesForUserAsync(org, admin, 500))).Error?.Kind);
        Assert.Equal(ErrorKind.NotAMember, (await Data.WithService<ApiKeyService, ServiceResult<Page<ApiKey>>>(s => s.ListAsync(org, me, new ApiKeyQuery()))).Error?.Kind);
        Assert.Equal(ErrorKind.NotAMember, (await Data.WithService<ApiKeyService, ServiceResult<ApiKey>>(s => s.GetAsync(org, me, keyId))).Error?.Kind);
        Assert.Equal(ErrorKind.NotAMember, (await Data.WithService<ApiKeyService, ServiceResult<ApiKey>>(s => s.RevokeAsync(org, me, keyId))).Error?.Kind);
        Assert.Equal(ErrorKind.NotAMember, (await Data.WithService<MembershipService, ServiceResult<List<MemberView>>>(s => s.ListAsync(org, me))).Error?.Kind);
        Assert.Equal(ErrorKind.NotAMember, (await Data.WithService<MembershipService, ServiceResult<bool>>(s => s.RemoveAsync(org, me, owner))).Error?.Kind);
        Assert.Equal(ErrorKind.NotAMember, (await Data.WithService<AuditLog, ServiceResult<Page<AuditEntry>>>(s => s.QueryAsync(org, admin, new AuditFilter(), 1, 25))).Error?.Kind);
        Assert.False((await Data.WithService<ApiKeyService, CreationEligibility>(s => s.CheckCreationAsync(org, admin))).Allowed);
    }

    /// <summary>
    /// Every public service method that takes an organization first is a door the dashboard (or the API) can open:
    /// each must learn who asks (a <see cref="Caller"/> or the user's id) and refuse a removed member with
    /// NotAMember before it reads or changes anything. A new reader without a membership check fails here.
    /// </summary>
    [Fact]
    public async Task EveryOrganizationDoor_RefusesARemovedMember()
    {
        var (org, owner) = await Data.OrgWithOwnerAsync();
        var admin = await Data.UserAsync();
        await Data.AddMemberAsync(org, admin, OrgRole.Admin);
        var survey = await Data.SurveyAsync(org, owner);
        var (keyId, _) = await Data.KeyAsync(org, owner);
        await Data.RemoveMemberAsync(org, admin);
        var doors = OrganizationDoors().ToList();
        Assert.True(doors.Count > 40, $"only {doors.Count} doors found: the scan no longer sees the services");

        var open = new List<string>();
        foreach (var door in doors)
        {
            var hasCaller = door.GetParameters().Any(p => p.ParameterType == typeof(Caller));
            object? Sample(ParameterInfo p) => (p.Name, p.ParameterType) switch
            {
                ("organizationId", _) => org,
                (_, var t) when t == typeof(Caller) => new Caller(admin, null),
                // Without a Caller, userId is the one asking; with one, it names the member acted upon.
                ("userId", _) => hasCaller ? owner : admin,
                ("keyId", _) => keyId,
                ("surveyId", _) => survey,
                ("entries", _) => new List<string> { "203.0.113.7" },
                (_, var t) when t == typeof(int?) => 5,
                (_, var t) => SampleOf(t, keyId),
            };
            var arguments = door.GetParameters().Select(Sample).ToArray();
            await using var scope = factory.Services.CreateAsyncScope();
            var service = scope.ServiceProvider.GetRequiredService(door.DeclaringType!);
            object? result;
            try
            {
                var task = (Task)door.Invoke(service, arguments)!;
                await task;
                result = task.GetType().GetProperty("Result")?.GetValue(task);
            }
            catch (Exception e)
            {
                result = (e.InnerException ?? e).GetType().Name + ": " + (e.InnerException ?? e).Message;
            }
            var refused = result switch
            {
                CreationEligibility e => !e.Allowed,
                ValueTuple<int, IReadOnlyList<string>> many => many.Item1 == 0 && many.Item2.Count > 0,
                { } r when r.GetType().IsGenericType && r.GetType().GetGenericTypeDefinition() == typeof(ServiceResult<>) =>
                    (r.GetType().GetProperty(nameof(ServiceResult<int>.Error))!.GetValue(r) as ServiceError)?.Kind == ErrorKind.NotAMember,
                _ => false,
            };
            if (!refused || !(hasCaller || door.GetParameters().Any(p => p is { Name: "userId" } && p.ParameterType == typeof(string))))
            {
                open.Add($"{door.DeclaringType!.Name}.{door.Name} answered {result}");
            }
        }

        Assert.True(open.Count == 0, "Doors that did not refuse a removed member:\n" + string.Join("\n", open));
    }

    /// <summary>Public instance methods of the app's feature types whose first parameter is the organization's id.</summary>
    private static IEnumerable<MethodInfo> OrganizationDoors() =>
        typeof(Program).Assembly.GetExportedTypes()
            .Where(t => t is { IsClass: true, IsAbstract: false } && t.Namespace?.StartsWith("Questra.Web.Features", StringComparison.Ordinal) == true)
            // The circuit's own signed-in user, not a caller passed in: it re-reads that user's memberships itself.
            .Where(t => t != typeof(CurrentOrganization))
            .SelectMany(t => t.GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.DeclaredOnly))
            .Where(m => typeof(Task).IsAssignableFrom(m.ReturnType)
                && m.GetParameters() is [{ Name: "organizationId" } first, ..] && first.ParameterType == typeof(string));

    /// <summary>A plausible argument of a type: records are built from samples of their constructor's parameters.</summary>
    private static object? SampleOf(Type type, string keyId)
    {
        if (type == typeof(string)) return "x@example.com";
        if (type == typeof(CancellationToken)) return CancellationToken.None;
        if (type == typeof(IReadOnlyList<string>) || type == typeof(IReadOnlyCollection<string>)) return new List<string> { keyId };
        if (Nullable.GetUnderlyingType(type) is not null) return null;
        if (type.IsInterface && type.IsGenericType && type.GetGenericArguments() is [var item]) return Array.CreateInstance(item, 0);
        if (type.IsEnum) return Enum.GetValues(type).GetValue(0);
        if (type == typeof(int) || type == typeof(long)) return Convert.ChangeType(5, type, System.Globalization.CultureInfo.InvariantCulture);
        if (type == typeof(bool)) return true;
        if (type == typeof(DateTimeOffset)) return DateTimeOffset.UtcNow.AddDays(30);
        if (type == typeof(DateOnly)) return DateOnly.FromDateTime(DateTime.UtcNow.AddDays(-29));
        if (type == typeof(IdempotentRequest)) return new IdempotentRequest("k", new byte[32]);
        if (type.GetConstructor(Type.EmptyTypes) is { } empty) return empty.Invoke(null);
        var constructor = type.GetConstructors().OrderByDescending(c => c.GetParameters().Length).FirstOrDefault()
            ?? throw new InvalidOperationException($"No sample for {type}: add one to SampleOf.");
        return constructor.Invoke(constructor.GetParameters().Select(p => SampleOf(p.ParameterType, keyId)).ToArray());
    }

    [Fact]
    public async Task ADemotedAdmin_SeesTheNarrowerViewOnTheNextRead()
    {
        var (org, owner) = await Data.OrgWithOwnerAsync();
        var admin = await Data.UserAsync();
        await Data.AddMemberAsync(org, admin, OrgRole.Admin);
        await Data.SurveyAsync(org, owner, "Owner's");
        await Data.SurveyAsync(org, admin, "Mine");
        var before = await Data.WithService<SurveyAccess, ServiceResult<SurveyListing>>(s => s.ListForUserAsync(org, admin, 1, 20));

        await Data.SetRoleAsync(org, admin, OrgRole.Member);
        var after = await Data.WithService<SurveyAccess, ServiceResult<SurveyListing>>(s => s.ListForUserAsync(org, admin, 1, 20));
        var choices = await Data.WithService<SurveyAccess, ServiceResult<List<SurveyChoice>>>(s => s.ChoicesForUserAsync(org, admin, 500));
        var members = await Data.WithService<MembershipService, ServiceResult<List<MemberView>>>(s => s.ListAsync(org, new Caller(admin, null)));

        Assert.Equal(2, before.Value!.Page.Total);
        Assert.Equal(OrgRole.Member, after.Value!.Role);
        Assert.Equal(["Mine"], after.Value.Page.Items.Select(s => s.Title));
        Assert.Equal(["Mine"], choices.Value!.Select(s => s.Title));
        Assert.Equal(ErrorKind.Forbidden, members.Error?.Kind);
    }
}

public sealed class StaleTabTestsOnSqlite(QuestraFactory factory) : StaleTabTests(factory), IClassFixture<QuestraFactory>;

public sealed class StaleTabTestsOnPostgres(PostgresFactory factory) : StaleTabTests(factory), IClassFixture<PostgresFactory>;
