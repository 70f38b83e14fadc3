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
        services.AddSingleton(sp =>
        {
            var stamps = new SurveyStamps(sp.GetRequiredService<TimeProvider>());
            if (sp.GetService<Npgsql.NpgsqlDataSource>() is not null) stamps.RequireLease();
            return stamps;
        });
        services.AddSingleton(sp =>
        {
            var forms = new PublicForms(sp.GetRequiredService<TimeProvider>());
            if (sp.GetService<Npgsql.NpgsqlDataSource>() is not null) forms.RequireLease();
            return forms;
        });
        services.AddScoped<Organizations.INewOrganizationContent, SampleSurveysContent>();
        return services;
    }
}
