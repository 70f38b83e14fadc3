using System.ComponentModel.DataAnnotations;

namespace Questra.Web.Features.Webhooks;

/// <summary>Operator settings for webhook delivery (<c>Webhooks:…</c>).</summary>
public sealed class WebhookOptions
{
    public const string Section = "Webhooks";

    /// <summary>Seconds one attempt may take, connection included; a receiver should answer at once and work later.</summary>
    [Range(1, 30)]
    public int TimeoutSeconds { get; set; } = 10;

    /// <summary>How often the dispatcher looks for events and due deliveries.</summary>
    [Range(100, 60_000)]
    public int PollMilliseconds { get; set; } = 1000;

    /// <summary>
    /// Private networks (CIDR) an operator lets endpoints reach, e.g. a receiver inside their own network; HTTP is
    /// then allowed to them too. Empty by default: loopback, private, link-local and metadata addresses are refused
    /// (in Development, loopback over HTTP is allowed). Link-local and cloud metadata addresses are refused even if listed.
    /// </summary>
    public string[] AllowedNetworks { get; set; } = [];

    /// <summary>How long a delivery is retried, and how long an endpoint may fail before it is disabled.</summary>
    [Range(1, 72)]
    public int RetryHours { get; set; } = 24;

    /// <summary>Days delivered events and their attempts are kept for the dashboard.</summary>
    [Range(1, 365)]
    public int KeepDays { get; set; } = 30;

    [Range(1, 100)]
    public int MaxEndpointsPerOrganization { get; set; } = 10;
}
