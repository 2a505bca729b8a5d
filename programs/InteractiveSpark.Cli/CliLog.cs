using System.Diagnostics;
using System.Globalization;
using System.Text;
using InteractiveSpark.Core;
using InteractiveSpark.Logging;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace InteractiveSpark.Cli;

/// <summary>
/// The product log of one <c>ispark</c> invocation (application <c>ispark</c>, the default file unless
/// <c>ISPARK_LOG_*</c> says otherwise): the command and its arguments (secrets redacted, long values clipped), every
/// line the tool writes to stderr (progress, results, failures), and the exit code. The libraries it calls (job
/// launcher, local Spark, Spark Connect client) log through <see cref="Factory"/>.
/// </summary>
internal sealed partial class CliLog : IAsyncDisposable
{
    private readonly ProductLog? _log;
    private readonly ILogger _logger;
    private readonly Stopwatch _watch = Stopwatch.StartNew();
    private string _command = "ispark";

    private CliLog(ProductLog? log, string? problem)
    {
        _log = log;
        Problem = problem;
        _logger = log?.LoggerFactory.CreateLogger("InteractiveSpark.Cli") ?? NullLogger.Instance;
    }

    /// <summary>The factory the commands hand to the libraries; logs nowhere when the log could not be made.</summary>
    public static ILoggerFactory Factory { get; private set; } = NullLoggerFactory.Instance;

    /// <summary>Why there is no log (a bad <c>ISPARK_LOG_*</c> value, an unwritable folder); null when there is one.</summary>
    public string? Problem { get; }

    /// <summary>Opens the log from the environment. A bad setting does not stop the tool: <see cref="Problem"/> says why.</summary>
    public static CliLog Open(Func<string, string?>? environment = null)
    {
        try
        {
            var log = ProductLog.Create(LoggingOptions.FromEnvironment("ispark", environment));
            Factory = log.LoggerFactory;
            return new CliLog(log, null);
        }
        catch (Exception e) when (e is FormatException or IOException or UnauthorizedAccessException)
        {
            return new CliLog(null, $"ispark logs nothing in this run: {e.Message}");
        }
    }

    /// <summary>A writer that writes to <paramref name="inner"/> and puts each complete line in the log as well.</summary>
    public TextWriter Tee(TextWriter inner) => new TeeWriter(inner, line => LogOutput(_logger, _command, line));

    /// <summary>Logs the start of <paramref name="command"/> with its arguments as the user typed them, secrets redacted.</summary>
    public void Started(string command, IReadOnlyList<string> args)
    {
        _command = command;
        LogStarted(_logger, command, DescribeArguments(args), Environment.CurrentDirectory, Environment.ProcessId);
    }

    /// <summary>Logs the end of the command with its exit code and duration.</summary>
    public void Ended(int exitCode) => LogEnded(_logger, _command, exitCode, _watch.Elapsed.TotalSeconds);

    /// <summary>Logs a failure nobody caught, with its exception (the console got one line).</summary>
    public void Crashed(Exception e) => LogCrashed(_logger, _command, e);

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        Factory = NullLoggerFactory.Instance;
        if (_log is not null)
        {
            await _log.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>
    /// The arguments for the log: each clipped and free of control characters (<see cref="CliText.Clip"/>), passed
    /// through <see cref="SessionToken.Redact"/>, and the value after an option whose name says secret replaced.
    /// </summary>
    internal static string DescribeArguments(IReadOnlyList<string> args)
    {
        var parts = new List<string>(args.Count);
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            var secretValue = i > 0 && args[i - 1].StartsWith('-') && SecretOption(args[i - 1]);
            var inline = arg.StartsWith("--", StringComparison.Ordinal) && arg.IndexOf('=', StringComparison.Ordinal) is > 2 and var eq && SecretOption(arg[..eq])
                ? arg[..(eq + 1)] + SessionToken.Redacted
                : arg;
            parts.Add(secretValue ? SessionToken.Redacted : CliText.Clip(UrlPassword().Replace(SessionToken.Redact(inline), "://$1:" + SessionToken.Redacted + "@"), 200));
        }

        return string.Join(' ', parts);
    }

