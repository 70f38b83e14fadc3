using Microsoft.EntityFrameworkCore;
using Questra.Web.Features.Organizations;
using Questra.Web.Tests.Infrastructure;

namespace Questra.Web.Tests.Features.Organizations;

/// <summary>Joining an organization is an invitation the invitee answers: nothing changes for anyone until they click.</summary>
public abstract class InvitationTests(EmailFactory factory) : SmtpSuite(factory)
{
    private TestData Data => Factory.Data;

    private Task<ServiceResult<InvitationView>> InviteAsync(string org, string by, string email, OrgRole role = OrgRole.Member) =>
        Data.WithService<InvitationService, ServiceResult<InvitationView>>(s => s.InviteAsync(org, new Caller(by, "10.0.0.1"), email, role));

    private Task<List<InvitationView>> MineAsync(string user) =>
        Data.WithService<InvitationService, List<InvitationView>>(s => s.PendingForUserAsync(user));

    [Fact]
    public async Task Invite_SendsMail_AndAddsNobody_UntilTheInviteeAccepts_WithoutChangingTheirCurrentOrganization()
    {
        var (org, owner) = await Data.OrgWithOwnerAsync();
        var (ownOrg, invitee) = await Data.OrgWithOwnerAsync();
        await Data.SelectOrganizationAsync(invitee, ownOrg);
        var email = await Data.EmailOfAsync(invitee);

        var invited = await InviteAsync(org, owner, email.ToUpperInvariant(), OrgRole.Admin);

        Assert.True(invited.Succeeded, invited.Error?.Message);
        Assert.Null(await Data.WithDb(db => db.RoleOfAsync(org, invitee)));
        var mail = await Factory.Smtp.WaitForAsync(email, m => (m.Subject ?? "").Contains("invites you to Test org"));
        Assert.Contains("/invitations", mail.TextBody);
        var pending = Assert.Single(await MineAsync(invitee));
        Assert.Equal(OrgRole.Admin, pending.Role);

        var accepted = await Data.WithService<InvitationService, ServiceResult<InvitationView>>(s => s.AcceptAsync(invitee, pending.Id, null));

        Assert.True(accepted.Succeeded, accepted.Error?.Message);
        Assert.Equal(OrgRole.Admin, await Data.WithDb(db => db.RoleOfAsync(org, invitee)));
        Assert.Equal(ownOrg, await Data.WithDb(db => db.Users.Where(u => u.Id == invitee).Select(u => u.SelectedOrganizationId).SingleAsync()));
        Assert.Empty(await MineAsync(invitee));
        Assert.Equal(ErrorKind.Conflict, (await Data.WithService<InvitationService, ServiceResult<InvitationView>>(s => s.AcceptAsync(invitee, pending.Id, null))).Error?.Kind);
    }

    [Fact]
    public async Task ACoOwnerInvitingTheirOtherAddressAsOwner_ThenRemoved_CannotComeBackAndTakeTheOrganization()
    {
        var (org, owner) = await Data.OrgWithOwnerAsync();
        var coOwner = await Data.UserAsync();
        await Data.AddMemberAsync(org, coOwner, OrgRole.Owner);
        var secondAddress = await Data.UserAsync(); // the co-owner's other account
        var planted = await InviteAsync(org, coOwner, await Data.EmailOfAsync(secondAddress), OrgRole.Owner);
        Assert.True(planted.Succeeded, planted.Error?.Message);

        await Data.RemoveMemberAsync(org, coOwner);

        Assert.Empty(await MineAsync(secondAddress));
        var accepted = await Data.WithService<InvitationService, ServiceResult<InvitationView>>(s => s.AcceptAsync(secondAddress, planted.Value!.Id, null));
        Assert.False(accepted.Succeeded);
        Assert.Null(await Data.WithDb(db => db.RoleOfAsync(org, secondAddress)));
        Assert.Equal(OrgRole.Owner, await Data.WithDb(db => db.RoleOfAsync(org, owner)));
        Assert.True(await Data.WithDb(db => db.AuditEvents.AnyAsync(e => e.OrganizationId == org && e.Type == "invitation.revoked" && e.TargetId == planted.Value!.Id)));
    }

