namespace Questra.Web.Features.Surveys;

public static class SurveysRegistration
{
    /// <summary>Survey authoring, the public form's responses, visibility, results and metrics.</summary>
    public static IServiceCollection AddSurveys(this IServiceCollection services)
    {
        services.AddOptions<SurveyOptions>().BindConfiguration(SurveyOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddScoped<SurveyAuthoring>();
        services.AddScoped<ResponseSubmission>();
        services.AddSingleton<SubmissionThrottle>();
        services.AddSingleton<Components.Respond.FormTokens>();
        services.AddSingleton<ResponseWriter>();
        services.AddScoped<SurveyResults>();
        services.AddScoped<SurveyAccess>();
        services.AddScoped<SurveyMetrics>();
        services.AddSingleton<SurveyReads>();
        // Sharing the database with other instances (PostgreSQL): stamps and forms only under the change channel's lease.
        services.AddSingleton(sp => Leased(sp, new SurveyStamps(sp.GetRequiredService<TimeProvider>())));
        services.AddSingleton(sp => Leased(sp, new PublicForms(sp.GetRequiredService<TimeProvider>())));
        services.AddScoped<Organizations.INewOrganizationContent, SampleSurveysContent>();
        return services;
    }

    private static T Leased<T>(IServiceProvider services, T copy) where T : Data.LeasedCache
    {
        if (services.GetService<Npgsql.NpgsqlDataSource>() is not null) copy.RequireLease();
        return copy;
    }
}