    private static bool SecretOption(string name)
    {
        var n = name.TrimStart('-').ToLowerInvariant();
        return n.Contains("token", StringComparison.Ordinal) || n.Contains("password", StringComparison.Ordinal)
            || n.Contains("secret", StringComparison.Ordinal) || n.Contains("api-key", StringComparison.Ordinal);
    }

    /// <summary>user:password@ in a URL (e.g. a --marathon that the tool will refuse, but logs first).</summary>
    [System.Text.RegularExpressions.GeneratedRegex(@"://([^/@\s:]*):[^/@\s]*@", System.Text.RegularExpressions.RegexOptions.CultureInvariant)]
    private static partial System.Text.RegularExpressions.Regex UrlPassword();

    [LoggerMessage(EventId = 500, Level = LogLevel.Information, Message = "{Command} started (pid {ProcessId}, in {Directory}): {Arguments}")]
    private static partial void LogStarted(ILogger logger, string command, string arguments, string directory, int processId);

    [LoggerMessage(EventId = 501, Level = LogLevel.Information, Message = "{Command}: {Line}")]
    private static partial void LogOutput(ILogger logger, string command, string line);

    [LoggerMessage(EventId = 502, Level = LogLevel.Information, Message = "{Command} ended with exit code {ExitCode} after {Seconds:0.0} s")]
    private static partial void LogEnded(ILogger logger, string command, int exitCode, double seconds);

    [LoggerMessage(EventId = 503, Level = LogLevel.Error, Message = "{Command} failed unexpectedly")]
    private static partial void LogCrashed(ILogger logger, string command, Exception exception);

    /// <summary>
    /// The tool's stderr: each line goes to the console and to the log, control characters shown as escapes and lines
    /// clipped at 2,000 characters, whatever command wrote it: a job id, a path or a value echoed from the user can then
    /// neither send escape sequences to the terminal nor run to a megabyte.
    /// </summary>
    private sealed class TeeWriter(TextWriter inner, Action<string> onLine) : TextWriter
    {
        private const int MaxLine = 2000;
        private readonly StringBuilder _line = new();
        private readonly Lock _gate = new();
        private int _length;

        public override Encoding Encoding => inner.Encoding;

        public override IFormatProvider FormatProvider => CultureInfo.InvariantCulture;

        public override void Write(char value) => Collect(value.ToString());

        public override void Write(string? value) => Collect(value);

        public override void WriteLine(string? value) => Collect(value + "\n");

        public override void WriteLine() => Collect("\n");

        /// <summary>Writes a started line as it is so far (a prompt, a line the tool ends later) and flushes.</summary>
        public override void Flush()
        {
            lock (_gate)
            {
                inner.Write(_line.ToString());
                _line.Clear();
                inner.Flush();
            }
        }

        private void Collect(string? text)
        {
            if (string.IsNullOrEmpty(text))
            {
                return;
            }

            lock (_gate)
            {
                foreach (var c in text)
                {
                    if (c == '\n')
                    {
                        var line = _line.ToString().TrimEnd('\r');
                        if (_length > MaxLine)
                        {
                            line += $"… ({_length.ToString(CultureInfo.InvariantCulture)} characters)";
                        }

                        _line.Clear();
                        _length = 0;
                        inner.WriteLine(line);
                        inner.Flush();
                        var colon = line.StartsWith("ispark", StringComparison.Ordinal) ? line.IndexOf(": ", StringComparison.Ordinal) : -1;
                        onLine(colon > 0 && colon < 20 ? line[(colon + 2)..] : line);
                        continue;
                    }

                    _length++;
                    if (_length > MaxLine)
                    {
                        continue;
                    }

                    if (char.IsControl(c) && c is not ('\t' or '\r'))
                    {
                        _line.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                    }
                    else
                    {
                        _line.Append(c);
                    }
                }
            }
        }
    }
}
