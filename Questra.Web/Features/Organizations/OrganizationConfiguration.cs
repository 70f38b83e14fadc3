using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Questra.Web.Features.Organizations;

public sealed class OrganizationConfiguration : IEntityTypeConfiguration<Organization>
{
    /// <summary>The column is wider than the names the dashboard accepts (<see cref="MembershipService.OrganizationNameMaxLength"/>): older, longer names still fit.</summary>
    public const int NameColumnLength = 200;

    public void Configure(EntityTypeBuilder<Organization> builder)
    {
        builder.Property(o => o.Id).HasMaxLength(Ids.MaxLength);
        builder.Property(o => o.Name).HasMaxLength(NameColumnLength);
        builder.Property(o => o.AllowedIps).HasMaxLength(Questra.Web.Features.ApiKeys.ApiKeyConfiguration.AddressListColumnLength);
        builder.Ignore(o => o.KeyLifetime);
        builder.Property(o => o.MinCellSize).HasDefaultValue(Organization.DefaultMinCellSize);
    }
}
