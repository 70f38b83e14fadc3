using Microsoft.Extensions.Options;
using Questra.Web.Data;

namespace Questra.Web.Features.Email;

/// <summary>
/// Writes a message into the outbox of the current unit of work, so it is saved with the change that causes it —
/// unless mail is switched off (<c>Email:Enabled=false</c>).
/// </summary>
public sealed class Mailer(QuestraDbContext db, IOptions<EmailOptions> options, IHttpContextAccessor http, IConfiguration configuration)
{
    public bool Enabled => options.Value.Enabled;

    /// <summary>
    /// Where links in mail point: <c>Email:PublicBaseUrl</c>; else (Development, or hosts restricted by
    /// <c>AllowedHosts</c>) the address of the request being served; else, with no request (a background job), the
    /// first allowed host over https, or in Development <c>http://localhost:5000/</c>. Set it in production.
    /// </summary>
    public string BaseUrl()
    {
        var request = http.HttpContext?.Request;
        var fromRequest = request is null ? null : $"{request.Scheme}://{request.Host}{request.PathBase}";
        return (options.Value.PublicBaseUrl ?? fromRequest ?? FirstAllowedHost() ?? "http://localhost:5000").TrimEnd('/') + "/";
    }

    private string? FirstAllowedHost() =>
        configuration["AllowedHosts"]?.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .FirstOrDefault(h => h != "*" && !h.StartsWith("*.", StringComparison.Ordinal)) is { } host ? $"https://{host}" : null;

    /// <summary>
    /// An absolute link for mail (and the Development confirmation link): <see cref="BaseUrl"/> plus a path of this app
    /// and its query, escaped. Every mailed link is built here, so none can follow a request's Host header where
    /// <c>Email:PublicBaseUrl</c> is set (and outside Development the app does not start with mail on without it,
    /// unless <c>AllowedHosts</c> restricts the Host).
    /// </summary>
    public string Link(string path) => Link(path, new Dictionary<string, string?>());

    /// <inheritdoc cref="Link(string)"/>
    public string Link(string path, IReadOnlyDictionary<string, string?> query)
    {
        var pairs = query.Where(p => p.Value is not null).Select(p => $"{Uri.EscapeDataString(p.Key)}={Uri.EscapeDataString(p.Value!)}");
        return BaseUrl() + path.TrimStart('/') + (query.Any(p => p.Value is not null) ? "?" + string.Join('&', pairs) : "");
    }

    public void Enqueue(OutboxMessage message)
    {
        if (Enabled) db.Enqueue(message);
    }
}
