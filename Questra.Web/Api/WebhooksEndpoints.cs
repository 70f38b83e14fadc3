using Microsoft.AspNetCore.Http.HttpResults;
using Questra.Web.Features.Webhooks;

namespace Questra.Web.Api;

/// <summary>
/// <c>/api/webhooks</c>: thin HTTP over <see cref="WebhookService"/>, which owns every rule (owners and admins, and only
/// a key that reaches every key of the organization).
/// </summary>
public static class WebhooksEndpoints
{
    public static void MapWebhooks(this RouteGroupBuilder api)
    {
        var group = api.MapGroup("/webhooks").WithTags("Webhooks");
        group.MapGet("/", List).RequireScope(ApiScopes.ApiKeysWrite).WithName("ListWebhookEndpoints")
            .WithSummary("The organization's webhook endpoints (never their signing secrets). Needs an owner's or admin's key with every scope, survey and address.");
        group.MapPost("/", Create).RequireScope(ApiScopes.ApiKeysWrite).WithName("CreateWebhookEndpoint")
            .WithSummary("Adds an endpoint: an https URL and the event types it wants. The signing secret is in this response only.");
        group.MapGet("/{id}", Get).RequireScope(ApiScopes.ApiKeysWrite).WithName("GetWebhookEndpoint").WithSummary("One endpoint.");
        group.MapPut("/{id}", Update).RequireScope(ApiScopes.ApiKeysWrite).WithName("UpdateWebhookEndpoint").WithSummary("Replaces an endpoint's URL, event types and description.");
        group.MapPost("/{id}/roll-secret", RollSecret).RequireScope(ApiScopes.ApiKeysWrite).WithName("RollWebhookSecret")
            .WithSummary("A new signing secret, in this response only; the old one also signs for 24 hours (both signatures are sent).");
        group.MapPost("/{id}/enable", Enable).RequireScope(ApiScopes.ApiKeysWrite).WithName("EnableWebhookEndpoint").WithSummary("Switches an endpoint on again.");
        group.MapPost("/{id}/disable", Disable).RequireScope(ApiScopes.ApiKeysWrite).WithName("DisableWebhookEndpoint").WithSummary("Switches an endpoint off: nothing is queued for it meanwhile.");
        group.MapPost("/{id}/test", Test).RequireScope(ApiScopes.ApiKeysWrite).WithName("TestWebhookEndpoint").WithSummary("Queues a webhook.test event to this endpoint alone.");
        group.MapDelete("/{id}", Delete).RequireScope(ApiScopes.ApiKeysWrite).WithName("DeleteWebhookEndpoint").WithSummary("Removes an endpoint and its delivery history.");
        group.MapGet("/{id}/deliveries", Deliveries).RequireScope(ApiScopes.ApiKeysWrite).WithName("ListWebhookDeliveries")
            .WithSummary("The endpoint's 50 most recent deliveries, newest first, with their latest attempts (status, time, answer code, a short excerpt).");
        group.MapPost("/{id}/deliveries/{deliveryId:long}/resend", Resend).RequireScope(ApiScopes.ApiKeysWrite).WithName("ResendWebhookDelivery")
            .WithSummary("Sends a delivery again at once, with the same webhook-id and body.");
    }

    public static async Task<Results<Ok<ListResponse<WebhookEndpointDto>>, ProblemHttpResult>> List(ApiCall call, WebhookService webhooks, CancellationToken ct)
    {
        var result = await webhooks.ListAsync(call.OrganizationId, call.Caller, ct);
        return result.Succeeded ? TypedResults.Ok(new ListResponse<WebhookEndpointDto>(result.Value.Select(WebhookEndpointDto.From).ToList())) : ApiResults.From(result.Error);
    }

    public static async Task<Results<Ok<WebhookEndpointDto>, ProblemHttpResult>> Get(string id, ApiCall call, WebhookService webhooks, CancellationToken ct) =>
        Answer(await webhooks.GetAsync(call.OrganizationId, call.Caller, id, ct));

