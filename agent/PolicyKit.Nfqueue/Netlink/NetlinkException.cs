namespace PolicyKit.Nfqueue.Netlink;

/// <summary>
/// A netlink operation failed: a socket call (errno) or a kernel NLMSG_ERROR answer. The message
/// names the operation and the error in words; <see cref="Errno"/> is the positive errno value.
/// </summary>
public sealed class NetlinkException : Exception
{
    public NetlinkException(string operation, int errno, string? detail = null)
        : base($"{operation}: {NativeMethods.ErrorText(errno)} (errno {errno}){(string.IsNullOrEmpty(detail) ? string.Empty : " — " + detail)}")
    {
        Operation = operation;
        Errno = errno;
    }

    public string Operation { get; }

    public int Errno { get; }
}
