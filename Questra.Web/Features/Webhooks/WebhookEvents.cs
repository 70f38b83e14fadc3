using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Questra.Web.Data;

namespace Questra.Web.Features.Webhooks;

/// <summary>
/// Writes the webhook message of a key event beside its audit event, in the same unit of work, so an event is sent
/// if and only if it happened. The body is fixed here: <c>{"type", "timestamp", "data"}</c>, where data names the
/// organization, the key (id, name, prefix — never its secret), who acted, and the event's details.
/// </summary>
public static class WebhookEvents
{
    public static string Timestamp(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    public static void AddMessage(QuestraDbContext db, string organizationId, string type, string? keyId, DateTimeOffset at, string? detailsJson,
        string? actorUserId, string? actorKeyId, string? dedupeKey = null)
    {
        var details = detailsJson is null ? new JsonObject() : JsonNode.Parse(detailsJson) as JsonObject ?? new JsonObject();
        var key = new JsonObject { ["id"] = keyId };
        foreach (var name in new[] { "name", "prefix" })
        {
            if (details.Remove(name, out var value)) key[name] = value;
        }
        var data = new JsonObject
        {
            ["organization_id"] = organizationId,
            ["key"] = key,
            ["actor"] = actorKeyId is not null && actorKeyId == keyId && actorUserId is not null && type == Audit.AuditEventTypes.ApiKeyAddressRefused
                ? new JsonObject { ["kind"] = "request" }
                : actorKeyId is not null ? new JsonObject { ["kind"] = "api_key", ["api_key_id"] = actorKeyId, ["user_id"] = actorUserId }
                : actorUserId is not null ? new JsonObject { ["kind"] = "user", ["user_id"] = actorUserId }
                : new JsonObject { ["kind"] = "questra" },
        };
        foreach (var (name, value) in details.ToList())
        {
            details.Remove(name);
            data[name] = value;
        }
        db.WebhookMessages.Add(New(organizationId, type, at, data, dedupeKey));
    }

    /// <summary>A message for one endpoint only, to try it out; it names no key.</summary>
    public static WebhookMessage Test(string organizationId, string endpointId, DateTimeOffset at) =>
        New(organizationId, WebhookEventTypes.Test, at, new JsonObject
        {
            ["organization_id"] = organizationId,
            ["endpoint_id"] = endpointId,
            ["message"] = "A test event from Questra: your endpoint received it and can check its signature.",
        }, dedupeKey: null);

    private static WebhookMessage New(string organizationId, string type, DateTimeOffset at, JsonObject data, string? dedupeKey) => new()
    {
        Id = Ids.New("msg_", 24),
        OrganizationId = organizationId,
        Type = type,
        CreatedAt = at,
        DedupeKey = dedupeKey,
        Payload = new JsonObject { ["type"] = type, ["timestamp"] = Timestamp(at), ["data"] = data }.ToJsonString(JsonOptions),
    };

    private static readonly JsonSerializerOptions JsonOptions = new();
}
