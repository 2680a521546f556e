namespace PolicyKit.Tables.Format;

/// <summary>What kind of refusal a <see cref="TableFormatException"/> is, for callers that branch on it (telemetry, exit codes).</summary>
public enum TableError
{
    /// <summary>The file does not start with the table magic.</summary>
    BadMagic,

    /// <summary>A major version this reader does not understand (newer or older).</summary>
    UnsupportedVersion,

    /// <summary>The table sets a must-understand flag this reader does not know.</summary>
    UnsupportedFeature,

    /// <summary>The file ends before the table does.</summary>
    Truncated,

    /// <summary>Bytes follow the end of the table.</summary>
    TrailingBytes,

    /// <summary>The checksum does not match: the bytes were changed after writing.</summary>
    ChecksumMismatch,

    /// <summary>The signature is missing, of an unknown kind, or does not verify with a trusted key.</summary>
    Signature,

    /// <summary>The checksum matches but the content breaks the format's rules (a writer bug, or a forged file).</summary>
    Malformed,
}

/// <summary>
/// A table was refused. The message is one clear sentence for an operator ("checksum mismatch:
/// the file is corrupt"); the table reader throws nothing else on bad input.
/// </summary>
public sealed class TableFormatException : FormatException
{
    public TableFormatException(TableError error, string message)
        : base(message)
    {
        Error = error;
    }

    public TableError Error { get; }
}
