using System.Buffers.Binary;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Questra.Web.Features.ApiKeys;

/// <summary>One network: an IPv4 or IPv6 address and how many leading bits of it must match.</summary>
public readonly record struct AddressRange(bool IsV4, UInt128 Network, int PrefixLength)
{
    private UInt128 Mask => PrefixLength == 0 ? UInt128.Zero : UInt128.MaxValue << (Width - PrefixLength);

    private int Width => IsV4 ? 32 : 128;

    public bool Contains(bool isV4, UInt128 address) => isV4 == IsV4 && (address & Mask) == Network;

    /// <summary>Whether every address of <paramref name="other"/> is in this range.</summary>
    public bool Covers(AddressRange other) => other.IsV4 == IsV4 && other.PrefixLength >= PrefixLength && (other.Network & Mask) == Network;

    /// <summary>"203.0.113.7" for a single address, "203.0.113.0/24" for a network; IPv6 in its short form.</summary>
    public override string ToString()
    {
        var address = new IPAddress(IsV4 ? ToBytes(Network)[12..] : ToBytes(Network));
        return PrefixLength == Width ? address.ToString() : $"{address}/{PrefixLength.ToString(CultureInfo.InvariantCulture)}";
    }

    /// <summary>The enclosing /24 of an IPv4 address or /64 of an IPv6 one (what "allow the network" offers).</summary>
    public AddressRange Widened() => IsV4 ? Of(true, Network, Math.Min(PrefixLength, 24)) : Of(false, Network, Math.Min(PrefixLength, 64));

    internal static AddressRange Of(bool isV4, UInt128 address, int prefixLength)
    {
        var width = isV4 ? 32 : 128;
        var mask = prefixLength == 0 ? UInt128.Zero : UInt128.MaxValue << (width - prefixLength);
        if (isV4) mask &= uint.MaxValue;
        return new AddressRange(isV4, address & mask, prefixLength);
    }

    /// <summary>An address as a number, IPv4-mapped IPv6 (<c>::ffff:203.0.113.7</c>) read as the IPv4 address it carries.</summary>
    public static (bool IsV4, UInt128 Value) Read(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6) address = address.MapToIPv4();
        Span<byte> bytes = stackalloc byte[16];
        address.TryWriteBytes(bytes, out var written);
        return address.AddressFamily == AddressFamily.InterNetwork
            ? (true, BinaryPrimitives.ReadUInt32BigEndian(bytes))
            : (false, BinaryPrimitives.ReadUInt128BigEndian(bytes[..written]));
    }

    private static byte[] ToBytes(UInt128 value)
    {
        var bytes = new byte[16];
        BinaryPrimitives.WriteUInt128BigEndian(bytes, value);
        return bytes;
    }
}

/// <summary>
/// The addresses a key may be used from: up to <see cref="MaxEntries"/> IPv4/IPv6 addresses and CIDR ranges, parsed
/// and normalised once (host bits cleared, IPv4-mapped IPv6 read as IPv4, duplicates and ranges inside another
/// dropped) and stored as one space-separated string. Empty means "no restriction of its own".
/// </summary>
public sealed partial class AddressList
{
    public const int MaxEntries = 50;

    public static readonly AddressList Empty = new([]);

    /// <summary>
    /// Allows no address: what a check falls back to when it cannot read a list it should apply (a stored value that
    /// does not parse, a lineage deeper than it walks). Fails closed; never stored.
    /// </summary>
    public static readonly AddressList Nothing = new([], nothing: true);

    private readonly AddressRange[] ranges;
    private readonly bool nothing;

    private AddressList(AddressRange[] ranges, bool nothing = false)
    {
        this.ranges = ranges;
        this.nothing = nothing;
    }

    public IReadOnlyList<AddressRange> Ranges => ranges;

    /// <summary>No list: every address allowed.</summary>
    public bool IsEmpty => ranges.Length == 0 && !nothing;

    /// <summary>Whether a request from <paramref name="address"/> is allowed; no list allows everyone.</summary>
    public bool Allows(IPAddress? address)
    {
        if (nothing) return false;
        if (ranges.Length == 0) return true;
        if (address is null) return false;
        var (isV4, value) = AddressRange.Read(address);
        foreach (var range in ranges)
        {
            if (range.Contains(isV4, value)) return true;
        }
        return false;
    }

    /// <summary>Whether every address this list allows is allowed by <paramref name="wider"/> (an empty list allows none — it is "everything" only when it is the wider one).</summary>
    public bool IsWithin(AddressList wider) =>
        nothing || wider.IsEmpty || (!wider.nothing && !IsEmpty && ranges.All(r => wider.ranges.Any(w => w.Covers(r))));

    /// <summary>The stored form: normalised entries separated by spaces; null for an empty list.</summary>
    public string? Format() => IsEmpty ? null : string.Join(' ', ranges.Select(r => r.ToString()));

    public IReadOnlyList<string> ToStrings() => ranges.Select(r => r.ToString()).ToList();

    public override string ToString() => Format() ?? "";

