namespace PolicyKit.Compiler.Emit;

/// <summary>One generated file: <c>DEVICE/FILE</c> under the output directory.</summary>
public sealed record EmittedFile(string Device, string Target, string FileName, string Content, bool ContainsSecrets)
{
    public string RelativePath => $"{Device}/{FileName}";
}
