using System.Runtime.CompilerServices;
using PolicyKit.Compiler.Model;

namespace PolicyKit.Compiler.Tests.Backends;

/// <summary>
/// Issue 18: prefixes are most of a large policy's model and of what the backends make from it.
/// Laid out in declaration order, the family before the 16-byte-aligned network padded a prefix to
/// 48 bytes (64 as a nullable, two in every lowered rule); laid out by the runtime it is 32 (48).
/// </summary>
public sealed class ModelFootprintTests
{
    [Fact]
    public void A_prefix_takes_32_bytes_and_48_as_a_nullable()
    {
        Assert.Equal(32, Unsafe.SizeOf<IpPrefix>());
        Assert.Equal(48, Unsafe.SizeOf<IpPrefix?>());
    }

    [Fact]
    public void The_layout_changes_nothing_a_prefix_means()
    {
        var a = IpPrefix.Parse("198.51.100.0/24");
        var b = IpPrefix.Parse("2001:db8::/32");
        Assert.Equal(IpFamily.V4, a.Family);
        Assert.Equal(24, a.Length);
        Assert.Equal("198.51.100.0/24", a.ToString());
        Assert.Equal("2001:db8::/32", b.ToString());
        Assert.Equal(a, IpPrefix.Parse("198.51.100.0/24"));
        Assert.NotEqual(a, a with { Length = 25 });
        Assert.True(a.CompareTo(b) < 0);
    }
}
