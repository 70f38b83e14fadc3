using Questra.Web.Features.Organizations;

namespace Questra.Web.Features.ApiKeys;

/// <summary>An organization's rules for every key: the addresses keys may be used from, and how long they may live.</summary>
public sealed record OrgKeyPolicy(AddressList AllowedAddresses, KeyLifetimePolicy Lifetime)
{
    public static readonly OrgKeyPolicy None = new(AddressList.Empty, KeyLifetimePolicy.None);

    public static OrgKeyPolicy Of(Organization org) => new(AddressList.FromStored(org.AllowedIps), org.KeyLifetime);
}
