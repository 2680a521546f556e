using Antlr4.Runtime;

namespace PolicyKit.Compiler.Syntax;

/// <summary>
/// A token source that hands out another source's tokens its own way (filtered, read ahead on
/// another thread…) and otherwise answers as that source does.
/// </summary>
internal abstract class ForwardingTokenSource(ITokenSource inner) : ITokenSource
{
    protected ITokenSource Inner => inner;

    public abstract IToken NextToken();

    public int Line => inner.Line;

    public int Column => inner.Column;

    public ICharStream InputStream => inner.InputStream;

    public string SourceName => inner.SourceName;

    public ITokenFactory TokenFactory
    {
        get => inner.TokenFactory;
        set => inner.TokenFactory = value;
    }
}
