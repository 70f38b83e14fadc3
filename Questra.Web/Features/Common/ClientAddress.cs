namespace Questra.Web.Features.Common;

/// <summary>
/// The client's IP address for audit events from the dashboard. In a Blazor Server circuit there is no request per
/// click; the address is that of the request which opened the circuit, read once.
/// </summary>
public sealed class ClientAddress(IHttpContextAccessor accessor)
{
    private string? address;

    public string? Value => address ??= accessor.HttpContext?.Connection.RemoteIpAddress?.ToString();
}
