namespace Questra.Web.Features.Organizations;

public enum Plan { Free, Pro, Team, Organisation }

public enum OrgRole { Member, Admin, Owner }

/// <summary>Who in an organization may create API keys.</summary>
public enum ApiKeyCreationPolicy { OwnersAndAdmins, AllMembers, Disabled }

public sealed class Organization
{
    public const string IdPrefix = "org_";

    public required string Id { get; init; }
    public required string Name { get; set; }
    public Plan Plan { get; set; } = Plan.Free;
    public ApiKeyCreationPolicy ApiKeyCreation { get; set; } = ApiKeyCreationPolicy.OwnersAndAdmins;

    /// <summary>Owners and admins get an email whenever someone creates an API key in the organization.</summary>
    public bool NotifyAdminsOfNewKeys { get; set; }
    public DateTimeOffset CreatedAt { get; init; }

    /// <summary>Addresses every key of the organization must be used from (as well as its own list); null: anywhere.</summary>
    public string? AllowedIps { get; set; }

    /// <summary>How many days a key may live, from its creation; null: as long as its creator chooses.</summary>
    public int? MaxKeyLifetimeDays { get; set; }

    /// <summary>Keys must have an expiry ("Never" is refused); implied by <see cref="MaxKeyLifetimeDays"/>.</summary>
    public bool KeysMustExpire { get; set; }

    /// <summary>
    /// The smallest count the API's per-question aggregates show (never below 1): a smaller one is withheld, with
    /// whatever would let it be worked out, so small groups of respondents cannot be singled out.
    /// </summary>
    public int MinCellSize { get; set; } = DefaultMinCellSize;

    public const int DefaultMinCellSize = 5;
    public const int MaxMinCellSize = 1000;

    public Questra.Web.Features.ApiKeys.KeyLifetimePolicy KeyLifetime => new(MaxKeyLifetimeDays, KeysMustExpire);

    public bool IsPaid => Plan != Plan.Free;
}

public sealed class Membership
{
    public required string OrganizationId { get; init; }
    public required string UserId { get; init; }
    public OrgRole Role { get; set; }
    public DateTimeOffset JoinedAt { get; init; }

    public Organization? Organization { get; init; }

    public bool IsAdminOrOwner => Role is OrgRole.Admin or OrgRole.Owner;
}
