using System.Net;
using System.Text;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Questra.Web.Data;

namespace Questra.Web.Features.Email;

public static class EmailExtensions
{
    /// <summary>
    /// Mail: the outbox, Identity's sender, and — with an SMTP host — the background delivery. Settings are checked
    /// at start: outside Development, no SMTP host means no start unless <c>Email:Enabled=false</c>.
    /// </summary>
    public static IServiceCollection AddQuestraEmail(this IServiceCollection services, IHostEnvironment environment)
    {
        services.AddOptions<EmailOptions>().BindConfiguration(EmailOptions.Section).ValidateDataAnnotations()
            .Validate(o => o.Smtp.Port is > 0 and < 65536 && o.Outbox.PollMilliseconds > 0, "Email:Smtp:Port must be 1–65535.")
            .Validate(o => !o.Enabled || !o.HasSmtp || IsAddress(o.From),
                "Email:From must be a valid address (e.g. \"Questra <no-reply@questra.example>\") when Email:Smtp:Host is set.")
            .Validate(o => !o.Enabled || o.HasSmtp || environment.IsDevelopment(),
                "Email is on but no SMTP server is configured: set Email:Smtp:Host and Email:From (see README, \"Email\"), " +
                "or set Email:Enabled=false and confirm accounts with 'dotnet Questra.Web.dll admin confirm-user <email>'.")
            .Validate<IConfiguration>((o, configuration) => !o.Enabled || environment.IsDevelopment()
                    || !string.IsNullOrWhiteSpace(o.PublicBaseUrl) || RestrictsHosts(configuration["AllowedHosts"]),
                "Email is on but Email:PublicBaseUrl is not set and AllowedHosts lets any Host header in: links in mail " +
                "(password reset, confirmation) would point wherever a request's Host header says. Set Email:PublicBaseUrl " +
                "to the app's public address (e.g. https://questra.example.com), or AllowedHosts to its host names.")
            .Validate(o => string.IsNullOrWhiteSpace(o.PublicBaseUrl)
                    || Uri.TryCreate(o.PublicBaseUrl, UriKind.Absolute, out var u) && u.Scheme is "https" or "http" && u.Query.Length == 0,
                "Email:PublicBaseUrl must be an absolute http(s) address without a query, e.g. https://questra.example.com.")
            .ValidateOnStart();
        services.AddHttpContextAccessor();
        services.AddScoped<Mailer>();
        services.AddScoped<AccountMail>();
        services.AddScoped<MailLimits>();
        services.AddScoped<IEmailSender<ApplicationUser>>(sp => sp.GetRequiredService<AccountMail>());
        services.AddSingleton<IMailTransport, SmtpMailTransport>();
        services.AddSingleton<OutboxDelivery>();
        services.AddHostedService(sp => sp.GetRequiredService<OutboxDelivery>());
        services.AddHostedService<EmailStartupNotice>();
        return services;
    }

    // AllowedHosts lists host names separated by ';'; '*' (the template's default) or nothing lets every Host in.
    private static bool RestrictsHosts(string? allowedHosts) =>
        allowedHosts?.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) is { Length: > 0 } hosts
        && !hosts.Contains("*");

    /// <summary>
    /// <c>/dev/mail</c>, Development only (404 elsewhere, as it is never mapped): the outbox, newest first, links
    /// clickable — how a newcomer confirms an account without a mail server.
    /// </summary>
    public static WebApplication MapDevMail(this WebApplication app)
    {
        if (!app.Environment.IsDevelopment()) return app;
        app.MapGet("/dev/mail", async (QuestraDbContext db) =>
        {
            var messages = await db.OutboxMessages.AsNoTracking().OrderByDescending(m => m.Id).Take(100).ToListAsync();
            var html = new StringBuilder("<!DOCTYPE html><html><head><title>Mail · Questra (Development)</title></head><body style=\"font-family:system-ui,sans-serif;max-width:900px;margin:2rem auto\">");
            html.Append("<h1>Mail</h1><p>Development only: what Questra would have sent, newest first.</p>");
            if (messages.Count == 0) html.Append("<p data-testid=\"dev-mail-empty\">No mail yet.</p>");
            foreach (var m in messages)
            {
                html.Append("<article data-testid=\"dev-mail-message\" style=\"border:1px solid #ddd;border-radius:8px;padding:1rem;margin:1rem 0\">")
                    .Append("<p style=\"color:#666;margin:0\">").Append(WebUtility.HtmlEncode($"{m.CreatedAt:yyyy-MM-dd HH:mm:ss} · to {m.To} · {m.Kind}"))
                    .Append(m.SentAt is null ? "" : " · sent").Append("</p><h2 style=\"font-size:1.1rem\">").Append(WebUtility.HtmlEncode(m.Subject)).Append("</h2>")
                    .Append(BodyOnly(m.HtmlBody)).Append("</article>");
            }
            html.Append("</body></html>");
            return Results.Content(html.ToString(), "text/html; charset=utf-8");
        }).ExcludeFromDescription();
        return app;
    }

    // Our own HTML bodies (every text piece encoded when written): show what is inside <body>.
    private static string BodyOnly(string html)
    {
        var start = html.IndexOf("<body", StringComparison.Ordinal);
        var open = start < 0 ? -1 : html.IndexOf('>', start);
        var end = html.LastIndexOf("</body>", StringComparison.Ordinal);
        return open < 0 || end < open ? WebUtility.HtmlEncode(html) : html[(open + 1)..end];
    }

    private static bool IsAddress(string? value) => MimeKit.MailboxAddress.TryParse(value ?? "", out _);

    /// <summary>Says at start where mail goes, so an operator sees a misconfiguration at once.</summary>
    private sealed class EmailStartupNotice(IOptions<EmailOptions> options, ILogger<EmailStartupNotice> logger) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken)
        {
            var o = options.Value;
            if (!o.Enabled)
                logger.LogWarning("Email is off (Email:Enabled=false): no mail is sent. Confirm accounts with 'dotnet Questra.Web.dll admin confirm-user <email>'.");
            else if (!o.HasSmtp)
                logger.LogInformation("No SMTP server configured: mail stays in the outbox; read it at /dev/mail.");
            else
                logger.LogInformation("Mail goes through {Host}:{Port} ({Security}) from {From}.", o.Smtp.Host, o.Smtp.Port, o.Smtp.Security, o.From);
            return Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
