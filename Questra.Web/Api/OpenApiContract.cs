using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;
using Questra.Web.Features.ApiKeys;

namespace Questra.Web.Api;

/// <summary>
/// What the OpenAPI document learns from the endpoints' metadata that the generator does not read by itself: the
/// Bearer key and <c>X-Org-Id</c> header every keyed operation needs (with the scope it asks for), and the paging
/// parameters with their bounds on every list that binds <see cref="Paging"/>, and the request body of every
/// operation that binds a <see cref="JsonBody{T}"/>.
/// </summary>
internal static class OpenApiContract
{
    public const string BearerScheme = "Bearer";
    public const string OrgScheme = "OrgId";

    public static void AddQuestraContract(this OpenApiOptions options)
    {
        options.AddDocumentTransformer((document, _, _) =>
        {
            document.Components ??= new OpenApiComponents();
            document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
            document.Components.SecuritySchemes[BearerScheme] = new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.Http,
                Scheme = "bearer",
                BearerFormat = "sk_live_…",
                Description = "An API key, created on the dashboard's API Keys page or by a key with api_keys:write: `Authorization: Bearer sk_live_…`.",
            };
            document.Components.SecuritySchemes[OrgScheme] = new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.ApiKey,
                In = ParameterLocation.Header,
                Name = ApiAccessFilter.OrgHeader,
                Description = "The organization's id (Settings page); it must be the key's own organization, or the answer is 403.",
            };
            return Task.CompletedTask;
        });
        options.AddOperationTransformer(async (operation, context, ct) =>
        {
            var metadata = context.Description.ActionDescriptor.EndpointMetadata;
            if (metadata.OfType<IAuthorizeData>().Any(a => a.Policy == QuestraApi.PolicyName))
            {
                // OpenAPI 3.1 lets a non-OAuth requirement name roles: here the scope the key needs.
                var scopes = metadata.OfType<RequiredScope>().Select(s => ApiScopeNames.Name(s.Scope)).ToList();
                operation.Security ??= [];
                operation.Security.Add(new OpenApiSecurityRequirement
                {
                    [new OpenApiSecuritySchemeReference(BearerScheme, context.Document)] = scopes,
                    [new OpenApiSecuritySchemeReference(OrgScheme, context.Document)] = [],
                });
            }
            if (metadata.OfType<PagedList>().Any())
            {
                operation.Parameters ??= [];
                operation.Parameters.Add(Query("limit", "Items per page, by cursor (the current form).", 1, ApiResults.MaxPageSize, Paging.DefaultLimit));
                operation.Parameters.Add(Query("cursor", "The next_cursor of the previous page: opaque, sealed, bound to this list, organization and filter."));
                operation.Parameters.Add(Query("page", "Page number, from 1 (the older form; not with limit or cursor).", 1, null, 1));
                operation.Parameters.Add(Query("page_size", "Items per page in the older form.", 1, ApiResults.MaxPageSize, 20));
            }
            if (metadata.OfType<JsonBodyMetadata>().FirstOrDefault() is { } body)
            {
                operation.RequestBody = new OpenApiRequestBody
                {
                    Required = body.Required,
                    Description = "JSON, read strictly: an unknown, miscased or repeated property, or a value of the wrong type, is a 400.",
                    Content = new Dictionary<string, OpenApiMediaType>
                    {
                        ["application/json"] = new() { Schema = await context.GetOrCreateSchemaAsync(body.Type, null, ct) },
                    },
                };
            }
        });
    }

    private static OpenApiParameter Query(string name, string description, int? minimum = null, int? maximum = null, int? byDefault = null) => new()
    {
        Name = name,
        In = ParameterLocation.Query,
        Required = false,
        Description = description,
        Schema = minimum is null
            ? new OpenApiSchema { Type = JsonSchemaType.String }
            : new OpenApiSchema
            {
                Type = JsonSchemaType.Integer,
                Format = "int32",
                Minimum = Invariant(minimum),
                Maximum = Invariant(maximum),
                Default = byDefault is { } d ? System.Text.Json.Nodes.JsonValue.Create(d) : null,
            },
    };

    private static string? Invariant(int? value) => value?.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
