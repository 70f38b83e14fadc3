namespace Questra.Web.Features.ApiKeys;

public enum CreationBlock { None, NotAMember, EmailNotConfirmed, MfaRequired, FreePlan, CreationDisabled, RoleNotAllowed }
