namespace PolicyKit.Nfqueue.Netlink;

/// <summary>Netlink and nfnetlink numbers (linux/netlink.h, linux/netfilter/nfnetlink*.h, nf_tables.h).</summary>
internal static class Nl
{
    public const int HeaderLength = 16;          // struct nlmsghdr
    public const int NfGenLength = 4;            // struct nfgenmsg
    public const int AttributeHeaderLength = 4;  // struct nlattr

    // nlmsghdr.nlmsg_type for control messages
    public const ushort Noop = 1;
    public const ushort Error = 2;
    public const ushort Done = 3;
    public const ushort Overrun = 4;

    // nlmsghdr.nlmsg_flags
    public const ushort FRequest = 0x1;
    public const ushort FMulti = 0x2;
    public const ushort FAck = 0x4;
    public const ushort FReplace = 0x100;
    public const ushort FExcl = 0x200;
    public const ushort FCreate = 0x400;
    public const ushort FCapped = 0x100;     // in NLMSG_ERROR: the original message is cut to its header
    public const ushort FAckTlvs = 0x200;    // in NLMSG_ERROR: extended ack attributes follow

    public const ushort AttrNested = 0x8000;
    public const ushort AttrNetByteOrder = 0x4000;
    public const ushort AttrTypeMask = 0x3fff;

    public const byte NfnetlinkV0 = 0;

    // nfnetlink subsystems
    public const byte SubsysQueue = 3;
    public const byte SubsysNftables = 10;

    // nfnetlink batch delimiters (nlmsg_type)
    public const ushort BatchBegin = 0x10;
    public const ushort BatchEnd = 0x11;

    public static int Align(int length) => (length + 3) & ~3;
}

/// <summary>nfnetlink_queue numbers (linux/netfilter/nfnetlink_queue.h).</summary>
internal static class Nfq
{
    public const byte MsgPacket = 0;
    public const byte MsgVerdict = 1;
    public const byte MsgConfig = 2;

    // packet / verdict attributes
    public const ushort PacketHdr = 1;
    public const ushort VerdictHdr = 2;
    public const ushort Mark = 3;
    public const ushort Timestamp = 4;
    public const ushort IfIndexInDev = 5;
    public const ushort IfIndexOutDev = 6;
    public const ushort IfIndexPhysInDev = 7;
    public const ushort IfIndexPhysOutDev = 8;
    public const ushort HwAddr = 9;
    public const ushort Payload = 10;
    public const ushort CapLen = 13;
    public const ushort SkbInfo = 14;

    // config attributes
    public const ushort CfgCmd = 1;
    public const ushort CfgParams = 2;
    public const ushort CfgQueueMaxLen = 3;
    public const ushort CfgMask = 4;
    public const ushort CfgFlags = 5;

    // config commands
    public const byte CmdBind = 1;
    public const byte CmdUnbind = 2;

    public const byte CopyPacket = 2;

    // NFQA_CFG_FLAGS
    public const uint FlagFailOpen = 1;
    public const uint FlagGso = 4;
}

/// <summary>nf_tables numbers (linux/netfilter/nf_tables.h) for set element messages.</summary>
internal static class Nft
{
    public const byte MsgNewSetElem = 12;
    public const byte MsgDelSetElem = 14;
    public const byte MsgDestroySetElem = 30;

    public const byte FamilyInet = 1;   // NFPROTO_INET

    public const ushort ElemListTable = 1;
    public const ushort ElemListSet = 2;
    public const ushort ElemListElements = 3;
    public const ushort ListElem = 1;
    public const ushort ElemKey = 1;
    public const ushort ElemTimeout = 4;
    public const ushort DataValue = 1;
}
