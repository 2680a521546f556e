using System.Runtime.InteropServices;
using System.Text;
using Microsoft.Win32.SafeHandles;

namespace PolicyKit.Tables.Files;

/// <summary>
/// Reads a file that someone else may have chosen — a table, a policy and its includes, a key, a
/// secret — as a regular file of bounded size, or refuses with a short reason. A device
/// (<c>/dev/zero</c> would be read until memory runs out), a FIFO (opening it blocks until a
/// writer comes), a socket or a directory is refused, also behind a symlink; a file larger than
/// the bound is refused without reading more than the bound. Both the compiler and the agent read
/// their inputs through it (they both link this library).
/// </summary>
public static partial class BoundedFile
{
    /// <summary>The bytes of the regular file at <paramref name="path"/>, at most <paramref name="maxBytes"/>; false with a reason ("no such file", "not a regular file (a FIFO)", …) otherwise.</summary>
    public static bool TryReadAllBytes(string path, long maxBytes, out byte[] bytes, out string error)
    {
        bytes = [];
        if (!TryOpen(path, out var stream, out error)) return false;
        using (stream)
        {
            // Read to the bound plus one byte, whatever the size says: a file can grow while it is
            // read, and /proc files report size 0.
            var buffer = new MemoryStream();
            var chunk = new byte[81920];
            long total = 0;
            int read;
            try
            {
                while ((read = stream!.Read(chunk, 0, chunk.Length)) > 0)
                {
                    total += read;
                    if (total > maxBytes)
                    {
                        error = $"larger than {Size(maxBytes)}, the most accepted here";
                        return false;
                    }
                    buffer.Write(chunk, 0, read);
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                error = $"cannot be read: {e.Message}";
                return false;
            }
            bytes = buffer.ToArray();
            return true;
        }
    }

    /// <summary>As <see cref="TryReadAllBytes"/>, decoded as text (UTF-8 unless a byte-order mark says otherwise, as <see cref="File.ReadAllText(string)"/>).</summary>
    public static bool TryReadAllText(string path, long maxBytes, out string text, out string error)
    {
        text = string.Empty;
        if (!TryReadAllBytes(path, maxBytes, out var bytes, out error)) return false;
        using var reader = new StreamReader(new MemoryStream(bytes), Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
        text = reader.ReadToEnd();
        return true;
    }

    /// <summary>"64 MB", "512 KB", "80 bytes".</summary>
    public static string Size(long bytes) =>
        bytes >= 1 << 20 && bytes % (1 << 20) == 0 ? $"{bytes >> 20} MB"
        : bytes >= 1 << 10 && bytes % (1 << 10) == 0 ? $"{bytes >> 10} KB"
        : $"{bytes} bytes";

    /// <summary>Opens a regular file for reading; refuses anything else before a read can block or run away.</summary>
    public static bool TryOpen(string path, out Stream? stream, out string error)
    {
        stream = null;
        error = string.Empty;
        if (string.IsNullOrEmpty(path))
        {
            error = "an empty path";
            return false;
        }
        if (path.Contains('\0', StringComparison.Ordinal))
        {
            error = "the path holds a NUL character";
            return false;
        }
        if (!OperatingSystem.IsLinux()) return TryOpenPortable(path, out stream, out error);

        // O_NONBLOCK: opening a FIFO returns at once instead of waiting for a writer (it has no
        // effect on a regular file). The type is then checked on the open descriptor, so the file
        // cannot be swapped between the check and the read.
        int fd = Native.Open(path, Native.O_RDONLY | Native.O_NONBLOCK | Native.O_CLOEXEC);
        if (fd < 0)
        {
            error = Errno(Marshal.GetLastPInvokeError());
            return false;
        }
        var handle = new SafeFileHandle(fd, ownsHandle: true);
        Span<byte> status = stackalloc byte[Native.StatxSize];
        if (Native.Statx(fd, "", Native.AT_EMPTY_PATH, Native.STATX_TYPE, ref MemoryMarshal.GetReference(status)) != 0)
        {
            error = Errno(Marshal.GetLastPInvokeError());
            handle.Dispose();
            return false;
        }
        int type = BitConverter.ToUInt16(status[Native.StatxModeOffset..]) & Native.S_IFMT;
        if (type != Native.S_IFREG)
        {
            error = $"not a regular file ({TypeName(type)})";
            handle.Dispose();
            return false;
        }
        stream = new FileStream(handle, FileAccess.Read, bufferSize: 0);
        return true;
    }

    private static bool TryOpenPortable(string path, out Stream? stream, out string error)
    {
        stream = null;
        error = string.Empty;
        try
        {
            if (Directory.Exists(path))
            {
                error = "not a regular file (a directory)";
                return false;
            }
            stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 0);
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            error = e switch
            {
                FileNotFoundException or DirectoryNotFoundException => "no such file",
                UnauthorizedAccessException => "permission denied",
                _ => "cannot be read",
            };
            return false;
        }
    }

    private static string TypeName(int type) => type switch
    {
        Native.S_IFDIR => "a directory",
        Native.S_IFCHR => "a character device",
        Native.S_IFBLK => "a block device",
        Native.S_IFIFO => "a FIFO",
        Native.S_IFSOCK => "a socket",
        _ => "of an unknown kind",
    };

    /// <summary>The words of Unix tools for the usual errors; no path, so nothing absolute is echoed.</summary>
    private static string Errno(int errno) => errno switch
    {
        2 => "no such file",                  // ENOENT
        20 => "no such file",                 // ENOTDIR: a part of the path is not a directory
        13 or 1 => "permission denied",       // EACCES, EPERM
        40 => "too many levels of symbolic links",
        36 => "the path is too long",
        6 => "no such device",                // ENXIO: a FIFO or socket nobody serves
        _ => $"cannot be opened (errno {errno})",
    };

    /// <summary>open(2) and statx(2) from libc: .NET has no portable way to ask a file's type, and opening a FIFO through FileStream blocks.</summary>
    private static partial class Native
    {
        public const int O_RDONLY = 0;
        public const int O_NONBLOCK = 0x800;
        public const int O_CLOEXEC = 0x80000;
        public const int AT_EMPTY_PATH = 0x1000;
        public const uint STATX_TYPE = 0x1;

        /// <summary>struct statx is the same on every Linux architecture: 256 bytes, stx_mode (u16) at offset 28.</summary>
        public const int StatxSize = 256;
        public const int StatxModeOffset = 28;

        public const int S_IFMT = 0xF000;
        public const int S_IFSOCK = 0xC000;
        public const int S_IFREG = 0x8000;
        public const int S_IFBLK = 0x6000;
        public const int S_IFDIR = 0x4000;
        public const int S_IFCHR = 0x2000;
        public const int S_IFIFO = 0x1000;

        [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
        public static partial int Open(string path, int flags);

        [LibraryImport("libc", EntryPoint = "statx", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
        public static partial int Statx(int dirfd, string path, int flags, uint mask, ref byte buffer);
    }
}