    public static async Task<Results<Created<CreatedWebhookEndpointDto>, ProblemHttpResult>> Create(ApiCall call, JsonBody<WebhookRequest> sent, WebhookService webhooks, CancellationToken ct)
    {
        var body = sent.Value!;
        var result = await webhooks.CreateAsync(call.OrganizationId, call.Caller, new WebhookInput(body!.Url, body.Events, body.Description), ct);
        if (!result.Succeeded) return ApiResults.From(result.Error);
        var view = await webhooks.GetAsync(call.OrganizationId, call.Caller, result.Value.Endpoint.Id, ct);
        if (!view.Succeeded) return ApiResults.From(view.Error); // deleted by another request a moment ago
        return TypedResults.Created($"/api/webhooks/{result.Value.Endpoint.Id}", CreatedWebhookEndpointDto.From(view.Value, result.Value.Secret));
    }

    public static async Task<Results<Ok<WebhookEndpointDto>, ProblemHttpResult>> Update(string id, ApiCall call, JsonBody<WebhookRequest> sent, WebhookService webhooks, CancellationToken ct)
    {
        var body = sent.Value!;
        return Answer(await webhooks.UpdateAsync(call.OrganizationId, call.Caller, id, new WebhookInput(body.Url, body.Events, body.Description), ct));
    }

    public static async Task<Results<Ok<CreatedWebhookEndpointDto>, ProblemHttpResult>> RollSecret(string id, ApiCall call, WebhookService webhooks, CancellationToken ct)
    {
        var result = await webhooks.RollSecretAsync(call.OrganizationId, call.Caller, id, ct);
        if (!result.Succeeded) return ApiResults.From(result.Error);
        var view = await webhooks.GetAsync(call.OrganizationId, call.Caller, id, ct);
        if (!view.Succeeded) return ApiResults.From(view.Error); // deleted by another request a moment ago
        return TypedResults.Ok(CreatedWebhookEndpointDto.From(view.Value, result.Value.Secret));
    }

    public static async Task<Results<Ok<WebhookEndpointDto>, ProblemHttpResult>> Enable(string id, ApiCall call, WebhookService webhooks, CancellationToken ct) =>
        Answer(await webhooks.SetEnabledAsync(call.OrganizationId, call.Caller, id, enabled: true, ct));

    public static async Task<Results<Ok<WebhookEndpointDto>, ProblemHttpResult>> Disable(string id, ApiCall call, WebhookService webhooks, CancellationToken ct) =>
        Answer(await webhooks.SetEnabledAsync(call.OrganizationId, call.Caller, id, enabled: false, ct));

    public static async Task<Results<Accepted<WebhookDeliveryDto>, ProblemHttpResult>> Test(string id, ApiCall call, WebhookService webhooks, CancellationToken ct)
    {
        var result = await webhooks.SendTestAsync(call.OrganizationId, call.Caller, id, ct);
        return result.Succeeded ? TypedResults.Accepted($"/api/webhooks/{id}/deliveries", WebhookDeliveryDto.From(result.Value)) : ApiResults.From(result.Error);
    }

    public static async Task<Results<NoContent, ProblemHttpResult>> Delete(string id, ApiCall call, WebhookService webhooks, CancellationToken ct)
    {
        var result = await webhooks.DeleteAsync(call.OrganizationId, call.Caller, id, ct);
        return result.Succeeded ? TypedResults.NoContent() : ApiResults.From(result.Error);
    }

    public static async Task<Results<Ok<ListResponse<WebhookDeliveryDto>>, ProblemHttpResult>> Deliveries(string id, ApiCall call, WebhookService webhooks, CancellationToken ct)
    {
        var result = await webhooks.DeliveriesAsync(call.OrganizationId, call.Caller, id, ct: ct);
        return result.Succeeded ? TypedResults.Ok(new ListResponse<WebhookDeliveryDto>(result.Value.Select(WebhookDeliveryDto.From).ToList())) : ApiResults.From(result.Error);
    }

    public static async Task<Results<Accepted, ProblemHttpResult>> Resend(string id, long deliveryId, ApiCall call, WebhookService webhooks, CancellationToken ct)
    {
        var result = await webhooks.ResendAsync(call.OrganizationId, call.Caller, id, deliveryId, ct);
        return result.Succeeded ? TypedResults.Accepted($"/api/webhooks/{id}/deliveries") : ApiResults.From(result.Error);
    }

    private static Results<Ok<WebhookEndpointDto>, ProblemHttpResult> Answer(ServiceResult<WebhookEndpointView> result) =>
        result.Succeeded ? TypedResults.Ok(WebhookEndpointDto.From(result.Value)) : ApiResults.From(result.Error);
}
