using PolicyKit.Packets.Membership;

namespace PolicyKit.Packets.Tests.Support;

/// <summary>Test helpers: decode a packet and render its changes as short strings.</summary>
public static class Decoded
{
    public static DecodedMembership Ok(byte[] packet, DecodeOptions options = DecodeOptions.None)
    {
        var d = DecodedMembership.TryDecode(packet, out var status, options);
        Assert.True(status == DecodeStatus.Ok, $"expected a membership message, got {status}: {status.Describe()}");
        return d!;
    }

    public static DecodeStatus Status(byte[] packet, DecodeOptions options = DecodeOptions.None) =>
        MembershipDecoder.Decode(packet, out _, options);

    /// <summary>"join(S,G)" / "leave(*,G)" strings in order.</summary>
    public static string[] Changes(DecodedMembership m) => m.Changes.Select(Text).ToArray();

    public static string Text(MembershipChange c) =>
        $"{(c.Kind == ChangeKind.Join ? "join" : "leave")}({c.Source},{c.Group})";

    public static string[] Changes(byte[] packet) => Changes(Ok(packet));
}
