namespace Questra.Web.Features.ApiKeys;

/// <summary>
/// The checks on what a caller asks for — name, expiry, scopes, reach — and how a new key and its audit details are
/// made. Pure functions, used by <see cref="ApiKeyService"/>, which applies them in order.
/// </summary>
internal static class ApiKeyInputRules
{
    internal static CreatedApiKey NewKey(string organizationId, string ownerUserId, string name, ApiScopes scopes,
        IEnumerable<string>? surveyIds, DateTimeOffset now, DateTimeOffset? expiresAt, string? parentKeyId)
    {
        var secret = ApiKeySecret.Generate();
        var key = new ApiKey
        {
            Id = Ids.New(ApiKey.IdPrefix),
            OrganizationId = organizationId,
            CreatedByUserId = ownerUserId,
            Name = name,
            Prefix = ApiKeySecret.DisplayPrefix(secret),
            SecretHash = ApiKeySecret.Hash(secret),
            Scopes = scopes,
            SurveyRestriction = SurveyIdList.Format(surveyIds),
            CreatedAt = now,
            ExpiresAt = expiresAt,
            ParentKeyId = parentKeyId,
        };
        return new CreatedApiKey(key, secret);
    }

    internal static string? ValidateName(string? raw, Dictionary<string, string[]> errors)
    {
        var name = raw?.Trim();
        if (string.IsNullOrEmpty(name))
        {
            errors["name"] = ["Name is required."];
            return null;
        }
        if (name.Length > ApiKeyService.NameMaxLength)
        {
            errors["name"] = [$"Name must be at most {ApiKeyService.NameMaxLength} characters (it has {name.Length})."];
            return null;
        }
        if (PlainText.FirstDisguising(name) is { } bad)
        {
            errors["name"] = [$"Name must not contain control, direction-changing or invisible characters (found U+{(int)bad:X4})."];
            return null;
        }
        return name;
    }

    internal static void ValidateExpiry(DateTimeOffset? expiresAt, DateTimeOffset now, Dictionary<string, string[]> errors)
    {
        if (expiresAt is not { } e) return;
        if (e <= now)
        {
            errors["expires_at"] = ["The expiry date must be in the future."];
        }
        else if (e - now > ApiKeyService.MaxLifetime)
        {
            errors["expires_at"] = ["The expiry date must be within 10 years; choose Never for a key that does not expire."];
        }
    }

    internal static ApiScopes ResolveScopes(IReadOnlyList<string>? requested, KeyGrant? callingKey, Dictionary<string, string[]> errors, out string? escalation)
    {
        escalation = null;
        if (requested is null)
        {
            // From the dashboard the default is Full Access; from a key, "the same as the calling key" (rule 8).
            return callingKey?.Scopes ?? ApiScopes.FullAccess;
        }
        var scopes = ApiScopeNames.Parse(requested, out var unknown);
        if (unknown.Count > 0)
        {
            errors["scopes"] = [$"Unknown scope(s): {string.Join(", ", unknown.Take(5).Select(Printable))}. Valid scopes: {string.Join(", ", ApiScopeNames.AllNames)}."];
        }
        else if (scopes == ApiScopes.None)
        {
            errors["scopes"] = ["Choose at least one scope."];
        }
        else if (callingKey is not null && (scopes & ~callingKey.Scopes) != 0)
        {
            escalation = $"A key cannot grant scopes it does not have itself: {string.Join(", ", ApiScopeNames.ToNames(scopes & ~callingKey.Scopes))}.";
        }
        return scopes;
    }

    internal static bool IsWithin(ApiKey key, KeyGrant grant) =>
        (key.Scopes & ~grant.Scopes) == 0
        && (grant.SurveyIds is null || (key.SurveyIds is { } ids && !ids.Except(grant.SurveyIds).Any()));

    internal static object Describe(ApiKey key, string? rolledFrom = null) => new
    {
        name = key.Name,
        prefix = key.Prefix,
        scopes = ApiScopeNames.ToNames(key.Scopes),
        survey_ids = key.SurveyIds,
        expires_at = key.ExpiresAt,
        parent = key.ParentKeyId,
        rolled_from = rolledFrom,
    };

    // Echo user input back only as a short, printable string.
    internal static string Printable(string? value) =>
        value is null ? "null" : $"'{new string(value.Take(40).Where(c => !char.IsControl(c)).ToArray())}'";
}
