namespace Questra.Web.Features.ApiKeys;

public enum ApiKeyStatus { Active, Revoked, Expired }
