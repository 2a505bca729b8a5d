using System.Collections.Immutable;
using System.Diagnostics;
using System.Reflection;
using InteractiveSpark.Jupyter.Display;
using InteractiveSpark.Sessions;
using InteractiveSpark.SparkConnect;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Scripting;
using Microsoft.CodeAnalysis.Scripting;
using Microsoft.Extensions.Logging;

namespace InteractiveSpark.Jupyter.CSharp;

/// <summary>
/// C# cells through Roslyn scripting: each cell is a submission that continues the previous one (variables, usings and
/// types carry over), top-level <c>await</c> works, the last expression's value is the cell's result, <c>#r "path.dll"</c>
/// and <c>#r "nuget: Name, Version"</c> add references. Usable from plain C# as well as from the Jupyter kernel.
/// </summary>
public sealed partial class CSharpCells : IKernelLanguage
{
    // An interrupted cell gets this long to end by itself (a Spark action ends once its operation is interrupted on the
    // server, a few seconds on a busy server)
    // before the kernel gives up on it and answers: the cell is then abandoned, the next cell starts from the
    // state before it.
    private static readonly TimeSpan InterruptGrace = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan SparkInterruptTimeout = TimeSpan.FromSeconds(5);

    private readonly CellGlobals _globals = new();
    private readonly NuGetRestorer _restorer;
    private readonly List<NuGetReference> _packages = [];
    private readonly List<string> _submissions = [];
    private readonly (CellConsole Out, CellConsole Error)? _console;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly SparkMagicCells _magics;
    private ScriptOptions _options;
    private ScriptState<object>? _state;

    /// <summary>A C# language with the product's assemblies referenced and its namespaces imported.</summary>
    /// <param name="captureConsole">Route Console.Out and Console.Error to the running cell (a kernel process does; a library user may not want it).</param>
    /// <param name="restorer">Where <c>#r "nuget:"</c> restores (default: the user's cache).</param>
    /// <param name="loggerFactory">Where the sessions that <c>#!spark-connect</c> opens and their launchers log.</param>
    public CSharpCells(bool captureConsole = true, NuGetRestorer? restorer = null, ILoggerFactory? loggerFactory = null)
    {
        _magics = new SparkMagicCells(this, loggerFactory);
        _restorer = restorer ?? new NuGetRestorer();
        _options = ScriptOptions.Default
            .WithLanguageVersion(LanguageVersion.Latest)
            .WithReferences(DefaultReferences())
            .WithImports(DefaultImports)
            .WithMetadataResolver(ScriptMetadataResolver.Default.WithBaseDirectory(Environment.CurrentDirectory))
            .WithSourceResolver(new SourceFileResolver([], Environment.CurrentDirectory))
            .WithAllowUnsafe(true);
        if (captureConsole)
        {
            _console = CellConsole.Install();
        }
    }

    /// <summary>The namespaces every cell imports.</summary>
    public static IReadOnlyList<string> DefaultImports { get; } =
    [
        "System", "System.IO", "System.Linq", "System.Text", "System.Threading", "System.Threading.Tasks",
        "System.Collections.Generic", "InteractiveSpark.SparkConnect", "InteractiveSpark.Jupyter.CSharp",
    ];

    /// <inheritdoc/>
    public LanguageInfo Info { get; } = new("C#", "14.0", "text/x-csharp", ".cs", "csharp", "text/x-csharp");

    /// <summary>The variables the cells defined so far (name and value), newest value of each name.</summary>
    public IReadOnlyDictionary<string, object?> Variables
    {
        get
        {
            var variables = new Dictionary<string, object?>(StringComparer.Ordinal);
            foreach (var variable in _state?.Variables ?? [])
            {
                variables[variable.Name] = variable.Value;
            }

            return variables;
        }
    }

