using System.Collections.Concurrent;
using Antlr4.Runtime;

namespace PolicyKit.Compiler.Syntax;

/// <summary>
/// A token source read on another thread, ahead of the parser: the lexer makes the tokens of a
/// large file while the parser and the syntax builder consume them, on a second core that
/// parsing otherwise leaves idle (lexing is about a seventh of a large compile, issue 18). The
/// parser sees the same tokens in the same order.
/// </summary>
/// <remarks>
/// Tokens go over in batches through a bounded queue, so the lexer runs at most a few thousand
/// tokens ahead. Everything the source records on the way (bad characters, secret ranges) is
/// read after <see cref="Finish"/>, once the lexing thread has ended. <see cref="Dispose"/> stops
/// it early (the parser gave up on a syntax error); an exception in the lexer reaches the parser
/// from <see cref="NextToken"/>.
/// </remarks>
internal sealed class TokensLexedAhead : ForwardingTokenSource, IDisposable
{
    /// <summary>Below this many characters a file is lexed where it is parsed: a thread would cost more than it saves.</summary>
    public const int MinimumLength = 64 * 1024;

    private const int BatchSize = 1024;

    private readonly BlockingCollection<IToken[]> _batches = new(boundedCapacity: 8);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _lexing;
    private IToken[] _batch = [];
    private int _next;
    private IToken? _eof;
    private bool _disposed;

    public TokensLexedAhead(ITokenSource source) : base(source)
    {
        _lexing = Task.Factory.StartNew(Lex, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
    }

    /// <summary>True when lexing ahead pays for <paramref name="text"/>: a large file and a second core.</summary>
    public static bool Pays(string text) => text.Length >= MinimumLength && Environment.ProcessorCount > 1;

    private void Lex()
    {
        try
        {
            while (true)
            {
                var batch = new IToken[BatchSize];
                int count = 0;
                IToken token;
                do
                {
                    token = Inner.NextToken();
                    batch[count++] = token;
                } while (count < BatchSize && token.Type != TokenConstants.EOF);
                if (count < BatchSize) Array.Resize(ref batch, count);
                _batches.Add(batch, _stop.Token);
                if (token.Type == TokenConstants.EOF) return;
            }
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
            // Stopped by Dispose: the parser no longer reads.
        }
        finally
        {
            _batches.CompleteAdding();
        }
    }

    public override IToken NextToken()
    {
        if (_eof is not null) return _eof;
        if (_next == _batch.Length)
        {
            if (!_batches.TryTake(out var batch, Timeout.Infinite))
            {
                // The lexing thread ended without the end of the file: it failed.
                _lexing.GetAwaiter().GetResult();
                throw new InvalidOperationException("the lexing thread stopped before the end of the file");
            }
            _batch = batch;
            _next = 0;
        }
        var token = _batch[_next++];
        if (token.Type == TokenConstants.EOF) _eof = token;
        return token;
    }

    /// <summary>Waits for the lexing thread to end (the parser has read the end of the file); what the source recorded can then be read.</summary>
    public void Finish() => _lexing.GetAwaiter().GetResult();

    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        // Also wakes a lexer waiting for room in the queue.
        _stop.Cancel();
        try
        {
            _lexing.Wait();
        }
        catch (AggregateException)
        {
            // Already reported through NextToken, or the parse stopped first and does not need it.
        }
        _stop.Dispose();
        _batches.Dispose();
    }
}
