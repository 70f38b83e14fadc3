using System.Reflection;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Http.Metadata;

namespace Questra.Web.Api;

/// <summary>
/// A request body of type <typeparamref name="T"/>, bound as a handler parameter and read strictly
/// (<see cref="QuestraApi.StrictJson"/>: unknown, miscased and duplicate properties, and wrong types, are a 400;
/// 413 over <see cref="QuestraApi.MaxBodyBytes"/>, 415 without a JSON content type, 408 when it arrives too slowly).
/// A body that did not bind does not reach the handler: <see cref="BindingFilter"/> answers with its problem, after
/// the access and rate-limit checks, so the API's check order holds. The endpoint's metadata names
/// <typeparamref name="T"/> as its JSON body (<see cref="JsonBodyMetadata"/>), so the OpenAPI document shows it.
/// </summary>
public sealed class JsonBody<T> : IBoundParameter, IEndpointParameterMetadataProvider where T : class
{
    private JsonBody(T? value, ProblemHttpResult? error) => (Value, Error) = (value, error);

    /// <summary>The body; null only when none was sent to an endpoint where it is optional.</summary>
    public T? Value { get; }

    public ProblemHttpResult? Error { get; }

    [System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1000", Justification = "Minimal APIs find the binder by this static shape.")]
    public static async ValueTask<JsonBody<T>?> BindAsync(HttpContext http, ParameterInfo parameter)
    {
        // A parameter with a default (a roll's body, all of whose properties have defaults) may be sent without a body.
        var (value, error) = await ApiResults.ReadJsonAsync<T>(http.Request, QuestraApi.StrictJson, optional: parameter.IsOptional);
        return new JsonBody<T>(value, error);
    }

    [System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1000", Justification = "Minimal APIs find the metadata provider by this static shape.")]
    public static void PopulateMetadata(ParameterInfo parameter, EndpointBuilder builder) =>
        // Not IAcceptsMetadata: routing would then match on Content-Type and answer a wrong one itself, not with our 415.
        builder.Metadata.Add(new JsonBodyMetadata(typeof(T), Required: !parameter.IsOptional));
}

/// <summary>Endpoint metadata: the endpoint reads a JSON body of <paramref name="Type"/> (for the OpenAPI document).</summary>
public sealed record JsonBodyMetadata(Type Type, bool Required);

/// <summary>A handler parameter bound from the request that carries, instead of a value, the problem with what was sent.</summary>
public interface IBoundParameter
{
    ProblemHttpResult? Error { get; }
}

/// <summary>
/// Refuses a request with a parameter that did not bind (<see cref="Paging"/>, <see cref="JsonBody{T}"/>) before its
/// handler runs. On the API group after the access and rate-limit filters: those answer first.
/// </summary>
public sealed class BindingFilter : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        foreach (var argument in context.Arguments)
        {
            if (argument is IBoundParameter { Error: { } error }) return error;
        }
        return await next(context);
    }
}
