namespace Questra.Web.Features.Audit;

public static class AuditEventTypes
{
    public const string ApiKeyCreated = "api_key.created";
    public const string ApiKeyRevoked = "api_key.revoked";
    public const string ApiKeyRolled = "api_key.rolled";
    public const string ApiKeyDeleted = "api_key.deleted";
    public const string ApiKeyRenamed = "api_key.renamed";
    public const string ApiKeyAddressesChanged = "api_key.addresses_changed";
    public const string ApiKeyAddressRefused = "api_key.address_refused";
    public const string ApiKeyExpiring = "api_key.expiring";
    public const string ApiKeyExpired = "api_key.expired";
    public const string ApiKeyLeakReported = "api_key.leak_reported";
    public const string WebhookCreated = "webhook.created";
    public const string WebhookUpdated = "webhook.updated";
    public const string WebhookSecretRolled = "webhook.secret_rolled";
    public const string WebhookDisabled = "webhook.disabled";
    public const string WebhookEnabled = "webhook.enabled";
    public const string WebhookDeleted = "webhook.deleted";
    public const string OrgKeyPolicyChanged = "org.key_policy_changed";
    public const string MfaEnabled = "mfa.enabled";
    public const string MfaDisabled = "mfa.disabled";
    public const string MfaRecoveryCodeUsed = "mfa.recovery_code_used";
    public const string OrgSettingsChanged = "org.settings_changed";
    public const string MemberRoleChanged = "member.role_changed";
    public const string MemberAdded = "member.added";
    public const string MemberRemoved = "member.removed";
    public const string MemberInvited = "member.invited";
    public const string InvitationDeclined = "invitation.declined";
    public const string InvitationRevoked = "invitation.revoked";
    public const string InvitationResent = "invitation.resent";
    public const string OrgPlanChanged = "org.plan_changed";
    public const string UserConfirmed = "user.confirmed";
    public const string SurveyCreated = "survey.created";
    public const string SurveyUpdated = "survey.updated";
    public const string SurveyPublished = "survey.published";
    public const string SurveyClosed = "survey.closed";
    public const string SurveyReopened = "survey.reopened";
    public const string SurveyDeleted = "survey.deleted";
    public const string SurveyResponsesViewed = "survey.responses_viewed";

    public static readonly IReadOnlyList<string> All =
    [
        ApiKeyCreated, ApiKeyRevoked, ApiKeyRolled, ApiKeyDeleted, ApiKeyRenamed, ApiKeyAddressesChanged, ApiKeyAddressRefused, ApiKeyExpiring, ApiKeyExpired, ApiKeyLeakReported, OrgKeyPolicyChanged, MfaEnabled, MfaDisabled, MfaRecoveryCodeUsed,
        OrgSettingsChanged, MemberRoleChanged, MemberAdded, MemberRemoved, OrgPlanChanged, UserConfirmed,
        MemberInvited, InvitationDeclined, InvitationRevoked, InvitationResent,
        WebhookCreated, WebhookUpdated, WebhookSecretRolled, WebhookDisabled, WebhookEnabled, WebhookDeleted,
        SurveyCreated, SurveyUpdated, SurveyPublished, SurveyClosed, SurveyReopened, SurveyDeleted, SurveyResponsesViewed,
    ];
}
