using System.Reflection;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Http.Metadata;

namespace Questra.Web.Api;

/// <summary>
/// A request body of type <typeparamref name="T"/>, bound as a handler parameter and read strictly
/// (<see cref="QuestraApi.StrictJson"/>: unknown, miscased and duplicate properties, and wrong types, are a 400;
/// 413 over <see cref="QuestraApi.MaxBodyBytes"/>, 415 without a JSON content type, 408 when it arrives too slowly).
/// Binding only notes the request: the body is read by <see cref="BindingFilter"/>, which runs after the address,
/// organization, scope and rate-limit filters, so a request those refuse costs no body read and the API's check
/// order holds; a body that does not read answers its problem there and never reaches the handler. The endpoint's
/// metadata names <typeparamref name="T"/> as its JSON body (<see cref="JsonBodyMetadata"/>), for the OpenAPI document.
/// </summary>
public sealed class JsonBody<T> : IBoundParameter, IEndpointParameterMetadataProvider where T : class
{
    private readonly HttpRequest request;
    private readonly bool optional;
    private T? value;

    private JsonBody(HttpRequest request, bool optional) => (this.request, this.optional) = (request, optional);

    /// <summary>The body, once <see cref="BindingFilter"/> read it; null only when none was sent where it is optional.</summary>
    public T? Value => Read ? value : throw new InvalidOperationException("The body is read by BindingFilter before the handler runs.");

    private bool Read { get; set; }

    async ValueTask<ProblemHttpResult?> IBoundParameter.ResolveAsync()
    {
        var (read, error) = await ApiResults.ReadJsonAsync<T>(request, QuestraApi.StrictJson, optional);
        (value, Read) = (read, true);
        return error;
    }

    [System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1000", Justification = "Minimal APIs find the binder by this static shape.")]
    public static ValueTask<JsonBody<T>?> BindAsync(HttpContext http, ParameterInfo parameter) =>
        // A parameter with a default (a roll's body, all of whose properties have defaults) may be sent without a body.
        ValueTask.FromResult<JsonBody<T>?>(new JsonBody<T>(http.Request, parameter.IsOptional));

    [System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1000", Justification = "Minimal APIs find the metadata provider by this static shape.")]
    public static void PopulateMetadata(ParameterInfo parameter, EndpointBuilder builder) =>
        // Not IAcceptsMetadata: routing would then match on Content-Type and answer a wrong one itself, not with our 415.
        builder.Metadata.Add(new JsonBodyMetadata(typeof(T), Required: !parameter.IsOptional));
}

/// <summary>Endpoint metadata: the endpoint reads a JSON body of <paramref name="Type"/> (for the OpenAPI document).</summary>
public sealed record JsonBodyMetadata(Type Type, bool Required);

/// <summary>A handler parameter bound from the request whose value is settled by <see cref="BindingFilter"/>: null, or the problem with what was sent.</summary>
public interface IBoundParameter
{
    ValueTask<ProblemHttpResult?> ResolveAsync();
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
            if (argument is IBoundParameter bound && await bound.ResolveAsync() is { } error) return error;
        }
        return await next(context);
    }
}
