using System.Text;

namespace PolicyKit.Compiler.Emit;

/// <summary>
/// What a secret's value may hold, per platform, before a backend writes it into a configuration
/// line. A value is text on one line of the generated file; anything that could end that line or
/// change how the router reads it is refused rather than written (issue 14: a newline in a
/// password injected a whole BGP neighbor). The rules:
/// <list type="bullet">
/// <item>Every platform: not empty; no line break (CR, LF, NEL, U+2028/9) and no other control
/// character (C0, DEL, C1); no white space at either end (routers trim it, so the key on the
/// wire would differ from the policy's).</item>
/// <item>IOS-XE, IOS XR, FRR: printable ASCII only — the value is written bare, and what these
/// CLIs do with other bytes in a password is not something to rely on.</item>
/// <item>IOS-XE, IOS XR: no '?' (the CLI's help key when a configuration is pasted); no
/// "N " at the start (<c>key-string 7 …</c> would read N as the encryption type).</item>
/// <item>FRR: no space (<c>neighbor X password WORD</c> takes one word; vtysh refuses the line)
/// and at most 80 bytes (TCP_MD5SIG_MAXKEYLEN: the Linux kernel cannot install a longer key).</item>
/// <item>Junos: anything else, as the backend writes the value quoted with '"' and '\' escaped.</item>
/// </list>
/// docs/targets.md (Secrets) lists them too. Messages name the rule, never the value.
/// </summary>
public static class SecretRules
{
    /// <summary>Longest TCP-MD5 key the Linux kernel installs (TCP_MD5SIG_MAXKEYLEN).</summary>
    public const int LinuxMaxKeyBytes = 80;

    /// <summary>Why the value cannot be used at all ("it is empty", "it holds a line break"), or null.</summary>
    public static string? Unusable(string value)
    {
        if (value.Length == 0) return "it is empty";
        foreach (char c in value)
        {
            if (c is '\n' or '\r' or '\u0085' or '\u2028' or '\u2029') return "it holds a line break";
        }
        foreach (char c in value)
        {
            if (char.IsControl(c)) return "it holds a control character";
        }
        if (char.IsWhiteSpace(value[0]) || char.IsWhiteSpace(value[^1])) return "it starts or ends with white space";
        return null;
    }

    /// <summary>The rule of <paramref name="target"/> (a backend's --target name) the value breaks, or null when it can be written.</summary>
    public static string? Unwritable(string target, string value)
    {
        bool cisco = target is "ios-xe" or "ios-xr";
        if (cisco || target == "frr")
        {
            foreach (char c in value)
            {
                if (c is < ' ' or > '~') return "only printable ASCII is accepted";
            }
        }
        if (cisco)
        {
            if (value.Contains('?', StringComparison.Ordinal)) return "the Cisco CLI reads '?' as a request for help";
            int digits = 0;
            while (digits < value.Length && char.IsAsciiDigit(value[digits])) digits++;
            if (digits > 0 && digits < value.Length && value[digits] == ' ') return "a number and a space at the start are read as the encryption type";
        }
        if (target == "frr")
        {
            if (value.Contains(' ', StringComparison.Ordinal)) return "FRR takes the password as one word: it holds a space";
            if (Encoding.UTF8.GetByteCount(value) > LinuxMaxKeyBytes) return $"it is longer than {LinuxMaxKeyBytes} bytes, the longest TCP-MD5 key the Linux kernel installs";
        }
        return null;
    }
}