    /// <summary>
    /// A stored list (written by <see cref="Format"/>, so valid); null or blank is the empty list. A value that does not
    /// parse (which nothing writes) allows no address rather than every one.
    /// </summary>
    public static AddressList FromStored(string? stored) =>
        string.IsNullOrWhiteSpace(stored) ? Empty : TryParse(stored.Split(' ', StringSplitOptions.RemoveEmptyEntries), out var list, out _) ? list : Nothing;

    /// <summary>
    /// Entries as a person typed them (one per line, or separated by commas or spaces) or as an API body sent them.
    /// On failure <paramref name="error"/> says which entry is wrong and why; nothing is half-parsed.
    /// </summary>
    public static bool TryParse(IEnumerable<string?> entries, out AddressList list, out string? error)
    {
        list = Empty;
        error = null;
        var parsed = new List<AddressRange>();
        var problems = new List<string>();
        var count = 0;
        foreach (var raw in entries)
        {
            var entry = raw?.Trim() ?? "";
            if (entry.Length == 0) continue;
            if (++count > MaxEntries)
            {
                error = $"At most {MaxEntries} addresses or ranges are allowed.";
                return false;
            }
            if (TryParseEntry(entry, out var range, out var problem)) parsed.Add(range);
            else problems.Add(problem!);
        }
        if (problems.Count > 0)
        {
            // Every wrong entry at once (the first few), so a pasted list is fixed in one go.
            error = string.Join(" ", problems.Take(5)) + (problems.Count > 5 ? $" ({problems.Count - 5} more entries are wrong too.)" : "");
            return false;
        }
        // Normalised: a range inside another one adds nothing, and the same range twice is one.
        var kept = parsed.Distinct().Where(r => !parsed.Any(o => o != r && o.Covers(r))).OrderBy(r => r.IsV4 ? 0 : 1)
            .ThenBy(r => r.Network).ThenBy(r => r.PrefixLength).ToArray();
        list = kept.Length == 0 ? Empty : new AddressList(kept);
        return true;
    }

    /// <summary>Text from a form: lines, commas or spaces between entries.</summary>
    public static IEnumerable<string> SplitTyped(string? text) =>
        (text ?? "").Split(['\n', '\r', ',', ' ', '\t', ';'], StringSplitOptions.RemoveEmptyEntries);

    private static bool TryParseEntry(string entry, out AddressRange range, out string? error)
    {
        range = default;
        error = null;
        var shown = entry.Length > 45 ? entry[..45] + "…" : entry;
        var slash = entry.IndexOf('/', StringComparison.Ordinal);
        var addressPart = slash < 0 ? entry : entry[..slash];
        // IPAddress.TryParse also takes "1", "1.2", zone ids ("fe80::1%eth0") and octal or hex parts ("010.0.0.1" is
        // 8.0.0.1, "0x0a.0.0.1" is 10.0.0.1): only the usual full forms count, IPv4 as four plain decimal numbers.
        var dotted = addressPart.Contains('.', StringComparison.Ordinal) ? addressPart[(addressPart.LastIndexOf(':') + 1)..] : null;
        if (addressPart.Contains('%', StringComparison.Ordinal) || !IPAddress.TryParse(addressPart, out var address))
        {
            error = $"'{Printable(shown)}' is not an IPv4 or IPv6 address or CIDR range (e.g. 203.0.113.7, 203.0.113.0/24, 2001:db8::/48).";
            return false;
        }
        if ((dotted is not null || address.AddressFamily == AddressFamily.InterNetwork) && !PlainDottedDecimal().IsMatch(dotted ?? addressPart))
        {
            error = $"'{Printable(shown)}' is not a plain IPv4 address: write four numbers from 0 to 255 without leading zeros (e.g. 10.0.0.1, not 010.0.0.1).";
            return false;
        }
        var mapped = address.IsIPv4MappedToIPv6;
        var (isV4, value) = AddressRange.Read(address);
        var width = isV4 ? 32 : 128;
        var prefix = width;
        if (slash >= 0)
        {
            var lengthText = entry[(slash + 1)..];
            if (!int.TryParse(lengthText, NumberStyles.None, CultureInfo.InvariantCulture, out prefix) || prefix > (mapped ? 128 : width))
            {
                error = $"'{Printable(shown)}' has an invalid prefix length: use /1–/{(mapped ? 128 : width)}.";
                return false;
            }
            if (mapped)
            {
                if (prefix < 96)
                {
                    error = $"'{Printable(shown)}' is an IPv4-mapped range wider than /96; write the IPv4 range instead.";
                    return false;
                }
                prefix -= 96; // ::ffff:203.0.113.0/120 is 203.0.113.0/24
            }
        }
        if (prefix == 0)
        {
            error = $"'{Printable(shown)}' would allow every address; leave the list empty for no restriction.";
            return false;
        }
        range = AddressRange.Of(isV4, value, prefix);
        return true;
    }

    // Four numbers 0-255 without leading zeros (a leading zero would make some parsers read octal).
    [System.Text.RegularExpressions.GeneratedRegex(@"^(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])(\.(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])){3}$")]
    private static partial System.Text.RegularExpressions.Regex PlainDottedDecimal();

    private static string Printable(string value) => new(value.Where(c => !char.IsControl(c)).ToArray());
}