    /// <inheritdoc/>
    public async Task<CellOutcome> ExecuteAsync(string code, ICellOutput output, CancellationToken cancellation)
    {
        await _gate.WaitAsync(CancellationToken.None).ConfigureAwait(false);
        try
        {
            _console?.Out.Attach(output);
            _console?.Error.Attach(output);
            _globals.Enter(output, cancellation);
            try
            {
                if (IsDotNetInteractiveOnly(code))
                {
                    output.Stream("stdout", "Skipped: a cell for .NET Interactive only (this kernel has the InteractiveSpark magics built in).\n");
                    return CellOutcome.Ok;
                }

                return await _magics.TryExecuteAsync(code, output, cancellation).ConfigureAwait(false)
                    ?? await RunAsync(code, output, cancellation).ConfigureAwait(false);
            }
            finally
            {
                _console?.Out.Flush();
                _console?.Error.Flush();
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>The first line that marks a cell of a notebook written for both hosts as .NET Interactive's setup (loading the extension).</summary>
    public const string DotNetInteractiveOnlyMarker = "// .NET Interactive only";

    /// <summary>Whether the cell's first line is <see cref="DotNetInteractiveOnlyMarker"/>: this kernel skips it.</summary>
    private static bool IsDotNetInteractiveOnly(string code) =>
        code.TrimStart().StartsWith(DotNetInteractiveOnlyMarker, StringComparison.Ordinal);

    /// <summary>The C# part of a cell whose magics ran (the gate is held).</summary>
    internal Task<CellOutcome> RunCSharpAsync(string code, ICellOutput output, CancellationToken cancellation) => RunAsync(code, output, cancellation);

    /// <summary>Declares the C# variable <paramref name="name"/> of type <paramref name="typeName"/> holding <paramref name="value"/> (a magic's result; the gate is held).</summary>
    internal async Task<CellOutcome> DeclareAsync(string name, object? value, string typeName, CancellationToken cancellation)
    {
        _globals.Share(name, value);
        try
        {
            return await RunAsync($"var {name} = ({typeName})SharedValue(\"{name}\");", NoOutput.Instance, cancellation).ConfigureAwait(false);
        }
        finally
        {
            _globals.Share(name, null);
        }
    }

    /// <summary>The value of the C# variable <paramref name="name"/>, for <c>@csharp:name</c> in a magic line.</summary>
    internal (bool Found, object? Value) Variable(string name) => Variables.TryGetValue(name, out var value) ? (true, value) : (false, null);

    private async Task<CellOutcome> RunAsync(string code, ICellOutput output, CancellationToken cancellation)
    {
        var (source, packages, problem) = NuGetReference.Extract(code);
        if (problem is not null)
        {
            return CellOutcome.Error("DirectiveError", problem);
        }

        if (packages.Count > 0)
        {
            var failure = await AddPackagesAsync(packages, output, cancellation).ConfigureAwait(false);
            if (failure is not null)
            {
                return failure;
            }
        }

        if (string.IsNullOrWhiteSpace(source))
        {
            return CellOutcome.Ok;
        }

        var script = _state is null
            ? CSharpScript.Create<object>(source, _options, typeof(CellGlobals))
            : _state.Script.ContinueWith<object>(source, _options);
        var errors = script.Compile(cancellation).Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
        if (errors.Count > 0)
        {
            var lines = errors.Select(CompileErrorText).ToList();
            return CellOutcome.Error("CompilationError", lines[0], lines);
        }

        var previous = _state;
        var run = Task.Run(() => previous is null
            ? script.RunAsync(_globals, _ => true, CancellationToken.None)
            : script.RunFromAsync(previous, _ => true, CancellationToken.None), CancellationToken.None);
        var cancelled = Task.Delay(Timeout.Infinite, cancellation);
        if (await Task.WhenAny(run, cancelled).ConfigureAwait(false) != run)
        {
            // Interrupted: Spark operations the cell starts during the grace period are interrupted as well, not only
            // those that were running when the interrupt came.
            var grace = Stopwatch.StartNew();
            while (!run.IsCompleted && grace.Elapsed < InterruptGrace)
            {
                await InterruptAsync().ConfigureAwait(false);
                await Task.WhenAny(run, Task.Delay(TimeSpan.FromMilliseconds(300), CancellationToken.None)).ConfigureAwait(false);
            }

            if (!run.IsCompleted)
            {
                return Interrupted("the cell did not stop within 10 seconds and was abandoned; the next cell starts from the state before it.");
            }
        }

        ScriptState<object> state;
        try
        {
            state = await run.ConfigureAwait(false);
        }
        catch (CompilationErrorException e)
        {
            var lines = e.Diagnostics.Select(CompileErrorText).ToList();
            return CellOutcome.Error("CompilationError", lines.FirstOrDefault() ?? e.Message, lines);
        }

        _state = state;
        _submissions.Add(source);
        if (state.Exception is { } exception)
        {
            return cancellation.IsCancellationRequested && (IsCancellation(exception) || Unwrap(exception) is SparkException)
                ? Interrupted("the cell was interrupted; its Spark operations were cancelled on the server.")
                : ErrorOf(exception);
        }

        if (state.ReturnValue is { } value && HasResult(script))
        {
            MimeBundle bundle;
            try
            {
                bundle = DisplayFormatters.Format(value, cancellation);
            }
            catch (Exception e) when (!IsCancellation(e))
            {
                return ErrorOf(e);
            }

            output.Result(bundle);
        }

        return CellOutcome.Ok;
    }

    private async Task<CellOutcome?> AddPackagesAsync(IReadOnlyList<NuGetReference> packages, ICellOutput output, CancellationToken cancellation)
    {
        var wanted = packages.Where(p => !p.IsBuiltIn).ToList();
        if (wanted.Count == 0)
        {
            return null;
        }

        var all = _packages.Where(p => wanted.All(w => !w.Name.Equals(p.Name, StringComparison.OrdinalIgnoreCase))).Concat(wanted).ToList();
        IReadOnlyList<string> assemblies;
        try
        {
            assemblies = await _restorer.RestoreAsync(all, cancellation).ConfigureAwait(false);
        }
        catch (NuGetRestoreException e)
        {
            return CellOutcome.Error("NuGetError", e.Message);
        }
        catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
        {
            return Interrupted("the package restore was interrupted.");
        }

        _packages.Clear();
        _packages.AddRange(all);
        var known = _options.MetadataReferences.OfType<PortableExecutableReference>().Select(r => r.FilePath).ToHashSet(StringComparer.Ordinal);
        _options = _options.AddReferences(assemblies.Where(a => !known.Contains(a) && !IsLoaded(a)).Select(a => MetadataReference.CreateFromFile(a)));
        foreach (var package in wanted)
        {
            output.Stream("stdout", $"Installed package {package.Name}{(package.Version is null ? "" : " version " + package.Version)}\n");
        }

        return null;
    }

    /// <summary>Whether the trailing part of the cell is an expression (its value is the result; a statement has none).</summary>
    private static bool HasResult(Script script)
    {
        var tree = script.GetCompilation().SyntaxTrees.LastOrDefault();
        var last = tree?.GetRoot().ChildNodes().LastOrDefault();
        return last is Microsoft.CodeAnalysis.CSharp.Syntax.GlobalStatementSyntax { Statement: Microsoft.CodeAnalysis.CSharp.Syntax.ExpressionStatementSyntax statement }
            && statement.SemicolonToken.IsMissing;
    }

    /// <inheritdoc/>
    public CodeCompleteness IsComplete(string code)
    {
        if (_magics.CSharpPart(code) is not { } csharp)
        {
            return CodeCompleteness.Complete; // Spark SQL: it ends where the cell ends.
        }

        code = csharp;
        var (source, _, problem) = NuGetReference.Extract(code);
        if (problem is not null)
        {
            return CodeCompleteness.Invalid;
        }

        var tree = CSharpSyntaxTree.ParseText(source, ParseOptions);
        if (SyntaxFactory.IsCompleteSubmission(tree))
        {
            return tree.GetDiagnostics().Any(d => d.Severity == DiagnosticSeverity.Error) ? CodeCompleteness.Invalid : CodeCompleteness.Complete;
        }

        // More lines can complete it only if everything the parser misses is at the very end (an unclosed brace, bracket or
        // string); an error in the middle stays whatever follows.
        var end = source.TrimEnd().Length;
        return tree.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).All(d => d.Location.SourceSpan.Start >= end)
            ? CodeCompleteness.Incomplete
            : CodeCompleteness.Invalid;
    }

    /// <inheritdoc/>
    public async Task InterruptAsync()
    {
        var sessions = (_state?.Variables ?? []).Select(v => v.Value switch
        {
            SparkSession s => s,
            OpenSparkSession o => o.Session,
            _ => null,
        }).OfType<SparkSession>().Distinct().ToList();
        using var timeout = new CancellationTokenSource(SparkInterruptTimeout);
        await Task.WhenAll(sessions.Select(async s =>
        {
            try
            {
                await s.InterruptAllAsync(timeout.Token).ConfigureAwait(false);
            }
            catch (Exception e) when (e is SparkException or OperationCanceledException or ObjectDisposedException or InvalidOperationException)
            {
                // The session is gone or unreachable: nothing of it runs that could be interrupted.
            }
        })).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public async Task ShutdownAsync(bool restart)
    {
        await _magics.ShutdownAsync().ConfigureAwait(false);
        foreach (var value in Variables.Values.OfType<OpenSparkSession>().Distinct())
        {
            try
            {
                await value.StopAsync().ConfigureAwait(false);
            }
            catch (Exception e) when (e is SparkException or IOException or InvalidOperationException or OperationCanceledException)
            {
                // Stopping is best effort at exit: the driver's idle timer removes what is left.
            }
        }

        _console?.Out.Flush();
        _console?.Error.Flush();
    }

    private static CSharpParseOptions ParseOptions { get; } = new(LanguageVersion.Latest, kind: SourceCodeKind.Script);

    private static string CompileErrorText(Diagnostic d)
    {
        var span = d.Location.GetMappedLineSpan();
        var where = d.Location.IsInSource ? $"({span.StartLinePosition.Line + 1},{span.StartLinePosition.Character + 1}): " : "";
        return $"{where}error {d.Id}: {d.GetMessage(System.Globalization.CultureInfo.InvariantCulture)}";
    }

    private static CellOutcome Interrupted(string message) => CellOutcome.Error("Interrupted", message);

    private static bool IsCancellation(Exception e) => Unwrap(e) is OperationCanceledException;

    private static Exception Unwrap(Exception exception)
    {
        while (exception is AggregateException { InnerExceptions.Count: 1 } or TargetInvocationException && exception.InnerException is not null)
        {
            exception = exception.InnerException!;
        }

        return exception;
    }

    private static CellOutcome ErrorOf(Exception exception)
    {
        exception = Unwrap(exception);

        if (exception is SparkException spark)
        {
            var text = Rendering.SparkErrorText.Describe(spark);
            return CellOutcome.Error("SparkError", text, [text]);
        }

        var name = exception.GetType().Name;
        // The frames of the cells themselves, not of the scripting machinery that ran them.
        var frames = (exception.StackTrace ?? "").Split('\n', StringSplitOptions.TrimEntries)
            .TakeWhile(l => !l.Contains("Microsoft.CodeAnalysis.Scripting", StringComparison.Ordinal))
            .Where(l => l.Length > 0);
        return CellOutcome.Error(name, exception.Message, [$"{name}: {exception.Message}", .. frames]);
    }

    private static bool IsLoaded(string path)
    {
        var name = Path.GetFileNameWithoutExtension(path);
        return AppDomain.CurrentDomain.GetAssemblies().Any(a => string.Equals(a.GetName().Name, name, StringComparison.OrdinalIgnoreCase) && !a.IsDynamic);
    }

    /// <summary>The framework's assemblies (so any BCL type works without #r) and the product's libraries.</summary>
    private static ImmutableArray<MetadataReference> DefaultReferences()
    {
        var paths = new HashSet<string>(StringComparer.Ordinal);
        if (AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES") is string tpa)
        {
            foreach (var path in tpa.Split(Path.PathSeparator))
            {
                var file = Path.GetFileName(path);
                if (file.StartsWith("System.", StringComparison.Ordinal) || file is "netstandard.dll" or "mscorlib.dll" or "Microsoft.CSharp.dll" or "Microsoft.Win32.Primitives.dll"
                    || file.StartsWith("InteractiveSpark.", StringComparison.Ordinal) || file.StartsWith("Apache.Arrow", StringComparison.Ordinal)
                    || file.StartsWith("Plotly.NET", StringComparison.Ordinal) || file is "FSharp.Core.dll" or "Google.Protobuf.dll")
                {
                    paths.Add(path);
                }
            }
        }

        foreach (var assembly in new[] { typeof(CellGlobals).Assembly, typeof(SparkSession).Assembly, typeof(OpenSparkSession).Assembly, typeof(Rendering.TableRenderer).Assembly, typeof(Charts.SparkChart).Assembly, typeof(Kafka.KafkaSample).Assembly, typeof(Magics.KafkaStreamView).Assembly })
        {
            if (assembly.Location.Length > 0)
            {
                paths.Add(assembly.Location);
            }
        }

        return [.. paths.Where(File.Exists).Select(p => (MetadataReference)MetadataReference.CreateFromFile(p, documentation: XmlDocs.For(p)))];
    }
}
