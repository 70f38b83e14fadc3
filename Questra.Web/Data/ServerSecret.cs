using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Questra.Web.Data;

/// <summary>
/// A random key the instances of one deployment share, by name (<see cref="ServerSecrets"/>). Stored wrapped by the
/// Data Protection key ring, never in clear.
/// </summary>
public sealed class ServerSecret
{
    public required string Name { get; init; }
    public required byte[] Value { get; set; }
}

public sealed class ServerSecretConfiguration : IEntityTypeConfiguration<ServerSecret>
{
    public void Configure(EntityTypeBuilder<ServerSecret> builder)
    {
        builder.HasKey(s => s.Name);
        builder.Property(s => s.Name).HasMaxLength(100);
    }
}
