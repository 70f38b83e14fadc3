using Microsoft.AspNetCore.Hosting;

namespace Questra.Web.Tests.Infrastructure;

/// <summary>
/// A test host with mail switched on, for pages whose words depend on it. Its SMTP server is an address where nothing
/// listens: messages wait in the outbox (the email suites run a real SMTP server of their own).
/// </summary>
public sealed class MailOnFactory : QuestraFactory
{
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.UseSetting("Email:Enabled", "true");
        builder.UseSetting("Email:From", "Questra <no-reply@questra.test>");
        builder.UseSetting("Email:Smtp:Host", "127.0.0.1");
        builder.UseSetting("Email:Smtp:Port", LoopbackPorts.Free().ToString(System.Globalization.CultureInfo.InvariantCulture));
        builder.UseSetting("Email:Smtp:Security", "None");
        builder.UseSetting("Email:PublicBaseUrl", "http://localhost");
    }
}
