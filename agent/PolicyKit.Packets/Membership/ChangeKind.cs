namespace PolicyKit.Packets.Membership;

public enum ChangeKind : byte
{
    Join = 1,
    Leave = 2,
}
