namespace PolicyKit.Compiler.Emit;

/// <summary>
/// Whether a key is easy to guess (BGP security practice: "keys should be selected to be
/// difficult for attackers to guess"). Judged on the value at compile time, the only time
/// PolicyKit sees it; the reason never contains the value or any part of it.
/// </summary>
public static class SecretStrength
{
    /// <summary>Shorter keys are guessed by brute force over the TCP-MD5/TCP-AO digest of one captured segment.</summary>
    public const int MinimumLength = 12;

    // Vendor defaults and words found in every password list.
    private static readonly string[] CommonWords =
        ["password", "passw0rd", "secret", "cisco", "juniper", "admin", "changeme", "default", "letmein", "qwerty", "123456", "bgp", "msdp"];

    /// <summary>Why the value is easy to guess, or null when it is not.</summary>
    public static string? Weakness(string value)
    {
        if (value.Length < MinimumLength) return $"it is shorter than {MinimumLength} characters";
        if (value.Distinct().Count() < 6) return "it repeats a handful of characters";
        string lower = value.ToLowerInvariant();
        if (value.Length < 20 && CommonWords.Any(w => lower.Contains(w, StringComparison.Ordinal))) return "it is built on a common word or vendor default";
        if (IsSequence(value)) return "it is a run of consecutive characters";
        return null;
    }

    private static bool IsSequence(string value)
    {
        for (int i = 1; i < value.Length; i++)
        {
            if (value[i] - value[i - 1] != value[1] - value[0] || Math.Abs(value[1] - value[0]) > 1) return false;
        }
        return true;
    }
}
