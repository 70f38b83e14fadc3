using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Questra.Web.Data;
using Questra.Web.Features.Audit;
using Questra.Web.Features.Organizations;

namespace Questra.Web.Features.Operators;

/// <summary>
/// The operator's command line: <c>dotnet Questra.Web.dll admin &lt;command&gt;</c> runs one command against the
/// configured database and exits without starting the server. Plans come from billing, accounts may need
/// confirming by hand where no email is sent, and an organization whose owners are gone needs a way back.
/// Every change writes an audit event by "operator".
/// </summary>
public static class AdminCommands
{
    public const string Verb = "admin";

    public const string Usage = """
        Usage: dotnet Questra.Web.dll admin <command>
          list-orgs                     one line per organization: id, plan, name, owner emails (tab-separated)
          set-plan <org-id> <plan>      set an organization's plan: Free, Pro, Team or Organisation
          confirm-user <email>          mark an account's email address as confirmed, so it can sign in
          make-owner <org-id> <email>   make a confirmed user an owner of an organization that has none left
                                        (added if not a member); --force also where owners remain (audited as forced)
        """;

    public static bool IsAdmin(string[] args) => args.Length > 0 && args[0] == Verb;

    /// <summary>
    /// A command prints its own answer on standard output (so it can be piped); the host's log lines, warnings and
    /// up only, go to standard error.
    /// </summary>
    public static void UseAdminCommandLogging(this WebApplicationBuilder builder)
    {
        builder.Logging.ClearProviders();
        builder.Logging.AddFilter((_, level) => level >= LogLevel.Warning);
        builder.Logging.AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
    }

    /// <summary>The arguments for the host: everything after the command's own words (e.g. <c>--environment</c>).</summary>
    public static string[] HostArgs(string[] args) =>
        IsAdmin(args) ? args.SkipWhile(a => !a.StartsWith('-')).Where(a => a != ForceFlag).ToArray() : args;

    private const string ForceFlag = "--force";

    /// <summary>Runs one command; returns the process exit code (0 done, 1 refused, 2 usage).</summary>
    public static async Task<int> RunAsync(IServiceProvider services, string[] args, TextWriter output, TextWriter errors)
    {
        var words = args.Skip(1).TakeWhile(a => !a.StartsWith('-')).ToArray();
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<QuestraDbContext>();
        var clock = scope.ServiceProvider.GetRequiredService<TimeProvider>();
        var result = words switch
        {
            ["list-orgs"] => await ListOrgsAsync(db, output),
            ["set-plan", var org, var plan] => await SetPlanAsync(db, clock, org, plan, output),
            ["confirm-user", var email] => await ConfirmUserAsync(db, scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>(), clock, email, output),
            ["make-owner", var org, var email] => await MakeOwnerAsync(db, clock, org, email, args.Contains(ForceFlag), output),
            _ => null,
        };
        if (result is null)
        {
            await errors.WriteLineAsync(words.Length == 0 ? Usage : $"Unknown command or wrong arguments: {string.Join(' ', words)}\n\n{Usage}");
            return 2;
        }
        if (result is { } message && message.Length > 0)
        {
            await errors.WriteLineAsync(message);
            return 1;
        }
        return 0;
    }

    private static async Task<string> ListOrgsAsync(QuestraDbContext db, TextWriter output)
    {
        var orgs = await db.Organizations.AsNoTracking().OrderBy(o => o.Name).ThenBy(o => o.Id)
            .Select(o => new
            {
                o.Id,
                o.Plan,
                o.Name,
                Owners = db.Memberships.Where(m => m.OrganizationId == o.Id && m.Role == OrgRole.Owner)
                    .Join(db.Users, m => m.UserId, u => u.Id, (m, u) => u.Email).OrderBy(e => e).ToList(),
            }).ToListAsync();
        foreach (var o in orgs)
        {
            await output.WriteLineAsync($"{o.Id}\t{o.Plan}\t{Clean(o.Name)}\t{string.Join(',', o.Owners)}");
        }
        return "";
    }

