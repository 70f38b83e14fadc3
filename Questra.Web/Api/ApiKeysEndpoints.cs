using Microsoft.AspNetCore.Http.HttpResults;
using Questra.Web.Features.ApiKeys;

namespace Questra.Web.Api;

/// <summary><c>/api/api-keys</c>: thin HTTP over <see cref="ApiKeyService"/>, which owns every rule.</summary>
public static class ApiKeysEndpoints
{
    public static void MapApiKeys(this RouteGroupBuilder api)
    {
        api.MapGet("/organization/key-policy", GetPolicy).RequireScope(ApiScopes.ApiKeysRead).WithTags("API keys")
            .WithName("GetKeyPolicy").WithSummary("The organization's API key policy: the addresses every key must be used from, and how long keys may live (set in Settings by owners and admins).");
        var group = api.MapGroup("/api-keys").WithTags("API keys");
        group.MapGet("/", List).RequireScope(ApiScopes.ApiKeysRead)
            .WithName("ListApiKeys").WithSummary("Keys of the org inside the calling key's reach and visible to its owner (never their secrets), paged. " +
                "filter=never_used,idle_30d,idle_90d,never_expires,broad,expiring_7d,many_addresses,unrestricted lists the working keys with every named risk.");
        group.MapGet("/{id}", Get).RequireScope(ApiScopes.ApiKeysRead)
            .WithName("GetApiKey").WithSummary("One key.");
        group.MapPost("/", Create).RequireScope(ApiScopes.ApiKeysWrite)
            .WithName("CreateApiKey").WithSummary("Creates a key within the calling key's own rights; the secret is in this response only. Send an Idempotency-Key to make a retry safe: a repeat within 24 h makes no second key and answers 409 naming the first one's key.");
        group.MapPut("/{id}/allowed-ips", SetAllowedIps).RequireScope(ApiScopes.ApiKeysWrite)
            .WithName("SetApiKeyAllowedIps").WithSummary("Replaces the addresses (IPv4/IPv6, CIDR; at most 50) a key may be used from; an empty list leaves only its parent's and the organization's. Never wider than the key that made it, nor than the calling key's own list.");
        group.MapPost("/{id}/revoke", Revoke).RequireScope(ApiScopes.ApiKeysWrite)
            .WithName("RevokeApiKey").WithSummary("Disables a key, and every key made from it, for good, from the next request on.");
        group.MapPost("/{id}/roll", Roll).RequireScope(ApiScopes.ApiKeysWrite)
            .WithName("RollApiKey").WithSummary("Replaces a key of the calling key's owner (same expiry); the old one works until the grace period ends. Idempotency-Key as for creation.");
        group.MapDelete("/{id}", Delete).RequireScope(ApiScopes.ApiKeysWrite)
            .WithName("DeleteApiKey").WithSummary("Removes a key and revokes every key made from it, from the next request on.");
    }

    private const string KeysList = "api_keys";

    public static async Task<Results<Ok<PagedResponse<ApiKeyDto>>, Ok<CursorPage<ApiKeyDto>>, ProblemHttpResult>> List(
        ApiCall call, Paging paging, HttpRequest request, ApiKeyService keys, ListCursors cursors, TimeProvider clock, CancellationToken ct)
    {
        var (page, pageSize) = (paging.Page, paging.PageSize);
        var filter = request.Query["filter"];
        if (filter.Count > 1)
        {
            return ApiResults.FieldError("filter", "Send one filter parameter, its values separated by commas (filter=idle_90d,never_expires).");
        }
        if (ApiKeyService.ParseKeyRisks(filter.Count == 1 ? filter[0] : null, out var unknown) is not { } risks)
        {
            return ApiResults.FieldError("filter", unknown!);
        }
        // A cursor holds the filter it was made with: the flags, in their canonical order.
        var filterText = string.Join(',', risks.Select(r => r.ToString()).Order(StringComparer.Ordinal));
        KeysetPosition? after = null;
        if (paging.Cursor is { } cursor)
        {
            if (cursors.Decode(cursor, call.OrganizationId) is not { List: KeysList } held || held.Filter != filterText)
            {
                return ApiResults.FieldError("cursor", ListCursors.Invalid);
            }
            after = held.Position;
        }
        var query = new ApiKeyQuery(null, page, paging.ByCursor ? paging.Take : pageSize, Flags: risks) { ByCursor = paging.ByCursor, After = after };
        var result = await keys.ListAsync(call.OrganizationId, call.Caller, query, ct);
        if (!result.Succeeded)
        {
            return ApiResults.From(result.Error);
        }
        var now = clock.GetUtcNow();
        var policy = await LifetimeAsync(call, keys, ct);
        var listed = result.Value;
        if (paging.ByCursor)
        {
            var hasMore = listed.Items.Count > paging.Take;
            var items = listed.Items.Take(paging.Take).ToList();
            var next = hasMore ? cursors.Encode(KeysList, call.OrganizationId, filterText, new KeysetPosition(items[^1].CreatedAt, items[^1].Id)) : null;
            return TypedResults.Ok(new CursorPage<ApiKeyDto>(items.Select(k => ApiKeyDto.From(k, now, policy)).ToList(), next, hasMore));
        }
        return TypedResults.Ok(new PagedResponse<ApiKeyDto>(listed.Items.Select(k => ApiKeyDto.From(k, now, policy)).ToList(), page, pageSize, listed.Total));
    }

