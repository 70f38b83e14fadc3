using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;
using Questra.Web.Features.ApiKeys;
using Questra.Web.Features.Audit;
using Questra.Web.Features.Organizations;
using Questra.Web.Features.Surveys;

namespace Questra.Web.Data;

public class QuestraDbContext(DbContextOptions<QuestraDbContext> options) : IdentityDbContext<ApplicationUser>(options), IDataProtectionKeyContext
{
    public DbSet<Organization> Organizations => Set<Organization>();
    public DbSet<Membership> Memberships => Set<Membership>();
    public DbSet<Survey> Surveys => Set<Survey>();
    public DbSet<SurveyQuestion> SurveyQuestions => Set<SurveyQuestion>();
    public DbSet<SurveyResponse> SurveyResponses => Set<SurveyResponse>();
    public DbSet<SurveyResponseDay> SurveyResponseDays => Set<SurveyResponseDay>();
    public DbSet<ApiKey> ApiKeys => Set<ApiKey>();
    public DbSet<DeletedApiKey> DeletedApiKeys => Set<DeletedApiKey>();
    public DbSet<AuditEvent> AuditEvents => Set<AuditEvent>();
    public DbSet<ApiKeyUsage> ApiKeyUsage => Set<ApiKeyUsage>();
    public DbSet<Features.Email.OutboxMessage> OutboxMessages => Set<Features.Email.OutboxMessage>();
    public DbSet<Invitation> Invitations => Set<Invitation>();

