using System.Net.Http.Headers;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Questra.Web.Data;
using Questra.Web.Features.ApiKeys;
using Questra.Web.Features.Organizations;
using Questra.Web.Features.Surveys;

namespace Questra.Web.Tests.Infrastructure;

/// <summary>Builds the world a test needs directly through the app's own services and database.</summary>
public sealed class TestData(IServiceProvider services)
{
    public async Task<T> WithDb<T>(Func<QuestraDbContext, Task<T>> work)
    {
        await using var scope = services.CreateAsyncScope();
        return await work(scope.ServiceProvider.GetRequiredService<QuestraDbContext>());
    }

    public Task WithDb(Func<QuestraDbContext, Task> work) => WithDb(async db => { await work(db); return 0; });

    public async Task<T> WithService<TService, T>(Func<TService, Task<T>> work) where TService : notnull
    {
        await using var scope = services.CreateAsyncScope();
        return await work(scope.ServiceProvider.GetRequiredService<TService>());
    }

    public async Task<string> UserAsync(bool mfa = true, bool confirmed = true)
    {
        await using var scope = services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
        var email = $"user-{Guid.NewGuid():N}@example.test";
        var user = new ApplicationUser { UserName = email, Email = email, EmailConfirmed = confirmed, TwoFactorEnabled = mfa };
        var result = await users.CreateAsync(user, Password);
        Assert.True(result.Succeeded, string.Join(", ", result.Errors.Select(e => e.Description)));
        return user.Id;
    }

    public const string Password = "Passw0rd!-long-enough";

    /// <summary>A confirmed user with an authenticator enrolled (two-factor on): id, email and the app's shared key.</summary>
    public async Task<(string Id, string Email, byte[] Key)> EnrolledUserAsync()
    {
        var id = await UserAsync(mfa: false);
        await using var scope = services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
        var user = (await users.FindByIdAsync(id))!;
        await users.ResetAuthenticatorKeyAsync(user);
        var key = Questra.Web.Features.Mfa.AuthenticatorCodes.DecodeKey(await users.GetAuthenticatorKeyAsync(user))!;
        await users.SetTwoFactorEnabledAsync(user, true);
        return (id, user.Email!, key);
    }

    public Task<string> EmailOfAsync(string userId) => WithDb(db => db.Users.Where(u => u.Id == userId).Select(u => u.Email!).SingleAsync());

    public Task<string> OrgAsync(Plan plan = Plan.Pro, ApiKeyCreationPolicy policy = ApiKeyCreationPolicy.OwnersAndAdmins) =>
        WithDb(async db =>
        {
            var org = new Organization { Id = Ids.New(Organization.IdPrefix), Name = "Test org", Plan = plan, ApiKeyCreation = policy };
            db.Organizations.Add(org);
            await db.SaveChangesAsync();
            return org.Id;
        });

    public Task AddMemberAsync(string orgId, string userId, OrgRole role) =>
        WithDb(async db =>
        {
            db.Memberships.Add(new Membership { OrganizationId = orgId, UserId = userId, Role = role });
            await db.SaveChangesAsync();
        });

    /// <summary>Makes <paramref name="orgId"/> the organization the user's dashboard opens on.</summary>
    public Task SelectOrganizationAsync(string userId, string orgId) =>
        WithDb(db => db.Users.Where(u => u.Id == userId).ExecuteUpdateAsync(s => s.SetProperty(u => u.SelectedOrganizationId, orgId)));

    /// <summary>Changes a member's role as another owner of the org would, through the service (which also drops cached keys).</summary>
    public async Task SetRoleAsync(string orgId, string userId, OrgRole role)
    {
        var owner = await AnotherOwnerAsync(orgId, userId);
        var result = await WithService<MembershipService, ServiceResult<OrgRole>>(m => m.ChangeRoleAsync(orgId, new Caller(owner, null), userId, role));
        Assert.True(result.Succeeded, result.Error?.Message);
    }

    /// <summary>Removes a member as another owner of the org would.</summary>
    public async Task RemoveMemberAsync(string orgId, string userId)
    {
        var owner = await AnotherOwnerAsync(orgId, userId);
        var result = await WithService<MembershipService, ServiceResult<bool>>(m => m.RemoveAsync(orgId, new Caller(owner, null), userId));
        Assert.True(result.Succeeded, result.Error?.Message);
    }

    private Task<string> AnotherOwnerAsync(string orgId, string userId) =>
        WithDb(db => db.Memberships.Where(m => m.OrganizationId == orgId && m.Role == OrgRole.Owner && m.UserId != userId)
            .Select(m => m.UserId).FirstAsync());

    /// <summary>An org with an owner (MFA on), on a paid plan.</summary>
    public async Task<(string OrgId, string OwnerId)> OrgWithOwnerAsync(Plan plan = Plan.Pro)
    {
        var org = await OrgAsync(plan);
        var owner = await UserAsync();
        await AddMemberAsync(org, owner, OrgRole.Owner);
        return (org, owner);
    }