    private static async Task<string> SetPlanAsync(QuestraDbContext db, TimeProvider clock, string orgId, string planName, TextWriter output)
    {
        // Exactly one plan's name: Enum.TryParse would also take numbers and comma lists ("Pro,Team" is Organisation).
        if (Enum.GetNames<Plan>().FirstOrDefault(n => string.Equals(n, planName, StringComparison.OrdinalIgnoreCase)) is not { } name)
        {
            return $"Unknown plan '{Clean(planName)}'. Plans: {string.Join(", ", Enum.GetNames<Plan>())} (one of them).";
        }
        var plan = Enum.Parse<Plan>(name);
        var org = await db.Organizations.FirstOrDefaultAsync(o => o.Id == orgId);
        if (org is null)
        {
            return $"No organization with id '{Clean(orgId)}'. 'admin list-orgs' lists them.";
        }
        var before = org.Plan;
        org.Plan = plan;
        db.AddOperatorEvent(org.Id, AuditEventTypes.OrgPlanChanged, org.Id, clock.GetUtcNow(), new { from = before.ToString(), to = plan.ToString(), by = "operator" });
        await db.SaveChangesAsync();
        await output.WriteLineAsync($"{org.Id} ({Clean(org.Name)}): plan {before} -> {plan}");
        return "";
    }

    private static async Task<string> ConfirmUserAsync(QuestraDbContext db, UserManager<ApplicationUser> users, TimeProvider clock, string email, TextWriter output)
    {
        var user = await users.FindByEmailAsync(email);
        if (user is null)
        {
            return $"No account uses the email address '{Clean(email)}'.";
        }
        if (!user.EmailConfirmed)
        {
            user.EmailConfirmed = true;
            var updated = await users.UpdateAsync(user);
            if (!updated.Succeeded) return $"Could not confirm '{Clean(email)}': {string.Join("; ", updated.Errors.Select(e => e.Description))}";
        }
        var orgs = await db.Memberships.Where(m => m.UserId == user.Id).Select(m => m.OrganizationId).ToListAsync();
        foreach (var org in orgs)
        {
            db.AddOperatorEvent(org, AuditEventTypes.UserConfirmed, user.Id, clock.GetUtcNow(), new { email = user.Email, by = "operator" });
        }
        await db.SaveChangesAsync();
        await output.WriteLineAsync($"{user.Email}: email confirmed; the account can sign in.");
        return "";
    }

    private static async Task<string> MakeOwnerAsync(QuestraDbContext db, TimeProvider clock, string orgId, string email, bool force, TextWriter output)
    {
        var org = await db.Organizations.AsNoTracking().FirstOrDefaultAsync(o => o.Id == orgId);
        if (org is null)
        {
            return $"No organization with id '{Clean(orgId)}'. 'admin list-orgs' lists them.";
        }
        var normalized = email.Trim().ToUpperInvariant();
        var user = await db.Users.AsNoTracking().FirstOrDefaultAsync(u => u.NormalizedEmail == normalized);
        if (user is null)
        {
            return $"No account uses the email address '{Clean(email)}'; they must register first.";
        }
        if (!user.EmailConfirmed)
        {
            // Anyone can register any address: an unconfirmed account may not belong to the person named.
            return $"The account '{Clean(email)}' has not confirmed its email address; confirm it first ('admin confirm-user').";
        }
        var owners = await db.Memberships.CountAsync(m => m.OrganizationId == org.Id && m.Role == OrgRole.Owner && m.UserId != user.Id);
        if (owners > 0 && !force)
        {
            return $"{org.Id} still has {owners} owner(s): they can add an owner themselves. To add one anyway, run it again with --force (recorded in the audit log).";
        }
        var now = clock.GetUtcNow();
        var membership = await db.Memberships.FirstOrDefaultAsync(m => m.OrganizationId == org.Id && m.UserId == user.Id);
        if (membership is null)
        {
            db.Memberships.Add(new Membership { OrganizationId = org.Id, UserId = user.Id, Role = OrgRole.Owner, JoinedAt = now });
            db.AddOperatorEvent(org.Id, AuditEventTypes.MemberAdded, user.Id, now, new { email = user.Email, role = nameof(OrgRole.Owner), by = "operator", forced = force });
        }
        else if (membership.Role != OrgRole.Owner)
        {
            var before = membership.Role;
            membership.Role = OrgRole.Owner;
            db.AddOperatorEvent(org.Id, AuditEventTypes.MemberRoleChanged, user.Id, now, new { from = before.ToString(), to = nameof(OrgRole.Owner), by = "operator", forced = force });
        }
        await db.SaveChangesAsync();
        await output.WriteLineAsync($"{user.Email} is an owner of {org.Id} ({Clean(org.Name)}).");
        return "";
    }

    // Names are shown on a terminal: no control characters that could move the cursor or forge lines.
    private static string Clean(string value) => new(value.Take(200).Where(c => !char.IsControl(c)).ToArray());
}
