using System.Net;
using System.Text.Json;
using Questra.Web.Features.Audit;

namespace Questra.Web.Features.AuditTrail;

/// <summary>
/// An audit event in words, for the log's rows and its CSV: "alice@example.com revoked API key Production",
/// values as words ("owners and admins", not <c>OwnersAndAdmins</c>) and addresses people recognise.
/// </summary>
public static class AuditWording
{
    /// <summary>What the actor did, to be followed by the target when there is one.</summary>
    public static string Verb(string type) => type switch
    {
        AuditEventTypes.ApiKeyCreated => "created API key",
        AuditEventTypes.ApiKeyRevoked => "revoked API key",
        AuditEventTypes.ApiKeyRolled => "rolled API key",
        AuditEventTypes.ApiKeyDeleted => "deleted API key",
        AuditEventTypes.ApiKeyRenamed => "renamed API key",
        AuditEventTypes.ApiKeyAddressesChanged => "changed the allowed addresses of API key",
        AuditEventTypes.ApiKeyAddressRefused => "from an address the key may not be used from was refused for API key",
        AuditEventTypes.ApiKeyExpiring => "warned of the coming expiry of API key",
        AuditEventTypes.ApiKeyExpired => "recorded the expiry of API key",
        AuditEventTypes.ApiKeyLeakReported => "revoked as leaked API key",
        AuditEventTypes.WebhookCreated => "added webhook endpoint",
        AuditEventTypes.WebhookUpdated => "changed webhook endpoint",
        AuditEventTypes.WebhookSecretRolled => "rolled the signing secret of webhook endpoint",
        AuditEventTypes.WebhookDisabled => "disabled webhook endpoint",
        AuditEventTypes.WebhookEnabled => "enabled webhook endpoint",
        AuditEventTypes.WebhookDeleted => "deleted webhook endpoint",
        AuditEventTypes.OrgKeyPolicyChanged => "changed the API key policy of",
        AuditEventTypes.MfaEnabled => "turned on two-factor authentication",
        AuditEventTypes.MfaDisabled => "turned off two-factor authentication",
        AuditEventTypes.MfaRecoveryCodeUsed => "signed in with a recovery code",
        AuditEventTypes.OrgSettingsChanged => "changed a setting of",
        AuditEventTypes.MemberRoleChanged => "changed the role of",
        AuditEventTypes.MemberAdded => "added member",
        AuditEventTypes.MemberRemoved => "removed member",
        AuditEventTypes.MemberInvited => "invited",
        AuditEventTypes.InvitationDeclined => "declined the invitation of",
        AuditEventTypes.InvitationRevoked => "withdrew the invitation of",
        AuditEventTypes.InvitationResent => "extended the invitation of",
        AuditEventTypes.OrgPlanChanged => "changed the plan of",
        AuditEventTypes.UserConfirmed => "confirmed the account of",
        AuditEventTypes.SurveyCreated => "created survey",
        AuditEventTypes.SurveyUpdated => "edited survey",
        AuditEventTypes.SurveyPublished => "published survey",
        AuditEventTypes.SurveyClosed => "closed survey",
        AuditEventTypes.SurveyReopened => "reopened survey",
        AuditEventTypes.SurveyDeleted => "deleted survey",
        AuditEventTypes.SurveyResponsesViewed => "viewed the responses of survey",
        _ => type,
    };

    /// <summary>Who acted: their address, "the operator" for the command line, Questra itself, or "a deleted user".</summary>
    public static string Actor(AuditEntry e) =>
        e.Type == AuditEventTypes.ApiKeyAddressRefused ? "A request" // made with the key, not by its owner
        : e.Type == AuditEventTypes.ApiKeyLeakReported ? "A leak report"
        : e.ActorUserId is null && e.Type is AuditEventTypes.ApiKeyExpiring or AuditEventTypes.ApiKeyExpired or AuditEventTypes.WebhookDisabled ? "Questra"
        : e.ActorEmail ?? (e.ActorUserId is null ? "The operator" : "A deleted user");

    /// <summary>What it was done to: its name where it still exists, else the address or name the details kept, else its id; null when the actor acted on themselves.</summary>
    public static string? Target(AuditEntry e)
    {
        if (e.TargetId is null || (e.TargetId == e.ActorUserId && e.Type is AuditEventTypes.MfaEnabled or AuditEventTypes.MfaDisabled or AuditEventTypes.MfaRecoveryCodeUsed)) return null;
        return e.TargetLabel ?? Detail(e.Details, "email") ?? Detail(e.Details, "name") ?? Detail(e.Details, "title") ?? e.TargetId;
    }

    /// <summary>The whole sentence, for CSV and for screen readers.</summary>
    public static string Sentence(AuditEntry e)
    {
        var target = Target(e);
        var via = e.ActorApiKeyId is { } key ? $" (with API key {key})" : "";
        return target is null ? $"{Actor(e)} {Verb(e.Type)}{via}" : $"{Actor(e)} {Verb(e.Type)} {target}{via}";
    }

    /// <summary>"::1" and "127.0.0.1" are this server itself; no address (the command line) is said so.</summary>
    public static string Address(string? ip)
    {
        if (string.IsNullOrEmpty(ip)) return "command line";
        return IPAddress.TryParse(ip, out var address) && IPAddress.IsLoopback(address) ? "this server" : ip;
    }

    // The codes the details hold for roles, plans and policies, and the properties whose values are snake_case codes.
    private static readonly HashSet<string> EnumCodes = new(
        Enum.GetNames<Organizations.OrgRole>().Concat(Enum.GetNames<Organizations.Plan>()).Concat(Enum.GetNames<Organizations.ApiKeyCreationPolicy>()),
        StringComparer.Ordinal);
    private static readonly HashSet<string> CodeProperties = new(["setting", "reason", "by"], StringComparer.Ordinal);

    /// <summary>
    /// A detail's value in words: a role, plan or policy ("OwnersAndAdmins" → "owners and admins") and the codes of
    /// <c>setting</c>, <c>reason</c> ("api_key_creation" → "api key creation"); names people typed stay as they are.
    /// </summary>
    public static string Words(string property, string value)
    {
        if (CodeProperties.Contains(property)) return value.Replace('_', ' ');
        if (!EnumCodes.Contains(value)) return value;
        var words = new System.Text.StringBuilder(value.Length + 4);
        foreach (var c in value)
        {
            if (char.IsAsciiLetterUpper(c) && words.Length > 0) words.Append(' ');
            words.Append(char.ToLowerInvariant(c));
        }
        return words.ToString();
    }

    private static string? Detail(string? json, string name)
    {
        if (string.IsNullOrEmpty(json)) return null;
        try
        {
            using var doc = JsonDocument.Parse(json);
            return doc.RootElement.ValueKind == JsonValueKind.Object && doc.RootElement.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String
                ? value.GetString()
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
