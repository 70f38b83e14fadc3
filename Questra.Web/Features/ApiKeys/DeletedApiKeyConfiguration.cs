using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Questra.Web.Features.ApiKeys;

public sealed class DeletedApiKeyConfiguration : IEntityTypeConfiguration<DeletedApiKey>
{
    public void Configure(EntityTypeBuilder<DeletedApiKey> builder)
    {
        builder.HasKey(d => d.SecretHash);
        builder.Property(d => d.SecretHash).HasMaxLength(ApiKeySecret.HashLength);
    }
}
