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
    public DbSet<SurveyAnswerDay> SurveyAnswerDays => Set<SurveyAnswerDay>();
    public DbSet<SurveyAnswerTotal> SurveyAnswerTotals => Set<SurveyAnswerTotal>();
    public DbSet<ApiKey> ApiKeys => Set<ApiKey>();
    public DbSet<DeletedApiKey> DeletedApiKeys => Set<DeletedApiKey>();
    public DbSet<AuditEvent> AuditEvents => Set<AuditEvent>();
    public DbSet<ApiKeyUsage> ApiKeyUsage => Set<ApiKeyUsage>();
    public DbSet<ApiKeyFailure> ApiKeyFailures => Set<ApiKeyFailure>();
    public DbSet<IdempotencyRecord> IdempotencyRecords => Set<IdempotencyRecord>();
    public DbSet<ApiKeyAddress> ApiKeyAddresses => Set<ApiKeyAddress>();
    public DbSet<Features.Email.OutboxMessage> OutboxMessages => Set<Features.Email.OutboxMessage>();
    public DbSet<Invitation> Invitations => Set<Invitation>();
    public DbSet<Features.Webhooks.WebhookEndpoint> WebhookEndpoints => Set<Features.Webhooks.WebhookEndpoint>();
    public DbSet<Features.Webhooks.WebhookMessage> WebhookMessages => Set<Features.Webhooks.WebhookMessage>();
    public DbSet<Features.Webhooks.WebhookDelivery> WebhookDeliveries => Set<Features.Webhooks.WebhookDelivery>();
    public DbSet<Features.Webhooks.WebhookAttempt> WebhookAttempts => Set<Features.Webhooks.WebhookAttempt>();

    /// <summary>The Data Protection key ring (sign-in cookies, antiforgery), shared by every instance on this database.</summary>
    public DbSet<DataProtectionKey> DataProtectionKeys => Set<DataProtectionKey>();

    /// <summary>Random keys every instance shares, wrapped by that key ring (<see cref="Questra.Web.Data.ServerSecrets"/>).</summary>
    public DbSet<ServerSecret> ServerSecrets => Set<ServerSecret>();

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

        // Each entity's mapping lives beside it (…Configuration.cs in its feature folder).
        builder.ApplyConfigurationsFromAssembly(typeof(QuestraDbContext).Assembly);
    }

    private sealed class ToUtcConverter() : ValueConverter<DateTimeOffset, DateTimeOffset>(
        v => v.ToUniversalTime(),
        v => v);

    private sealed class UtcTicksConverter() : ValueConverter<DateTimeOffset, long>(
        v => v.UtcTicks,
        v => new DateTimeOffset(v, TimeSpan.Zero));
}
