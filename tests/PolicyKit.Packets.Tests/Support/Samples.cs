namespace PolicyKit.Packets.Tests.Support;

/// <summary>Named valid packets of every kind, shared by truncation, rewrite and fuzz tests.</summary>
public static class Samples
{
    private static readonly Dictionary<string, Func<byte[]>> All = new()
    {
        ["igmpv1-report"] = () => Build.V4(Build.Igmp(0x12, 0, "239.1.1.1"), dst: "239.1.1.1", routerAlert: false),
        ["igmpv2-report"] = () => Build.V4(Build.Igmp(0x16, 0, "239.1.1.1"), dst: "239.1.1.1"),
        ["igmpv2-leave"] = () => Build.V4(Build.Igmp(0x17, 0, "239.1.1.1"), dst: "224.0.0.2"),
        ["igmpv2-query"] = () => Build.V4(Build.Igmp(0x11, 100, "0.0.0.0"), dst: "224.0.0.1"),
        ["igmpv3-query"] = () => Build.V4(Build.IgmpV3Query("232.1.1.1", 10, "192.0.2.1", "192.0.2.2"), dst: "232.1.1.1"),
        ["igmpv3-mixed"] = () => Build.V4(Build.IgmpV3Report(
            Rec.Of(4, "239.1.1.1"),
            Rec.Of(2, "239.1.1.2", "192.0.2.99"),
            Rec.Of(3, "232.1.1.3", "192.0.2.3", "192.0.2.4"),
            Rec.Of(3, "239.1.1.4"),
            new Rec(5, "232.1.1.5", ["192.0.2.5", "192.0.2.6", "192.0.2.7"], AuxWords: 1),
            Rec.Of(6, "232.1.1.6", "192.0.2.8"),
            Rec.Of(1, "232.1.1.7", "192.0.2.9"),
            Rec.Of(1, "232.1.1.8"))),
        ["igmpv3-additional-data"] = () => Build.V4(Build.Records(false,
            [Rec.Of(4, "239.2.2.1"), Rec.Of(5, "232.2.2.2", "192.0.2.1", "192.0.2.2")], additional: [9, 9, 9, 9])),
        ["mldv1-report"] = () => Build.V6(Build.Mld(131, "ff15::1"), dst: "ff15::1"),
        ["mldv1-done"] = () => Build.V6(Build.Mld(132, "ff15::1"), dst: "ff02::2"),
        ["mldv2-query"] = () => Build.V6(Build.MldV2Query("ff3e::1", "2001:db8::1"), src: "fe80::1", dst: "ff3e::1"),
        ["mldv2-mixed"] = () => Build.V6(Build.MldV2Report(
            Rec.Of(4, "ff15::1"),
            Rec.Of(3, "ff3e::3", "2001:db8::3", "2001:db8::4"),
            new Rec(5, "ff3e::5", ["2001:db8::5", "2001:db8::6"], AuxWords: 2),
            Rec.Of(6, "ff3e::6", "2001:db8::8"),
            Rec.Of(2, "ff15::2", "2001:db8::99"),
            Rec.Of(3, "ff15::7"))),
        ["mldv2-extension-headers"] = () => Build.V6(Build.MldV2Report(
            Rec.Of(4, "ff15::1"), Rec.Of(5, "ff3e::2", "2001:db8::1", "2001:db8::2")),
            extra: [(60, [1, 4, 0, 0, 0, 0])]),
    };

    public static IEnumerable<string> Names => All.Keys;

    public static byte[] Get(string name) => All[name]();
}
