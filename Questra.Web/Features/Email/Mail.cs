using System.Net;
using System.Text;
using Questra.Web.Data;

namespace Questra.Web.Features.Email;

/// <summary>A link in a message: its words and where it goes.</summary>
public sealed record MailAction(string Label, string Url);

/// <summary>
/// Writes messages into the outbox: plain text plus simple HTML built from the same paragraphs (every piece of
/// text HTML-encoded), never a secret. <see cref="Enqueue"/> only adds to the context: the message is saved, or
/// not, with the change that causes it.
/// </summary>
public static class Mail
{
    public static OutboxMessage Compose(string kind, string to, string subject, IReadOnlyList<string> paragraphs, MailAction? action, DateTimeOffset now,
        string? dedupeKey = null)
    {
        var text = new StringBuilder();
        var html = new StringBuilder("<!DOCTYPE html><html><body style=\"font-family:system-ui,sans-serif;line-height:1.5;color:#1f2330\">");
        foreach (var paragraph in paragraphs)
        {
            text.Append(paragraph).Append("\n\n");
            html.Append("<p>").Append(WebUtility.HtmlEncode(paragraph)).Append("</p>");
        }
        if (action is not null)
        {
            text.Append(action.Label).Append(": ").Append(action.Url).Append("\n\n");
            html.Append("<p><a href=\"").Append(WebUtility.HtmlEncode(action.Url)).Append("\">").Append(WebUtility.HtmlEncode(action.Label)).Append("</a></p>");
        }
        text.Append("— Questra");
        html.Append("<p style=\"color:#6b7080\">— Questra</p></body></html>");
        return new OutboxMessage
        {
            Kind = kind,
            To = to,
            Subject = subject,
            TextBody = text.ToString(),
            HtmlBody = html.ToString(),
            CreatedAt = now,
            NextAttemptAt = now,
            DedupeKey = dedupeKey,
        };
    }

    /// <summary>Adds a message to the outbox, to be saved with the caller's change (one transaction).</summary>
    public static void Enqueue(this QuestraDbContext db, OutboxMessage message) => db.OutboxMessages.Add(message);
}
