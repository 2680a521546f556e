using PolicyKit.Compiler.Model;

namespace PolicyKit.Compiler.Checks;

/// <summary>
/// Key rotation, judged against --today: MP3012 a key in force for more than 90 days,
/// MP3013 a key that ends within 30 days (or never ends) with no later key to roll over to, MP3014 a keychain
/// with no key valid today, MP3028 a validity window that ends before it starts.
/// </summary>
public sealed class KeyLifetimeCheck : PolicyCheck
{
    public const int MaxKeyAgeDays = 90;

    /// <summary>How long before a key ends its successor must be in the policy.</summary>
    public const int SuccessorNoticeDays = 30;

    public override void Run(CheckContext context)
    {
        var today = context.Options.Today;
        foreach (var keychain in context.Model.Devices.SelectMany(d => d.Keychains))
        {
            bool anyValid = false;
            foreach (var key in keychain.Keys)
            {
                if (key.ValidFrom is { } from && key.ValidUntil is { } until && until < from)
                {
                    context.Diagnostics.Add(key.Span, c => c.KeyWindowInverted(key.Id, keychain.Name));
                    continue;
                }
                bool inForce = (key.ValidFrom is not { } start || start <= today) && (key.ValidUntil is not { } end || end >= today);
                anyValid |= inForce;
                if (inForce && key.ValidFrom is { } began && today.DayNumber - began.DayNumber > MaxKeyAgeDays)
                {
                    int age = today.DayNumber - began.DayNumber;
                    context.Diagnostics.Add(key.Span, c => c.KeyTooOld(key.Id, keychain.Name, age));
                }
                if (key.ValidUntil is { } expiry && expiry < today) continue;
                bool hasSuccessor = keychain.Keys.Any(other => other != key &&
                    (other.ValidFrom is not { } otherFrom || key.ValidUntil is not { } keyEnd || otherFrom <= keyEnd.AddDays(1)) &&
                    (other.ValidUntil is not { } otherEnd || (key.ValidUntil is { } thisEnd && otherEnd > thisEnd)) &&
                    (other.ValidFrom is { } f && (key.ValidFrom is not { } kf || f > kf)));
                // The newest key never has a successor yet; warn when rollover is due: it never
                // ends, or it ends within the notice period and nothing follows it.
                bool rolloverDue = key.ValidUntil is not { } ends || ends.DayNumber - today.DayNumber <= SuccessorNoticeDays;
                if (!hasSuccessor && rolloverDue)
                {
                    context.Diagnostics.Add(key.Span, c => c.KeyHasNoSuccessor(key.Id, keychain.Name, key.ValidUntil?.ToString("yyyy-MM-dd")));
                }
            }
            if (!anyValid)
            {
                context.Diagnostics.Add(keychain.NameSpan, c => c.NoValidKey(keychain.Name, today.ToString("yyyy-MM-dd")));
            }
        }
    }
}
