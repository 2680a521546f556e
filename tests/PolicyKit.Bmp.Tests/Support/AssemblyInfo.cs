// The tests drive Linux parts (network namespaces, FRR, GoBGP, socat): Linux only.
[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]
