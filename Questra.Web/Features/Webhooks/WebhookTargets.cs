using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Options;
using Questra.Web.Features.ApiKeys;

namespace Questra.Web.Features.Webhooks;

/// <summary>Resolves a host name; replaced in tests to play a name that changes its answer (DNS rebinding).</summary>
public interface IWebhookResolver
{
    Task<IPAddress[]> ResolveAsync(string host, CancellationToken ct);
}

public sealed class DnsWebhookResolver : IWebhookResolver
{
    public Task<IPAddress[]> ResolveAsync(string host, CancellationToken ct) => Dns.GetHostAddressesAsync(host, ct);
}

/// <summary>A target an endpoint may not reach; the message says which address and why, never more.</summary>
public sealed class WebhookTargetRefusedException(string message) : Exception(message);

/// <summary>
/// The rule against server-side request forgery: where an endpoint may point. Checked when an endpoint is saved
/// (its address form and what its host resolves to) and again at every connection, on the address actually
/// connected to (<see cref="ConnectAsync"/>), so a name that later resolves elsewhere is refused then.
/// </summary>
public sealed class WebhookTargets(IWebhookResolver resolver, IOptions<WebhookOptions> options, IHostEnvironment environment,
    ILogger<WebhookTargets> logger)
{
    /// <summary>What a person is told when a name resolves to a refused address; the address itself goes to the log only.</summary>
    public const string NameRefused = "resolves to a loopback, private, link-local or reserved address";

    /// <summary>What a delivery attempt records when its host was not found or resolved inside (the same words for both).</summary>
    public static string ConnectRefused(string host) => $"Refused: {host} could not be found, or it {NameRefused}.";

    /// <summary>One answer for a name that cannot be found and one that resolves inside: the difference would map an internal network.</summary>
    public static string Unreachable(string host) =>
        $"Questra cannot send to {host}: the name could not be found, or it {NameRefused}. Check the address; it must be a public https:// address.";

    // Loopback, "this network", private (RFC 1918, CGNAT, ULA), documentation, benchmarking, multicast, reserved,
    // IPv4-compatible and NAT64/6to4/Teredo forms that carry an IPv4 address inside.
    private static readonly AddressList Private = AddressList.FromStored(
        "0.0.0.0/8 10.0.0.0/8 100.64.0.0/10 127.0.0.0/8 172.16.0.0/12 192.0.0.0/24 192.0.2.0/24 192.168.0.0/16 198.18.0.0/15 " +
        "198.51.100.0/24 203.0.113.0/24 224.0.0.0/4 240.0.0.0/4 " +
        "::/96 ::ffff:0:0:0/96 64:ff9b::/96 64:ff9b:1::/48 100::/64 2001::/32 2001:db8::/32 2002::/16 fc00::/7 fec0::/10 ff00::/8");

    // Link-local (where cloud metadata services answer) and the known metadata addresses: never, whatever is configured.
    private static readonly AddressList Never = AddressList.FromStored("169.254.0.0/16 fe80::/10 fd00:ec2::254/128");

    private static readonly AddressList Loopback = AddressList.FromStored("127.0.0.0/8 ::1/128");

    private AddressList? allowed;

    /// <summary>The networks the operator opened (<see cref="WebhookOptions.AllowedNetworks"/>), and loopback in Development.</summary>
    private AddressList Allowed => allowed ??= AddressList.TryParse(
        options.Value.AllowedNetworks.Concat(environment.IsDevelopment() ? ["127.0.0.0/8", "::1"] : []), out var list, out _) ? list : AddressList.Nothing;

    /// <summary>Whether the operator's settings parse (checked at start).</summary>
    public static bool NetworksParse(IEnumerable<string> networks) => AddressList.TryParse(networks, out _, out _);

    /// <summary>
    /// Why an address may not be reached, or null when it may. An IPv6 address that carries an IPv4 one (mapped,
    /// compatible, NAT64, 6to4, Teredo) must pass for both: opening an IPv6 range never opens the IPv4 addresses inside it.
    /// </summary>
    public string? Refusal(IPAddress address) =>
        OwnRefusal(address) ?? (EmbeddedIPv4(address) is { } inner && OwnRefusal(inner) is { } why ? $"{address} carries {why}" : null);

    private string? OwnRefusal(IPAddress address)
    {
        if (Never.Allows(address)) return $"{address} is a link-local or cloud metadata address";
        var opened = !Allowed.IsEmpty && Allowed.Allows(address);
        if (Private.Allows(address) && !opened)
        {
            return Loopback.Allows(address) ? $"{address} is a loopback address" : $"{address} is a private or reserved address";
        }
        return null;
    }

    /// <summary>The IPv4 address inside an IPv6 one of the forms that route to it: ::ffff:a.b.c.d, ::a.b.c.d, 64:ff9b::/96, 2002::/16, Teredo.</summary>
    internal static IPAddress? EmbeddedIPv4(IPAddress address)
    {
        if (address.AddressFamily != AddressFamily.InterNetworkV6) return null;
        if (address.IsIPv4MappedToIPv6) return address.MapToIPv4();
        var b = address.GetAddressBytes();
        bool Zero(int from, int to) => b.AsSpan(from, to - from).IndexOfAnyExcept((byte)0) < 0;
        if (Zero(0, 12) && !Zero(12, 16)) return new IPAddress(b.AsSpan(12, 4)); // IPv4-compatible (deprecated)
        if (b[0] == 0x00 && b[1] == 0x64 && b[2] == 0xff && b[3] == 0x9b && Zero(4, 12)) return new IPAddress(b.AsSpan(12, 4)); // NAT64 well-known prefix
        if (b[0] == 0x20 && b[1] == 0x02) return new IPAddress(b.AsSpan(2, 4)); // 6to4
        if (b[0] == 0x20 && b[1] == 0x01 && b[2] == 0 && b[3] == 0) // Teredo: the client's address, inverted, in the last 32 bits
        {
            return new IPAddress(new[] { (byte)~b[12], (byte)~b[13], (byte)~b[14], (byte)~b[15] });
        }
        return null;
    }

    /// <summary>Whether plain HTTP may be used to this address (only to networks the operator opened, or loopback in Development).</summary>
    public bool AllowsHttp(IPAddress address) => !Allowed.IsEmpty && Allowed.Allows(address) && !Never.Allows(address);

    /// <summary>
    /// Checks an address a person typed: absolute, https (http only where <see cref="AllowsHttp"/>), no user name or
    /// password, no fragment, and a host that resolves only to addresses that may be reached. Returns the normalised
    /// address, or the reason it cannot be used.
    /// </summary>
    public async Task<(string? Url, string? Error)> CheckAsync(string? text, CancellationToken ct)
    {
        var value = text?.Trim() ?? "";
        if (value.Length == 0) return (null, "Enter the address Questra should send events to, e.g. https://example.com/questra-events.");
        if (value.Length > WebhookEndpoint.UrlMaxLength) return (null, $"The address may be at most {WebhookEndpoint.UrlMaxLength} characters.");
        if (!Uri.TryCreate(value, UriKind.Absolute, out var uri) || uri.Scheme is not ("https" or "http") || string.IsNullOrEmpty(uri.Host))
        {
            return (null, "Enter a full https:// address, e.g. https://example.com/questra-events.");
        }
        if (uri.UserInfo.Length > 0) return (null, "The address may not carry a user name or password; check the signature instead.");
        if (uri.Fragment.Length > 0) return (null, "The address may not have a #fragment.");
        IPAddress[] addresses;
        try
        {
            addresses = await ResolveAsync(uri.IdnHost, ct);
        }
        catch (Exception e) when (e is SocketException or ArgumentException or TimeoutException)
        {
            // Told the same way as a name resolving inside, so the form cannot tell which internal names exist.
            return (null, Unreachable(uri.Host));
        }
        if (addresses.Select(Refusal).FirstOrDefault(r => r is not null) is { } refusal)
        {
            // An address typed as such is named; what a name resolves to is not (it would map an internal network).
            return IPAddress.TryParse(uri.Host.Trim('[', ']'), out _)
                ? (null, $"Questra does not send to {uri.Host}: {refusal}. Use a public https:// address.")
                : (null, Unreachable(uri.Host));
        }
        if (uri.Scheme == "http" && !addresses.All(AllowsHttp))
        {
            return (null, "Use https://: events are sent only over HTTPS.");
        }
        return (uri.GetComponents(UriComponents.SerializationInfoString, UriFormat.UriEscaped), null);
    }

    private async Task<IPAddress[]> ResolveAsync(string host, CancellationToken ct)
    {
        if (IPAddress.TryParse(host.Trim('[', ']'), out var literal)) return [literal];
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(5));
        try
        {
            var found = await resolver.ResolveAsync(host, timeout.Token);
            return found.Length > 0 ? found : throw new SocketException((int)SocketError.HostNotFound);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            throw new TimeoutException();
        }
    }

    /// <summary>
    /// The delivery client's connection: resolves the host, refuses it if any address it resolves to may not be
    /// reached (or, over http, is not in an opened network), and connects to the checked address itself — the name
    /// is not resolved a second time.
    /// </summary>
    public async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken ct)
    {
        var host = context.DnsEndPoint.Host;
        IPAddress[] addresses;
        try
        {
            addresses = await ResolveAsync(host, ct);
        }
        catch (Exception e) when (e is SocketException or TimeoutException)
        {
            // Told like a name resolving inside: the delivery log must not map which internal names exist either.
            logger.LogWarning("Webhook connection to {Host} refused: the name could not be resolved ({Reason}).", host, e.Message);
            throw new WebhookTargetRefusedException(ConnectRefused(host));
        }
        if (addresses.Select(Refusal).FirstOrDefault(r => r is not null) is { } refusal)
        {
            logger.LogWarning("Webhook connection to {Host} refused: {Refusal}.", host, refusal);
            throw new WebhookTargetRefusedException(ConnectRefused(host));
        }
        if (context.InitialRequestMessage.RequestUri?.Scheme == "http" && !addresses.All(AllowsHttp))
        {
            throw new WebhookTargetRefusedException("Refused: plain HTTP is allowed only to networks the operator opened.");
        }
        Exception? last = null;
        foreach (var address in addresses)
        {
            var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                await socket.ConnectAsync(new IPEndPoint(address, context.DnsEndPoint.Port), ct);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch (SocketException e)
            {
                socket.Dispose();
                last = e;
            }
        }
        throw last ?? new SocketException((int)SocketError.HostNotFound);
    }
}
