namespace InteractiveSpark.Testing.Notebooks;

/// <summary>nbconvert's HTML export of an executed notebook (<c>jupyter nbconvert --to html</c>, its default template).</summary>
public static class NotebookHtmlExport
{
    /// <summary>Exports <paramref name="executedNotebook"/> next to itself and returns the .html path.</summary>
    public static async Task<string> ExportAsync(string executedNotebook)
    {
        var (exitCode, output) = await TestProcess.RunAsync("/usr/bin/jupyter", ["nbconvert", "--to", "html", executedNotebook], TimeSpan.FromMinutes(2));
        var html = Path.ChangeExtension(executedNotebook, ".html");
        return exitCode == 0 && File.Exists(html)
            ? html
            : throw new NotebookFailedException($"jupyter nbconvert --to html {Path.GetFileName(executedNotebook)} failed (exit code {exitCode}):\n{output}");
    }
}
