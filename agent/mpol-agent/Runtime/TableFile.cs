using PolicyKit.Agent.Telemetry;
using PolicyKit.Engine.Compiled;
using PolicyKit.Tables.Files;
using PolicyKit.Tables.Format;

namespace PolicyKit.Agent.Runtime;

/// <summary>A table read from its file and compiled for the engine, with what telemetry says about it.</summary>
public sealed record LoadedAgentTable(CompiledTable Table, TableInfo Info);

/// <summary>
/// Reads, verifies and compiles a table file. Every refusal — unreadable, truncated, corrupt,
/// unsigned when signatures are required, signed by an unknown key, a newer major version — comes
/// back as one sentence; nothing here throws for a bad file, so a bad reload can never take down
/// the table in force.
/// </summary>
public static class TableFile
{
    public static bool TryLoad(string path, TableVerifier? verifier, out LoadedAgentTable? table, out string error)
    {
        table = null;
        // A regular file of bounded size only: /dev/zero, a FIFO or a symlink to one is refused
        // before a read can run away or block.
        if (!BoundedFile.TryReadAllBytes(path, TableFormat.MaxFileLength, out byte[] bytes, out error))
        {
            error = error == "no such file" ? $"{path}: no such table file" : $"{path}: {error}";
            return false;
        }

        LoadedTable loaded;
        try
        {
            loaded = TableReader.Load(bytes, verifier);
        }
        catch (TableFormatException e)
        {
            error = $"{path}: {e.Message}";
            return false;
        }
        // The reader is the gate and refuses what the engine cannot use; TryBuild is the second
        // line, so even a rule the gate missed is a refusal here, never an exception in a reload.
        if (!CompiledTable.TryBuild(loaded.Table, out var compiled, out error))
        {
            error = $"{path}: {error}";
            return false;
        }
        var header = loaded.Table.Header;
        table = new LoadedAgentTable(compiled!, new TableInfo(
            path, header.Device, header.PolicyHash, loaded.File.Checksum,
            loaded.File.Signature?.Verified ?? false, DateTimeOffset.UtcNow, header.Serial,
            Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(bytes))));
        return true;
    }

    /// <summary>Reads the trusted public key for signed tables; a clear sentence when it cannot.</summary>
    public static bool TryReadVerifier(string publicKeyPath, out TableVerifier? verifier, out string error)
    {
        verifier = null;
        error = string.Empty;
        if (!BoundedFile.TryReadAllText(publicKeyPath, 64 * 1024, out string pem, out error))
        {
            error = $"public_key {publicKeyPath}: cannot read: {error}";
            return false;
        }
        try
        {
            verifier = TableVerifier.FromPem([pem], [publicKeyPath]);
            return true;
        }
        catch (TableKeyException e)
        {
            error = $"public_key {publicKeyPath}: {e.Message}";
            return false;
        }
    }
}
