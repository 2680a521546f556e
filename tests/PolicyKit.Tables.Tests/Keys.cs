using System.Security.Cryptography;

namespace PolicyKit.Tables.Tests;

internal static class Keys
{
    public static ECDsa NewKey() => ECDsa.Create(ECCurve.NamedCurves.nistP256);
}
