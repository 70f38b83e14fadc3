using Questra.Web.Features.Organizations;

namespace Questra.Web.Features.ApiKeys;

/// <summary>An organization's rules for every key: the addresses keys may be used from, and how long they may live.</summary>
public sealed record OrgKeyPolicy(AddressList AllowedAddresses, KeyLifetimePolicy Lifetime)
{
    public static readonly OrgKeyPolicy None = new(AddressList.Empty, KeyLifetimePolicy.None);

    public static OrgKeyPolicy Of(Organization org) => new(AddressList.FromStored(org.AllowedIps), org.KeyLifetime);

    /// <summary>Set on the copy members get: that there is a list, not what it holds (owners' and admins' business).</summary>
    public bool AddressesHidden { get; init; }

    public bool IsAddressRestricted => AddressesHidden || !AllowedAddresses.IsEmpty;

    /// <summary>The policy as someone with <paramref name="role"/> may see it: members learn the rule, not the address entries.</summary>
    public OrgKeyPolicy SeenBy(OrgRole? role) => role == OrgRole.Member ? ForMember() : this;

    public OrgKeyPolicy ForMember() => IsAddressRestricted ? this with { AllowedAddresses = AddressList.Empty, AddressesHidden = true } : this;
}
