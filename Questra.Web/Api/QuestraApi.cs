using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using Questra.Web.Features.ApiKeys;

namespace Questra.Web.Api;

public static class QuestraApi
{
    public const string PolicyName = "ApiKey";
    public const string CorsPolicy = "QuestraApi";
    public const int MaxBodyBytes = 64 * 1024;

    /// <summary>
    /// Request bodies: property names exactly as documented (snake_case, case-sensitive); an unknown or repeated
    /// property is an error rather than silently dropped or overwritten.
    /// </summary>
    public static readonly JsonSerializerOptions StrictJson = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        PropertyNameCaseInsensitive = false,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        AllowDuplicateProperties = false,
    };

    /// <summary>API-key authentication, snake_case JSON, problem details, CORS (off unless configured) and the OpenAPI document.</summary>
    public static IServiceCollection AddQuestraApi(this IServiceCollection services, IConfiguration configuration)
    {
        // The default scheme sends every /api request here (SchemeByPath); the API's endpoints name no scheme.
        services.AddAuthentication()
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(ApiKeyAuthenticationHandler.SchemeName, null);
        // The authentication base class logs two Information lines per refused key: a log line per request an
        // attacker sends, and a tenth of the 401's cost. Refusals are counted instead (FailedAuthThrottle logs a
        // client reaching its limit); warnings and errors still show.
        services.AddLogging(b => b.AddFilter(typeof(ApiKeyAuthenticationHandler).FullName, LogLevel.Warning));
        services.AddAuthorizationBuilder().AddPolicy(PolicyName, p => p.RequireAuthenticatedUser());
        services.ConfigureHttpJsonOptions(o =>
        {
            o.SerializerOptions.PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower;
            o.SerializerOptions.Converters.Add(new JsonStringEnumConverter());
            o.SerializerOptions.TypeInfoResolverChain.Insert(0, ApiJsonContext.Default);
        });
        services.AddSingleton<ListCursors>();
        services.AddProblemDetails();
        services.AddOptions<CorsOptions>().BindConfiguration(CorsOptions.Section);
        services.AddCors();
        services.AddOptions<Microsoft.AspNetCore.Cors.Infrastructure.CorsOptions>().Configure<IOptions<CorsOptions>>((o, ours) => o.AddPolicy(CorsPolicy, p =>
        {
            // Browsers may call the API cross-origin only from origins listed in Cors:AllowedOrigins; none by default.
            p.WithOrigins(ours.Value.AllowedOrigins).WithMethods("GET", "POST", "DELETE").WithHeaders("Authorization", "X-Org-Id", "Content-Type", "If-None-Match")
                .WithExposedHeaders("ETag", "RateLimit-Limit", "RateLimit-Remaining", "RateLimit-Reset", "Retry-After", "Questra-Next-Cursor", "Questra-Has-More", "Questra-Total");
        }));
        services.AddOpenApi("v1", o =>
        {
            // Only the public API; the dashboard's account endpoints are not part of it.
            o.ShouldInclude = d => d.RelativePath?.StartsWith("api/", StringComparison.Ordinal) == true;
            o.AddDocumentTransformer((doc, _, _) =>
            {
                doc.Info.Title = "Questra API";
                doc.Info.Description = "Read-only survey data and API key management. Send every request with the headers " +
                    "`Authorization: Bearer YOUR_API_KEY` and `X-Org-Id: YOUR_ORGANIZATION_ID` (found on the Settings page). " +
                    "Errors are `application/problem+json` with a `detail` that says what to fix. " +
                    "Every answer to a key that expires carries `Questra-Key-Expires` (RFC 3339, UTC); while a rolled key's grace period runs, " +
                    "its answers also carry `Deprecation` (RFC 9745, when it was rolled), `Sunset` (RFC 8594, when it stops) and a `Link` " +
                    "(rel=\"deprecation\") to the key's page. " +
                    "Lists page by cursor: `limit` (1–100) and `cursor` (the opaque `next_cursor` of the previous page, sealed and bound to its list, " +
                    "organization and filter; anything else is a 400 naming `cursor`); `page`/`page_size` is the older form. " +
                    "`updated_since` on the survey list gives surveys created or changed since, oldest change first; its `next_cursor` is where the next run starts. " +
                    "The survey list, a survey and both metrics answers carry an `ETag`; `If-None-Match` with it answers 304 without a body, " +
                    "and a 304 does not count against the key's rate limit. `Accept: text/csv` gives CSV for the survey list and both metrics answers " +
                    "(formula-like cells start with an apostrophe). Per-question counts under the organization's minimum cell size are null with `suppressed: true`.";
                return Task.CompletedTask;
            });
            o.AddQuestraContract();
        });
        return services;
    }

    /// <summary>
    /// Every answer under <c>/api</c> — data, errors, the one that carries a secret — is <c>Cache-Control: no-store</c>:
    /// no browser, proxy or BI tool's cache keeps a copy. Goes first, so even a 401 or 429 carries it.
    /// </summary>
    public static IApplicationBuilder UseApiNoStore(this IApplicationBuilder app) =>
        app.Use((context, next) =>
        {
            if (context.Request.Path.StartsWithSegments("/api"))
            {
                context.Response.OnStarting(static state =>
                {
                    ((HttpResponse)state).Headers.CacheControl = "no-store";
                    return Task.CompletedTask;
                }, context.Response);
            }
            return next(context);
        });

    /// <summary>
    /// The ReDoc page at <c>/api/docs</c>; goes before routing so the API's key check does not claim it. Our own page
    /// around ReDoc (<c>Api/Docs/index.html</c>): in English, with landmarks and a link back, fetching nothing from
    /// elsewhere (the package's page loads web fonts from a third party).
    /// </summary>
    public static IApplicationBuilder UseQuestraApiDocs(this IApplicationBuilder app) =>
        app.UseReDoc(o =>
        {
            o.RoutePrefix = "api/docs";
            o.SpecUrl = "/api/openapi/v1.json";
            o.DocumentTitle = "Questra API";
            o.IndexStream = () => typeof(QuestraApi).Assembly.GetManifestResourceStream("Questra.Web.Api.Docs.index.html")!;
        });

    /// <summary>
    /// Maps <c>/api</c>: every route needs an API key (cookies are ignored), then passes the <c>X-Org-Id</c> and
    /// scope checks, and counts towards the key's usage roll-up. Also the OpenAPI document and ReDoc page.
    /// </summary>
    public static WebApplication MapQuestraApi(this WebApplication app)
    {
        app.MapOpenApi("/api/openapi/{documentName}.json");
        app.MapCredentialsRevoke(); // the one /api route without a key: leaked keys are reported by whoever finds them

        var api = app.MapGroup("/api")
            .RequireAuthorization(PolicyName)
            .RequireCors(CorsPolicy)
            // Bodies are a few hundred bytes; anything much larger is refused before it is read.
            .WithMetadata(new RequestSizeLimitAttribute(MaxBodyBytes))
            .DisableAntiforgery()
            .AddEndpointFilter<UsageFilter>()
            .AddEndpointFilter<ApiAccessFilter>()
            .AddEndpointFilter<KeyRateLimitFilter>()
            .AddEndpointFilter<BindingFilter>();
        api.MapSurveys();
        api.MapApiKeys();
        api.MapWebhooks();
        api.MapFallback(() => ApiResults.NotFound("There is no such API endpoint. See /api/docs.")).ExcludeFromDescription();
        return app;
    }
}
