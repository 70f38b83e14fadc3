namespace Questra.Web.Features.Accounts;

/// <summary>
/// Marks an account page that a stolen session could abuse (turning two-factor off or resetting it, new recovery
/// codes, changing the email, deleting the account): <see cref="SudoGate"/> lets no request reach it — showing it, or
/// posting its form — without a fresh "Confirm it's you" (<see cref="SudoMode"/>).
/// </summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class RequiresSudoAttribute : Attribute;