    [Fact]
    public async Task ADemotedAdmin_LosesTheInvitationsBeyondTheirNewRole_AndKeepsTheOthers()
    {
        var (org, owner) = await Data.OrgWithOwnerAsync();
        var coOwner = await Data.UserAsync();
        await Data.AddMemberAsync(org, coOwner, OrgRole.Owner);
        var asOwner = await InviteAsync(org, coOwner, $"o-{Guid.NewGuid():N}@example.test", OrgRole.Owner);
        var asAdmin = await InviteAsync(org, coOwner, $"a-{Guid.NewGuid():N}@example.test", OrgRole.Admin);

        await Data.SetRoleAsync(org, coOwner, OrgRole.Admin);

        var pending = await Data.WithService<InvitationService, ServiceResult<List<InvitationView>>>(s => s.PendingForOrganizationAsync(org, new Caller(owner, null)));
        var left = Assert.Single(pending.Value!);
        Assert.Equal(asAdmin.Value!.Id, left.Id);
        Assert.Equal(await Data.EmailOfAsync(coOwner), left.InvitedBy);
        Assert.NotEqual(asOwner.Value!.Id, left.Id);
    }

    [Fact]
    public async Task Accepting_ReChecksThatTheSenderMayStillGrantTheRole()
    {
        var (org, owner) = await Data.OrgWithOwnerAsync();
        var coOwner = await Data.UserAsync();
        await Data.AddMemberAsync(org, coOwner, OrgRole.Owner);
        var invitee = await Data.UserAsync();
        var invited = await InviteAsync(org, coOwner, await Data.EmailOfAsync(invitee), OrgRole.Owner);
        // The sender's role shrinks by a way that does not pass through the membership service (a hand edit, a restore).
        await Data.WithDb(db => db.Memberships.Where(m => m.OrganizationId == org && m.UserId == coOwner)
            .ExecuteUpdateAsync(u => u.SetProperty(m => m.Role, OrgRole.Member)));

        var accepted = await Data.WithService<InvitationService, ServiceResult<InvitationView>>(s => s.AcceptAsync(invitee, invited.Value!.Id, null));

        Assert.Equal(ErrorKind.Conflict, accepted.Error?.Kind);
        Assert.Contains("no longer valid", accepted.Error!.Message);
        Assert.Null(await Data.WithDb(db => db.RoleOfAsync(org, invitee)));
        Assert.Equal(OrgRole.Owner, await Data.WithDb(db => db.RoleOfAsync(org, owner)));
    }

    [Fact]
    public async Task ResendingWithoutEnd_IsRefused_AfterThreeMailsToOneAddressADay()
    {
        var (org, owner) = await Data.OrgWithOwnerAsync();
        var address = $"target-{Guid.NewGuid():N}@example.test";
        var invited = await InviteAsync(org, owner, address);
        Task<ServiceResult<bool>> ResendAsync() => Data.WithService<InvitationService, ServiceResult<bool>>(s => s.ResendAsync(org, new Caller(owner, null), invited.Value!.Id));

        Assert.True((await ResendAsync()).Succeeded);
        Assert.True((await ResendAsync()).Succeeded);
        var refused = await ResendAsync();

        Assert.Equal(ErrorKind.Conflict, refused.Error?.Kind);
        Assert.Contains("3 invitations in the last day", refused.Error!.Message);
        await Factory.Smtp.WaitForAsync(address, _ => Factory.Smtp.To(address).Count == 3);
        Assert.Equal(3, await Data.WithDb(db => db.OutboxMessages.CountAsync(m => m.To == address)));
    }

