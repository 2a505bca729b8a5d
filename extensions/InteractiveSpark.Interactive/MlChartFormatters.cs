using System.Reflection;
using System.Runtime.Loader;
using InteractiveSpark.Charts;
using Microsoft.DotNet.Interactive.Formatting;

namespace InteractiveSpark.Interactive;

/// <summary>
/// Formatters for ML results: a chart (<see cref="SparkChart"/>: ROC, PR, confusion matrix, importances, residuals,
/// clusters) renders as its Plotly figure; ML vectors as Spark writes them. Rendering itself lives in kernel/
/// (<see cref="ChartHtml"/>); this only plugs it in.
/// </summary>
public static class MlChartFormatters
{
    private static int s_registered;

    /// <summary>
    /// Where chart HTML takes plotly.js from: inline with the first chart of the kernel process (default; the notebook
    /// and its HTML export draw with no network, for 3.5 MB once), the CDN (small notebooks that need the network when
    /// viewed), or embedded in every chart.
    /// </summary>
    public static PlotlyScriptSource ScriptSource { get; set; } = PlotlyScriptSource.InlineOnce;

    /// <summary>Registers the formatters (once per process).</summary>
    public static void Register()
    {
        if (Interlocked.Exchange(ref s_registered, 1) != 0) return;
        AssemblyLoadContext.Default.Resolving += ResolveFSharpCore;
        Formatter.Register<SparkChart>((chart, writer) => writer.Write(chart.ToHtml(ScriptSource)), HtmlFormatter.MimeType);
        Formatter.Register<SparkChart>((chart, writer) => writer.Write(chart.Title), PlainTextFormatter.MimeType);
        Formatter.SetPreferredMimeTypesFor(typeof(SparkChart), HtmlFormatter.MimeType, PlainTextFormatter.MimeType);
        Formatter.Register<SparkConnect.ML.Vector>((v, writer) => writer.Write(v.ToString()), PlainTextFormatter.MimeType);
        Formatter.SetPreferredMimeTypesFor(typeof(SparkConnect.ML.Vector), PlainTextFormatter.MimeType);
    }

    /// <summary>
    /// Plotly.NET 6 is built against FSharp.Core 10.1; the dotnet-interactive kernel ships FSharp.Core 10.0 for its own
    /// F# kernel, and its package loader leaves FSharp.Core out of a package's assemblies (the host "has" it), so the
    /// load of 10.1 fails with FileNotFoundException. Binding Plotly.NET to the kernel's FSharp.Core (same major
    /// version; Plotly.NET uses no 10.1-only API) is what makes the charts draw in a notebook. A plain program gets
    /// FSharp.Core 10.1 from its own dependencies and never comes here.
    /// </summary>
    private static Assembly? ResolveFSharpCore(AssemblyLoadContext context, AssemblyName name)
    {
        if (name.Name != "FSharp.Core") return null;
        var loaded = AppDomain.CurrentDomain.GetAssemblies().FirstOrDefault(a => a.GetName().Name == "FSharp.Core");
        if (loaded is not null) return loaded;
        var kernelCopy = Path.Combine(AppContext.BaseDirectory, "FSharp.Core.dll");
        return File.Exists(kernelCopy) ? context.LoadFromAssemblyPath(kernelCopy) : null;
    }
}
