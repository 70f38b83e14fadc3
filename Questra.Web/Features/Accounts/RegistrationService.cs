using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Identity;
using Questra.Web.Data;
using Questra.Web.Features.Email;
using Questra.Web.Features.Organizations;

namespace Questra.Web.Features.Accounts;

/// <summary>What a registration came to: accepted (a new account, its confirmation mailed; or an address already registered, its owner told), or the password's problems.</summary>
public sealed record RegistrationResult(bool Accepted, IReadOnlyList<IdentityError> PasswordErrors);

/// <summary>
/// Registration, in one place: the account and the organization it starts with are written in one transaction, so
/// a failure between them (a full disk, a database gone) leaves neither — never an account that can sign in to no
/// organization. An address that has an account already is answered exactly as a new one (its owner is told by
/// mail instead), so registering cannot be used to find out who has an account.
/// </summary>
public sealed partial class RegistrationService(QuestraDbContext db, UserManager<ApplicationUser> users, OrganizationService organizations,
    IEmailSender<ApplicationUser> emailSender, AccountMail accountMail, Mailer mailer, ILogger<RegistrationService> logger)
{
    public async Task<RegistrationResult> RegisterAsync(string email, string password, string? returnUrl, CancellationToken ct = default)
    {
        var user = new ApplicationUser { UserName = email, Email = email };
        var (created, organization) = await CreateWithOrganizationAsync(user, email, password, ct);
        if (!created.Succeeded)
        {
            if (!created.Errors.All(IsTaken))
            {
                // Only the password's problems: "taken" alongside them would say the address has an account.
                return new RegistrationResult(Accepted: false, [.. created.Errors.Where(e => !IsTaken(e))]);
            }
            AlreadyRegistered(logger);
            await accountMail.SendRegistrationAttemptAsync(email);
            return new RegistrationResult(Accepted: true, []);
        }
        NewAccount(logger);
        if (organization is not null) await organizations.AddStarterContentAsync(organization.Id, user.Id, ct);

        var code = LinkCode.Encode(await users.GenerateEmailConfirmationTokenAsync(user));
        var link = mailer.Link("Account/ConfirmEmail", new Dictionary<string, string?> { ["userId"] = user.Id, ["code"] = code, ["returnUrl"] = returnUrl });
        await emailSender.SendConfirmationLinkAsync(user, email, HtmlEncoder.Default.Encode(link));
        return new RegistrationResult(Accepted: true, []);
    }

    // The account and its organization, committed together; nothing when the account is refused (its mail, if any,
    // is written after this transaction, so a refusal's rollback cannot take it along).
    private async Task<(IdentityResult Created, Organization? Organization)> CreateWithOrganizationAsync(ApplicationUser user, string email, string password, CancellationToken ct)
    {
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var created = await users.CreateAsync(user, password);
        if (!created.Succeeded) return (created, null);
        // A new user starts as the owner of an organization of their own — unless an invitation waits for them.
        var organization = await organizations.WelcomeNewUserAsync(user.Id, email, ct);
        await tx.CommitAsync(ct);
        return (created, organization);
    }

    private static bool IsTaken(IdentityError error) => error.Code is "DuplicateUserName" or "DuplicateEmail";

    [LoggerMessage(Level = LogLevel.Information, Message = "Registration attempted for an address that already has an account.")]
    private static partial void AlreadyRegistered(ILogger logger);

    [LoggerMessage(Level = LogLevel.Information, Message = "User created a new account with password.")]
    private static partial void NewAccount(ILogger logger);
}
