using Questra.Web.Features.Organizations;

namespace Questra.Web.Features.ApiKeys;

public enum CreationBlock { None, NotAMember, EmailNotConfirmed, MfaRequired, FreePlan, CreationDisabled, RoleNotAllowed }

/// <summary>Whether a user may create API keys in an org (rule 1), and if not, what to do about it.</summary>
public sealed record CreationEligibility(CreationBlock Block, string Message, string? FixUrl = null, string? FixLabel = null)
{
    public bool Allowed => Block == CreationBlock.None;

    public static readonly CreationEligibility Ok = new(CreationBlock.None, "You can create API keys.");

    /// <summary>Rule 1, in the order a person would fix things: account, MFA, plan, org setting, role.</summary>
    public static CreationEligibility Evaluate(bool emailConfirmed, bool mfaEnabled, Plan plan, ApiKeyCreationPolicy policy, OrgRole? role) =>
        role switch
        {
            null => new(CreationBlock.NotAMember, "You are not a member of this organization."),
            _ when !emailConfirmed => new(CreationBlock.EmailNotConfirmed,
                "Confirm your email address before creating API keys.", "/Account/ResendEmailConfirmation", "Resend the confirmation email"),
            _ when !mfaEnabled => new(CreationBlock.MfaRequired,
                "Two-factor authentication is required to create API keys.", "/Account/Manage/EnableAuthenticator", "Set up two-factor authentication"),
            _ when plan == Plan.Free => new(CreationBlock.FreePlan,
                "API keys are available on paid plans; this organization is on the Free plan.", "/settings", "See plans in Settings"),
            _ when policy == ApiKeyCreationPolicy.Disabled => new(CreationBlock.CreationDisabled,
                "API key creation is disabled for this organization. An owner or admin can turn it on in Settings.", "/settings", "Open Settings"),
            OrgRole.Member when policy == ApiKeyCreationPolicy.OwnersAndAdmins => new(CreationBlock.RoleNotAllowed,
                "Only owners and admins of this organization may create API keys. Ask one of them, or ask them to allow all members.", "/settings", "Open Settings"),
            _ => Ok,
        };
}