    public static async Task<Results<Ok<ApiKeyDto>, ProblemHttpResult>> Get(
        string id, ApiCall call, ApiKeyService keys, TimeProvider clock, CancellationToken ct)
    {
        var result = await keys.GetAsync(call.OrganizationId, call.Caller, id, ct);
        return result.Succeeded ? TypedResults.Ok(ApiKeyDto.From(result.Value, clock.GetUtcNow(), await LifetimeAsync(call, keys, ct))) : ApiResults.From(result.Error);
    }

    public static async Task<Results<Ok<ApiKeyDto>, ProblemHttpResult>> SetAllowedIps(
        string id, ApiCall call, JsonBody<AllowedIpsRequest> body, ApiKeyService keys, TimeProvider clock, CancellationToken ct)
    {
        if (body.Value!.AllowedIps is not { } entries)
        {
            return ApiResults.FieldError("allowed_ips", "allowed_ips is required: the whole new list, or [] for none of the key's own.", 422);
        }
        var result = await keys.SetAllowedAddressesAsync(call.OrganizationId, call.Caller, id, entries, ct);
        return result.Succeeded ? TypedResults.Ok(ApiKeyDto.From(result.Value, clock.GetUtcNow(), await LifetimeAsync(call, keys, ct))) : ApiResults.From(result.Error);
    }

    public static async Task<Results<Ok<KeyPolicyDto>, ProblemHttpResult>> GetPolicy(ApiCall call, ApiKeyService keys, CancellationToken ct)
    {
        var result = await keys.GetPolicyAsync(call.OrganizationId, call.Caller, ct);
        return result.Succeeded ? TypedResults.Ok(KeyPolicyDto.From(result.Value)) : ApiResults.From(result.Error);
    }

    /// <summary>The organization's lifetime rule, for the keys' <c>blocked_by_policy</c>.</summary>
    private static async Task<KeyLifetimePolicy?> LifetimeAsync(ApiCall call, ApiKeyService keys, CancellationToken ct) =>
        (await keys.GetPolicyAsync(call.OrganizationId, call.Caller, ct)).Value?.Lifetime;

    public static async Task<Results<Created<CreatedApiKeyDto>, ProblemHttpResult>> Create(
        ApiCall call, JsonBody<CreateApiKeyRequest> sent, HttpRequest request, ApiKeyService keys, TimeProvider clock, CancellationToken ct)
    {
        var body = sent.Value!;
        DateTimeOffset? expiresAt = null;
        if (body.ExpiresAt is { } raw)
        {
            if (!ApiResults.TryParseTimestamp(raw, out var parsed))
            {
                return ApiResults.FieldError("expires_at",
                    "expires_at must be an ISO 8601 timestamp with a time zone, e.g. 2027-01-15T12:00:00Z.", 422);
            }
            expiresAt = parsed;
        }
        var (idempotent, instead) = await Idempotency.CheckAsync(request, "create", body, call, keys, ct);
        if (instead is not null)
        {
            return instead;
        }
        var result = await keys.CreateAsync(call.OrganizationId, call.Caller,
            new ApiKeyInput(body.Name, expiresAt, body.Scopes, body.SurveyIds, body.AllowedIps), idempotent, ct);
        if (!result.Succeeded)
        {
            return ApiResults.From(result.Error);
        }
        return TypedResults.Created($"/api/api-keys/{result.Value.Key.Id}", CreatedApiKeyDto.From(result.Value, clock.GetUtcNow()));
    }

    public static async Task<Results<Ok<ApiKeyDto>, ProblemHttpResult>> Revoke(
        string id, ApiCall call, ApiKeyService keys, TimeProvider clock, CancellationToken ct)
    {
        var result = await keys.RevokeAsync(call.OrganizationId, call.Caller, id, ct);
        return result.Succeeded ? TypedResults.Ok(ApiKeyDto.From(result.Value, clock.GetUtcNow())) : ApiResults.From(result.Error);
    }

    public static async Task<Results<Created<CreatedApiKeyDto>, ProblemHttpResult>> Roll(
        string id, ApiCall call, HttpRequest request, ApiKeyService keys, TimeProvider clock, CancellationToken ct, JsonBody<RollApiKeyRequest>? body = null)
    {
        var grace = body?.Value?.GracePeriodHours ?? 24;
        var (idempotent, instead) = await Idempotency.CheckAsync(request, $"roll {id}", new RollApiKeyRequest(grace), call, keys, ct);
        if (instead is not null)
        {
            return instead;
        }
        var result = await keys.RollAsync(call.OrganizationId, call.Caller, id, new RollOptions(grace), idempotent, ct);
        if (!result.Succeeded)
        {
            return ApiResults.From(result.Error);
        }
        return TypedResults.Created($"/api/api-keys/{result.Value.Key.Id}", CreatedApiKeyDto.From(result.Value, clock.GetUtcNow()));
    }

    public static async Task<Results<NoContent, ProblemHttpResult>> Delete(
        string id, ApiCall call, ApiKeyService keys, CancellationToken ct)
    {
        var result = await keys.DeleteAsync(call.OrganizationId, call.Caller, id, ct);
        return result.Succeeded ? TypedResults.NoContent() : ApiResults.From(result.Error);
    }
}
