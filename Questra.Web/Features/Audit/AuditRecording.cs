using System.Text.Json;
using Questra.Web.Data;

namespace Questra.Web.Features.Audit;

public static class AuditRecording
{
    /// <summary>
    /// Adds an audit event to the context, to be saved with the change it describes (one transaction). The details
    /// are stored as a JSON object, so a name holding quotes or separators cannot make one entry read as another.
    /// </summary>
    public static void AddAuditEvent(this QuestraDbContext db, string organizationId, Caller caller, string type, string targetId,
        DateTimeOffset at, object? details = null) =>
        Add(db, organizationId, type, targetId, at, details, caller.UserId, caller.ApiKeyId, caller.Ip);

    /// <summary>An event a key caused by itself, outside any change it asked for (a refused address): acted by the key, for its owner.</summary>
    public static void AddKeyEvent(this QuestraDbContext db, string organizationId, string keyId, string ownerUserId, string? ip, string type,
        DateTimeOffset at, object? details) =>
        Add(db, organizationId, type, keyId, at, details, ownerUserId, keyId, ip);

    /// <summary>
    /// An event Questra itself records about a key (its expiry coming or come, a leak report): no user acted. With a
    /// <paramref name="dedupeKey"/>, a second event with the same key is refused by the database (its webhook message's unique key).
    /// </summary>
    public static void AddSystemKeyEvent(this QuestraDbContext db, string organizationId, string keyId, string type, DateTimeOffset at, object? details,
        string? ip = null, string? dedupeKey = null) =>
        Add(db, organizationId, type, keyId, at, details, userId: null, apiKeyId: null, ip, dedupeKey);

    /// <summary>An event by the operator's command line: no user account, no address.</summary>
    public static void AddOperatorEvent(this QuestraDbContext db, string organizationId, string type, string targetId, DateTimeOffset at, object? details) =>
        Add(db, organizationId, type, targetId, at, details, userId: null, apiKeyId: null, ip: null);

    private static void Add(QuestraDbContext db, string organizationId, string type, string targetId, DateTimeOffset at, object? details,
        string? userId, string? apiKeyId, string? ip, string? dedupeKey = null)
    {
        var json = AuditDetails.Serialize(details);
        // A key's events are also webhook events: written here, in the same unit of work, so one is sent iff the other is kept.
        if (Webhooks.WebhookEventTypes.IsKnown(type))
        {
            Webhooks.WebhookEvents.AddMessage(db, organizationId, type, targetId, at, json, userId, apiKeyId, dedupeKey);
        }
        db.AuditEvents.Add(new AuditEvent
        {
            OrganizationId = organizationId,
            Type = type,
            ActorUserId = userId,
            ActorApiKeyId = apiKeyId,
            TargetId = targetId,
            Ip = ip,
            OccurredAt = at,
            Details = json,
        });
    }
}

/// <summary>Audit details: written as a JSON object with snake_case names, read back as one line for people.</summary>
public static class AuditDetails
{
    // The default encoder writes every non-ASCII character as \uXXXX: the stored text stays plain ASCII.
    private static readonly JsonSerializerOptions Options = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    public static string? Serialize(object? details) => details is null ? null : JsonSerializer.Serialize(details, details.GetType(), Options);

    /// <summary>"name: Nightly ETL · scopes: surveys:read responses:read"; text that is not a JSON object is shown as it is.</summary>
    public static string Describe(string? json)
    {
        if (string.IsNullOrEmpty(json)) return "";
        try
        {
            using var doc = JsonDocument.Parse(json);
            if (doc.RootElement.ValueKind != JsonValueKind.Object) return json;
            return string.Join(" · ", doc.RootElement.EnumerateObject()
                .Where(p => p.Value.ValueKind != JsonValueKind.Null)
                .Select(p => $"{p.Name.Replace('_', ' ')}: {(p.Value.ValueKind == JsonValueKind.String ? AuditTrail.AuditWording.Words(p.Name, p.Value.GetString() ?? "") : Text(p.Value))}"));
        }
        catch (JsonException)
        {
            return json;
        }
    }

    /// <summary>The details indented for reading (the audit log's expandable view); not JSON is returned as it is.</summary>
    public static string Pretty(string? json)
    {
        if (string.IsNullOrEmpty(json)) return "";
        try
        {
            using var doc = JsonDocument.Parse(json);
            return JsonSerializer.Serialize(doc.RootElement, PrettyOptions);
        }
        catch (JsonException)
        {
            return json;
        }
    }

    private static readonly JsonSerializerOptions PrettyOptions = new() { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private static string Text(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Array => string.Join(' ', value.EnumerateArray().Select(Text)),
        JsonValueKind.String => value.GetString() ?? "",
        _ => value.GetRawText(),
    };
}
