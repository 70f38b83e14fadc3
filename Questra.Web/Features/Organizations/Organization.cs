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
