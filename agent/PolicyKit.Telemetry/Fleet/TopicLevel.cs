using System.Globalization;
using System.Text;

namespace PolicyKit.Telemetry.Fleet;

/// <summary>
/// A name as one MQTT topic level: '/', '+', '#', '%', space and control characters are
/// percent-encoded (UTF-8), so "GigabitEthernet0/0/1" stays one level and no name can become a
/// wildcard. The agent writes its topics with <see cref="Encode"/>; readers of the fleet's topics
/// turn levels back into names with <see cref="Decode"/>. docs/telemetry.md.
/// </summary>
public static class TopicLevel
{
    public static string Encode(string name)
    {
        if (name.Length == 0) return "-";
        var sb = new StringBuilder(name.Length);
        foreach (char c in name)
        {
            if (c is '/' or '+' or '#' or '%' or ' ' || char.IsControl(c))
            {
                foreach (byte b in Encoding.UTF8.GetBytes(c.ToString())) sb.Append('%').Append(b.ToString("X2", CultureInfo.InvariantCulture));
            }
            else
            {
                sb.Append(c);
            }
        }
        return sb.ToString();
    }

    /// <summary>The name a level stands for; a stray '%' that is not an escape stays as it is.</summary>
    public static string Decode(string level) => Uri.UnescapeDataString(level);
}
