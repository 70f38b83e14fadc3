using System.ComponentModel.DataAnnotations;

namespace Questra.Web.Features.Email;

public enum SmtpSecurity { None, StartTls, SslOnConnect }

/// <summary>
/// <c>Email</c>: where Questra's mail goes. With an SMTP host, a background sender delivers the outbox. Without
/// one, Development keeps messages in the outbox for <c>/dev/mail</c>; anywhere else the app refuses to start
/// unless <c>Email:Enabled=false</c> (then no mail is written, and accounts are confirmed with
/// <c>admin confirm-user</c>).
/// </summary>
public sealed class EmailOptions
{
    public const string Section = "Email";

    public bool Enabled { get; set; } = true;

    /// <summary>The sender, e.g. <c>Questra &lt;no-reply@questra.example&gt;</c>.</summary>
    [MaxLength(320)]
    public string? From { get; set; }

    public SmtpOptions Smtp { get; set; } = new();

    public OutboxOptions Outbox { get; set; } = new();

    /// <summary>The app's public address for links in mail (e.g. <c>https://questra.example</c>); the request's own address when unset.</summary>
    public string? PublicBaseUrl { get; set; }

    public bool HasSmtp => !string.IsNullOrWhiteSpace(Smtp.Host);
}

public sealed class SmtpOptions
{
    public string? Host { get; set; }

    [Range(1, 65535)]
    public int Port { get; set; } = 587;

    public SmtpSecurity Security { get; set; } = SmtpSecurity.StartTls;

    public string? UserName { get; set; }

    public string? Password { get; set; }

    [Range(1, 600)]
    public int TimeoutSeconds { get; set; } = 30;
}

public sealed class OutboxOptions
{
    /// <summary>How often the sender looks for mail to deliver.</summary>
    [Range(100, 600_000)]
    public int PollMilliseconds { get; set; } = 2000;

    /// <summary>Attempts before a message is given up (with backoff: 30 s, 1 min, 2 min … up to 1 h between tries).</summary>
    [Range(1, 1000)]
    public int MaxAttempts { get; set; } = 30;

    /// <summary>Sent messages are deleted after this many days.</summary>
    [Range(1, 3650)]
    public int KeepSentDays { get; set; } = 7;
}
