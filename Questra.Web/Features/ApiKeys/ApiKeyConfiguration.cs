using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Questra.Web.Features.Organizations;

namespace Questra.Web.Features.ApiKeys;

public sealed class ApiKeyConfiguration : IEntityTypeConfiguration<ApiKey>
{
    /// <summary>Room for <see cref="AddressList.MaxEntries"/> of the longest entries ("ffff:…:ffff/128") and their spaces.</summary>
    public const int AddressListColumnLength = AddressList.MaxEntries * 44;

    public void Configure(EntityTypeBuilder<ApiKey> builder)
    {
        builder.Property(k => k.Id).HasMaxLength(Ids.MaxLength);
        builder.Property(k => k.Name).HasMaxLength(ApiKeyService.NameMaxLength);
        builder.Property(k => k.Prefix).HasMaxLength(ApiKeySecret.DisplayPrefixLength);
        builder.Property(k => k.SecretHash).HasMaxLength(ApiKeySecret.HashLength);
        builder.Property(k => k.Scopes).HasConversion<int>();
        builder.HasIndex(k => k.SecretHash).IsUnique();
        builder.HasIndex(k => new { k.OrganizationId, k.CreatedAt });
        builder.HasIndex(k => k.CreatedByUserId);
        builder.Property(k => k.ParentKeyId).HasMaxLength(Ids.MaxLength);
        builder.HasIndex(k => k.ParentKeyId);
        // Two requests that revoke or roll the same key at once: the second one's update matches no row and fails.
        builder.Property(k => k.RevokedAt).IsConcurrencyToken();
        builder.Property(k => k.ReplacedByKeyId).IsConcurrencyToken();
        builder.Ignore(k => k.SurveyIds);
        // A roll copies the list to the replacement: a narrowing that lands in between makes the roll fail, not the copy wide.
        builder.Property(k => k.AllowedIps).HasMaxLength(AddressListColumnLength).IsConcurrencyToken();
        builder.Ignore(k => k.AllowedAddresses);
        builder.HasOne<Organization>().WithMany().HasForeignKey(k => k.OrganizationId).OnDelete(DeleteBehavior.Cascade);
    }
}