    /// <summary>The Data Protection key ring (sign-in cookies, antiforgery), shared by every instance on this database.</summary>
    public DbSet<DataProtectionKey> DataProtectionKeys => Set<DataProtectionKey>();

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        // SQLite cannot order or compare DateTimeOffset stored as text; store UTC ticks instead.
        if (Database.IsSqlite())
        {
            configurationBuilder.Properties<DateTimeOffset>().HaveConversion<UtcTicksConverter>();
        }
        else if (Database.IsNpgsql())
        {
            // timestamptz takes UTC only; an expiry given as +02:00 is the same instant in UTC.
            configurationBuilder.Properties<DateTimeOffset>().HaveConversion<ToUtcConverter>();
        }
        configurationBuilder.Properties<Enum>().HaveConversion<string>().HaveMaxLength(32);
    }

    protected override void OnModelCreating(ModelBuilder builder)
    {
        base.OnModelCreating(builder);

        builder.Entity<ApplicationUser>(e => e.Property(u => u.SelectedOrganizationId).HasMaxLength(80));

        builder.Entity<Organization>(e =>
        {
            e.Property(o => o.Id).HasMaxLength(80);
            e.Property(o => o.Name).HasMaxLength(200);
        });

        builder.Entity<Membership>(e =>
        {
            e.HasKey(m => new { m.OrganizationId, m.UserId });
            e.HasIndex(m => m.UserId);
            e.HasOne(m => m.Organization).WithMany().HasForeignKey(m => m.OrganizationId).OnDelete(DeleteBehavior.Cascade);
            e.HasOne<ApplicationUser>().WithMany().HasForeignKey(m => m.UserId).OnDelete(DeleteBehavior.Cascade);
        });

        builder.Entity<Survey>(e =>
        {
            e.Property(s => s.Id).HasMaxLength(80);
            e.Property(s => s.Title).HasMaxLength(300);
            e.HasIndex(s => new { s.OrganizationId, s.CreatedAt });
            e.HasIndex(s => new { s.OrganizationId, s.OwnerUserId });
            e.HasOne<Organization>().WithMany().HasForeignKey(s => s.OrganizationId).OnDelete(DeleteBehavior.Cascade);
            e.HasMany(s => s.Questions).WithOne().HasForeignKey(q => q.SurveyId).OnDelete(DeleteBehavior.Cascade);
        });

        builder.Entity<SurveyResponse>(e =>
        {
            e.HasIndex(r => new { r.SurveyId, r.SubmittedAt });
            e.HasOne<Survey>().WithMany().HasForeignKey(r => r.SurveyId).OnDelete(DeleteBehavior.Cascade);
        });

        builder.Entity<SurveyResponseDay>(e =>
        {
            e.HasKey(d => new { d.SurveyId, d.Day });
            e.HasOne<Survey>().WithMany().HasForeignKey(d => d.SurveyId).OnDelete(DeleteBehavior.Cascade);
        });

        builder.Entity<ApiKey>(e =>
        {
            e.Property(k => k.Id).HasMaxLength(80);
            e.Property(k => k.Name).HasMaxLength(100);
            e.Property(k => k.Prefix).HasMaxLength(ApiKeySecret.DisplayPrefixLength);
            e.Property(k => k.SecretHash).HasMaxLength(32);
            e.Property(k => k.Scopes).HasConversion<int>();
            e.HasIndex(k => k.SecretHash).IsUnique();
            e.HasIndex(k => new { k.OrganizationId, k.CreatedAt });
            e.HasIndex(k => k.CreatedByUserId);
            e.Property(k => k.ParentKeyId).HasMaxLength(80);
            e.HasIndex(k => k.ParentKeyId);
            // Two requests that revoke or roll the same key at once: the second one's update matches no row and fails.
            e.Property(k => k.RevokedAt).IsConcurrencyToken();
            e.Property(k => k.ReplacedByKeyId).IsConcurrencyToken();
            e.Ignore(k => k.SurveyIds);
            e.HasOne<Organization>().WithMany().HasForeignKey(k => k.OrganizationId).OnDelete(DeleteBehavior.Cascade);
        });

        builder.Entity<DeletedApiKey>(e =>
        {
            e.HasKey(d => d.SecretHash);
            e.Property(d => d.SecretHash).HasMaxLength(32);
        });

        builder.Entity<AuditEvent>(e =>
        {
            e.Property(a => a.Type).HasMaxLength(64);
            e.HasIndex(a => new { a.OrganizationId, a.OccurredAt });
            e.HasIndex(a => a.TargetId);
        });

        builder.Entity<Invitation>(e =>
        {
            e.Property(i => i.Id).HasMaxLength(80);
            e.Property(i => i.Email).HasMaxLength(Features.Email.OutboxMessage.ToMaxLength);
            e.Property(i => i.NormalizedEmail).HasMaxLength(Features.Email.OutboxMessage.ToMaxLength);
            e.HasIndex(i => i.NormalizedEmail);
            e.HasIndex(i => new { i.OrganizationId, i.CreatedAt });
            e.HasOne<Organization>().WithMany().HasForeignKey(i => i.OrganizationId).OnDelete(DeleteBehavior.Cascade);
        });

        builder.Entity<Features.Email.OutboxMessage>(e =>
        {
            e.Property(m => m.Kind).HasMaxLength(Features.Email.OutboxMessage.KindMaxLength);
            e.Property(m => m.To).HasMaxLength(Features.Email.OutboxMessage.ToMaxLength);
            e.Property(m => m.Subject).HasMaxLength(Features.Email.OutboxMessage.SubjectMaxLength);
            e.Property(m => m.LastError).HasMaxLength(500);
            e.Property(m => m.ClaimToken).HasMaxLength(32);
            e.Property(m => m.DedupeKey).HasMaxLength(128);
            e.HasIndex(m => m.DedupeKey).IsUnique();
            e.HasIndex(m => new { m.SentAt, m.NextAttemptAt });
            e.HasIndex(m => m.ClaimToken);
        });

        builder.Entity<ApiKeyUsage>(e =>
        {
            e.HasKey(u => new { u.ApiKeyId, u.Endpoint, u.Day });
            e.Property(u => u.Endpoint).HasMaxLength(120);
            e.HasIndex(u => new { u.OrganizationId, u.Day });
        });
    }

    private sealed class ToUtcConverter() : ValueConverter<DateTimeOffset, DateTimeOffset>(
        v => v.ToUniversalTime(),
        v => v);

    private sealed class UtcTicksConverter() : ValueConverter<DateTimeOffset, long>(
        v => v.UtcTicks,
        v => new DateTimeOffset(v, TimeSpan.Zero));
}