    public Task<string> SurveyAsync(string orgId, string ownerId, string title = "Survey", params (DateTimeOffset At, bool Completed)[] responses) =>
        WithDb(async db =>
        {
            var survey = new Survey
            {
                Id = Ids.New(Survey.IdPrefix),
                OrganizationId = orgId,
                OwnerUserId = ownerId,
                Title = title,
                Status = SurveyStatus.Active,
                CreatedAt = DateTimeOffset.UtcNow,
                UpdatedAt = DateTimeOffset.UtcNow,
                PublicId = Survey.NewPublicId(),
                Questions = [new SurveyQuestion { SurveyId = "", Position = 0, Text = "How was it?", Kind = "rating" }],
            };
            db.Surveys.Add(survey);
            foreach (var (at, completed) in responses)
            {
                db.SurveyResponses.Add(new SurveyResponse { SurveyId = survey.Id, SubmittedAt = at, Completed = completed, AnswersJson = """{"q0":"private answer"}""" });
            }
            await db.SaveChangesAsync();
            return survey.Id;
        });

    /// <summary>
    /// A survey written as the dashboard writes it (<see cref="SurveyAuthoring"/>), by <paramref name="userId"/>,
    /// published unless asked not to; one question of each kind unless a draft is given.
    /// </summary>
    public async Task<Survey> AuthoredSurveyAsync(string orgId, string userId, SurveyDraft? draft = null, bool publish = true)
    {
        var caller = new Caller(userId, "127.0.0.1");
        var created = await WithService<SurveyAuthoring, ServiceResult<Survey>>(a => a.CreateAsync(orgId, caller, draft ?? EveryKind()));
        Assert.True(created.Succeeded, created.Error?.Message);
        if (!publish) return created.Value!;
        var published = await WithService<SurveyAuthoring, ServiceResult<Survey>>(a => a.SetStatusAsync(orgId, caller, created.Value!.Id, SurveyStatus.Active));
        Assert.True(published.Succeeded, published.Error?.Message);
        return published.Value!;
    }

    /// <summary>
    /// A response through the same checks as the public form (<see cref="AnswerRules"/>), stored as the form stores
    /// it; <paramref name="fields"/> are the form's fields (<c>q{id}</c> → values).
    /// </summary>
    public async Task RespondAsync(Survey survey, IEnumerable<KeyValuePair<string, Microsoft.Extensions.Primitives.StringValues>> fields, DateTimeOffset at)
    {
        var form = ResponseSubmission.FormOf(survey);
        var check = AnswerRules.Check(form, fields);
        Assert.True(check.Valid, string.Join("; ", check.Errors.Values) + check.Forged);
        Assert.True(await WithService<ResponseSubmission, bool>(r => r.StoreAsync(form, check, at)));
    }

    /// <summary>A draft with one question of each kind: the choice questions have options "Red", "Green", "Blue"; the rating is required.</summary>
    public static SurveyDraft EveryKind(string title = "Every kind") => new()
    {
        Title = title,
        Description = "A survey with one question of each kind.",
        Questions =
        [
            new() { Kind = QuestionKinds.SingleChoice, Text = "Favourite colour?", Options = [new() { Text = "Red" }, new() { Text = "Green" }, new() { Text = "Blue" }] },
            new() { Kind = QuestionKinds.MultipleChoice, Text = "Colours you own?", Options = [new() { Text = "Red" }, new() { Text = "Green" }, new() { Text = "Blue" }] },
            new() { Kind = QuestionKinds.Rating, Text = "Rate us", Required = true },
            new() { Kind = QuestionKinds.Nps, Text = "Recommend us?" },
            new() { Kind = QuestionKinds.ShortText, Text = "Your city" },
            new() { Kind = QuestionKinds.LongText, Text = "Anything else?" },
        ],
    };

    /// <summary>Creates a key as the dashboard would (signed-in user), returning its id and secret.</summary>
    public async Task<(string Id, string Secret)> KeyAsync(
        string orgId, string userId, string[]? scopes = null, string[]? surveyIds = null, DateTimeOffset? expiresAt = null, string name = "Test key",
        string[]? allowedIps = null)
    {
        var result = await WithService<ApiKeyService, ServiceResult<CreatedApiKey>>(s =>
            s.CreateAsync(orgId, new Caller(userId, "127.0.0.1"), new ApiKeyInput(name, expiresAt, scopes, surveyIds, allowedIps)));
        Assert.True(result.Succeeded, result.Error?.Message);
        return (result.Value!.Key.Id, result.Value.Secret);
    }
}

public static class HttpClientExtensions
{
    /// <summary>A key client whose requests come from <paramref name="address"/> (as Kestrel would see a client there).</summary>
    public static HttpClient ApiClientFrom(this QuestraFactory factory, string address, string? secret, string? orgId)
    {
        var client = factory.ApiClient(secret, orgId);
        client.DefaultRequestHeaders.Add(QuestraFactory.ClientIpHeader, address);
        return client;
    }

    /// <summary>A client that sends the key and org headers the README tells people to send.</summary>
    public static HttpClient ApiClient(this QuestraFactory factory, string? secret, string? orgId)
    {
        var client = factory.CreateClient();
        if (secret is not null) client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", secret);
        if (orgId is not null) client.DefaultRequestHeaders.Add("X-Org-Id", orgId);
        return client;
    }
}