    [Fact]
    public async Task Decline_LeavesTheOrganizationAlone()
    {
        var (org, owner) = await Data.OrgWithOwnerAsync();
        var invitee = await Data.UserAsync();
        await InviteAsync(org, owner, await Data.EmailOfAsync(invitee));
        var pending = Assert.Single(await MineAsync(invitee));

        var declined = await Data.WithService<InvitationService, ServiceResult<bool>>(s => s.DeclineAsync(invitee, pending.Id, null));

        Assert.True(declined.Succeeded);
        Assert.Null(await Data.WithDb(db => db.RoleOfAsync(org, invitee)));
        Assert.Empty(await MineAsync(invitee));
    }

    [Fact]
    public async Task OnlyTheConfirmedOwnerOfTheAddress_CanAnswer()
    {
        var (org, owner) = await Data.OrgWithOwnerAsync();
        var invitee = await Data.UserAsync(confirmed: false);
        var stranger = await Data.UserAsync();
        var invited = await InviteAsync(org, owner, await Data.EmailOfAsync(invitee));

        Assert.Empty(await MineAsync(invitee)); // the address is not confirmed yet
        Assert.Empty(await MineAsync(stranger));
        var stolen = await Data.WithService<InvitationService, ServiceResult<InvitationView>>(s => s.AcceptAsync(stranger, invited.Value!.Id, null));
        Assert.Equal(ErrorKind.NotFound, stolen.Error?.Kind);
        Assert.Null(await Data.WithDb(db => db.RoleOfAsync(org, stranger)));
    }

    [Fact]
    public async Task AnInvitationToANewAddress_LeadsThroughRegistration()
    {
        var (org, owner) = await Data.OrgWithOwnerAsync();
        var email = $"newcomer-{Guid.NewGuid():N}@example.test";

        Assert.True((await InviteAsync(org, owner, email)).Succeeded);

        var mail = await Factory.Smtp.WaitForAsync(email, m => (m.Subject ?? "").Contains("invites you"));
        Assert.Contains("/Account/Register?ReturnUrl=%2Finvitations", mail.TextBody);
    }

    [Fact]
    public async Task Rules_WhoMayInvite_NoDuplicates_NoMembers_AndRevokeOrExpiryEndIt()
    {
        var (org, owner) = await Data.OrgWithOwnerAsync();
        var admin = await Data.UserAsync();
        var member = await Data.UserAsync();
        var invitee = await Data.UserAsync();
        await Data.AddMemberAsync(org, admin, OrgRole.Admin);
        await Data.AddMemberAsync(org, member, OrgRole.Member);
        var email = await Data.EmailOfAsync(invitee);

        Assert.Equal(ErrorKind.Forbidden, (await InviteAsync(org, member, email)).Error?.Kind);
        Assert.Equal(ErrorKind.Forbidden, (await InviteAsync(org, admin, email, OrgRole.Owner)).Error?.Kind);
        Assert.Contains("already a member", (await InviteAsync(org, owner, await Data.EmailOfAsync(member))).Error!.Message);
        Assert.Equal(ErrorKind.Validation, (await InviteAsync(org, owner, "not an address")).Error?.Kind);
        var first = await InviteAsync(org, admin, email);
        Assert.True(first.Succeeded);
        Assert.Contains("pending invitation already", (await InviteAsync(org, owner, email)).Error!.Message);

        var revoked = await Data.WithService<InvitationService, ServiceResult<bool>>(s => s.RevokeAsync(org, new Caller(owner, null), first.Value!.Id));
        Assert.True(revoked.Succeeded);
        Assert.Empty(await MineAsync(invitee));

        var second = await InviteAsync(org, owner, email);
        Factory.Clock.Advance(TimeSpan.FromDays(8));
        Assert.Empty(await MineAsync(invitee));
        Assert.Equal(ErrorKind.Conflict, (await Data.WithService<InvitationService, ServiceResult<InvitationView>>(s => s.AcceptAsync(invitee, second.Value!.Id, null))).Error?.Kind);
    }
}

public sealed class InvitationTestsOnSqlite(EmailFactory factory) : InvitationTests(factory), IClassFixture<EmailFactory>;

public sealed class InvitationTestsOnPostgres(PostgresEmailFactory factory) : InvitationTests(factory), IClassFixture<PostgresEmailFactory>;
