using System.Diagnostics;
using System.Globalization;
using System.Net;
using Microsoft.Extensions.Logging.Abstractions;
using Questra.Web.Features.ApiKeys;
using Questra.Web.Features.Organizations;

namespace Questra.Bench;

/// <summary>
/// What issue 23's per-request work costs in-process: the address check against a 50-entry key list and a 50-entry
/// organization list (the client matched only by the last entry of each, the worst case), and learn mode's count.
/// Nanoseconds per call, medians of several blocks, and bytes allocated per call.
/// </summary>
public static class AddressCost
{
    public static int Run(int blocks, int callsPerBlock)
    {
        static AddressList List(string last)
        {
            var entries = Enumerable.Range(0, 49).Select(i => i % 2 == 0 ? $"198.51.{i}.0/24" : $"2001:db8:{i:x}::/48").Append(last);
            return AddressList.TryParse(entries, out var list, out var error) ? list : throw new InvalidOperationException(error);
        }
        var key = new AuthenticatedKey("ak_bench", "org_bench", "user", OrgRole.Owner, Questra.Web.Features.Common.ApiScopes.FullAccess, null, null,
            new KeyRules([List("127.0.0.1")], List("127.0.0.0/8"), null, null));
        var client = IPAddress.Loopback;
        using var usage = new UsageRecorder(null!, TimeProvider.System, NullLogger<UsageRecorder>.Instance);

        Report("address check, 50 + 50 entries", blocks, callsPerBlock, () =>
        {
            if (!key.AllowsAddress(client)) throw new InvalidOperationException("refused");
        });
        Report("learn mode count (RecordAddress)", blocks, callsPerBlock, () => usage.RecordAddress(key, client));
        return 0;
    }

    private static void Report(string what, int blocks, int calls, Action call)
    {
        for (var i = 0; i < calls; i++) call(); // warm-up
        var perCall = new List<double>();
        var allocated = GC.GetAllocatedBytesForCurrentThread();
        for (var b = 0; b < blocks; b++)
        {
            var watch = Stopwatch.StartNew();
            for (var i = 0; i < calls; i++) call();
            perCall.Add(watch.Elapsed.TotalNanoseconds / calls);
        }
        var bytes = (GC.GetAllocatedBytesForCurrentThread() - allocated) / (double)(blocks * calls);
        perCall.Sort();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{what}: median {perCall[perCall.Count / 2]:F1} ns/call (min {perCall[0]:F1}, max {perCall[^1]:F1}), {bytes:F2} bytes/call"));
    }
}
