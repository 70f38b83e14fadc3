using Questra.Web.Features.Organizations;

namespace Questra.Web.Features.ApiKeys;

/// <summary>
/// Whether a user may create API keys in an org, and if not, every reason at once (in the order a person would fix
/// them: account, two-factor, plan, the org's setting, role) and whom to ask.
/// </summary>
public sealed record CreationEligibility(IReadOnlyList<CreationBlocker> Blockers)
{
    public bool Allowed => Blockers.Count == 0;

    /// <summary>The first reason: what the API answers with.</summary>
    public CreationBlock Block => Blockers.Count == 0 ? CreationBlock.None : Blockers[0].Block;
    public string Message => Blockers.Count == 0 ? "You can create API keys." : Blockers[0].Message;
    public string? FixUrl => Blockers.Count == 0 ? null : Blockers[0].FixUrl;

    /// <summary>Owners and admins (emails) the user can ask, when a reason needs one of them; filled by the key service.</summary>
    public IReadOnlyList<string> AskWhom { get; init; } = [];

    public static readonly CreationEligibility Ok = new([]);

    public static CreationEligibility Evaluate(bool emailConfirmed, bool mfaEnabled, Plan plan, ApiKeyCreationPolicy policy, OrgRole? role)
    {
        if (role is null) return new([new(CreationBlock.NotAMember, "You are not a member of this organization.")]);
        var manager = role is OrgRole.Owner or OrgRole.Admin;
        var blockers = new List<CreationBlocker>();
        if (!emailConfirmed)
        {
            blockers.Add(new(CreationBlock.EmailNotConfirmed, "Confirm your email address before creating API keys.",
                "/Account/ResendEmailConfirmation", "Resend the confirmation email"));
        }
        if (!mfaEnabled)
        {
            blockers.Add(new(CreationBlock.MfaRequired, "Two-factor authentication is required to create API keys.",
                "/Account/Manage/EnableAuthenticator", "Set up two-factor authentication"));
        }
        if (plan == Plan.Free)
        {
            // Plans are set by the operator of this Questra installation; no page here changes them.
            blockers.Add(new(CreationBlock.FreePlan, "API keys are available on paid plans; this organization is on the Free plan."
                + (role == OrgRole.Owner ? " The operator of this Questra installation (you, if you run it yourself) moves it to a paid plan." : " An owner can ask for a paid plan."),
                AskAdmins: role != OrgRole.Owner));
        }
        if (policy == ApiKeyCreationPolicy.Disabled)
        {
            blockers.Add(manager
                ? new(CreationBlock.CreationDisabled, "API key creation is disabled for this organization. You can turn it on in Settings.", "/settings", "Open Settings")
                : new(CreationBlock.CreationDisabled, "API key creation is disabled for this organization. An owner or admin can turn it on.", AskAdmins: true));
        }
        else if (!manager && policy == ApiKeyCreationPolicy.OwnersAndAdmins)
        {
            blockers.Add(new(CreationBlock.RoleNotAllowed,
                "Only owners and admins of this organization may create API keys. Ask one of them for a key, or to allow all members.", AskAdmins: true));
        }
        return new(blockers);
    }
}
