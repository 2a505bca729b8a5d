using System.Text;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Completion;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Host.Mef;
using Microsoft.CodeAnalysis.Text;

namespace InteractiveSpark.Jupyter.CSharp;

/// <summary>
/// Completion and inspection: Roslyn's own completion service and semantic model over a script document that holds the
/// cells run so far followed by the cell being edited, with the same references and imports, so the variables and types
/// of earlier cells complete too.
/// </summary>
public sealed partial class CSharpCells
{
    private readonly Lock _editingGate = new();
    private AdhocWorkspace? _workspace;
    private (ScriptReferencesKey Key, Project Project)? _editingProject;

    /// <inheritdoc/>
    public async Task<CompletionSet> CompleteAsync(string code, int cursor, CancellationToken cancellation)
    {
        if (await _magics.CompleteSqlAsync(code, cursor, cancellation).ConfigureAwait(false) is { } sql)
        {
            return sql;
        }

        var (document, offset) = EditingDocument(code);
        var service = CompletionService.GetService(document);
        if (service is null)
        {
            return new CompletionSet([], cursor, cursor);
        }

        var completions = await service.GetCompletionsAsync(document, offset + cursor, cancellationToken: cancellation).ConfigureAwait(false);
        var start = Math.Clamp(completions.Span.Start - offset, 0, code.Length);
        var end = Math.Clamp(Math.Max(completions.Span.End - offset, cursor), start, code.Length);
        var typed = code[start..Math.Min(cursor, code.Length)];
        var matches = completions.ItemsList
            .Select(i => i.DisplayTextPrefix + i.DisplayText + i.DisplayTextSuffix)
            .Where(t => t.StartsWith(typed, StringComparison.OrdinalIgnoreCase))
            .Distinct(StringComparer.Ordinal)
            .Order(StringComparer.OrdinalIgnoreCase)
            .ToList();
        return new CompletionSet(matches, start, end);
    }

    /// <inheritdoc/>
    public async Task<MimeBundle?> InspectAsync(string code, int cursor, int detailLevel, CancellationToken cancellation)
    {
        var (document, offset) = EditingDocument(code);
        var model = await document.GetSemanticModelAsync(cancellation).ConfigureAwait(false);
        var root = await document.GetSyntaxRootAsync(cancellation).ConfigureAwait(false);
        if (model is null || root is null)
        {
            return null;
        }

        // The identifier under the cursor, or the one just before it (the cursor usually sits right after a name).
        var position = offset + Math.Clamp(cursor, 0, code.Length);
        var token = root.FindToken(position);
        if (!token.IsKind(SyntaxKind.IdentifierToken) && position > offset)
        {
            token = root.FindToken(position - 1);
        }

        if (!token.IsKind(SyntaxKind.IdentifierToken) || token.Parent is null)
        {
            return null;
        }

        var info = model.GetSymbolInfo(token.Parent, cancellation);
        var symbol = info.Symbol ?? info.CandidateSymbols.FirstOrDefault() ?? model.GetDeclaredSymbol(token.Parent, cancellation);
        if (symbol is null)
        {
            return null;
        }

        var text = new StringBuilder(symbol.ToDisplayString(SymbolDisplayFormat.CSharpErrorMessageFormat));
        if (info.CandidateSymbols.Length > 1)
        {
            text.Append(" (+").Append(info.CandidateSymbols.Length - 1).Append(" overloads)");
        }

        var docs = DocumentationText(symbol.GetDocumentationCommentXml(cancellationToken: cancellation));
        if (docs.Length > 0)
        {
            text.Append("\n\n").Append(docs);
        }

        var plain = text.ToString();
        return MimeBundle.Html($"<pre>{Rendering.Html.Escape(plain)}</pre>", plain);
    }

    private (Document Document, int Offset) EditingDocument(string code)
    {
        var history = new StringBuilder();
        foreach (var submission in _submissions)
        {
            history.Append(ReferenceDirective().Replace(submission, "")).Append('\n');
        }

        var (cell, _, _) = NuGetReference.Extract(code);
        var project = EditingProject();
        var document = project.AddDocument("cells.csx", SourceText.From(history + cell), filePath: "cells.csx");
        return (document, history.Length);
    }

    private Project EditingProject()
    {
        var key = new ScriptReferencesKey(_options.MetadataReferences);
        lock (_editingGate)
        {
            if (_editingProject is { } cached && cached.Key.Equals(key))
            {
                return cached.Project;
            }

            _workspace ??= new AdhocWorkspace(MefHostServices.Create(MefHostServices.DefaultAssemblies));
            var info = ProjectInfo.Create(
                ProjectId.CreateNewId(), VersionStamp.Create(), "cells", "cells", LanguageNames.CSharp,
                isSubmission: true,
                compilationOptions: new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, usings: DefaultImports, allowUnsafe: true),
                parseOptions: ParseOptions,
                metadataReferences: _options.MetadataReferences,
                hostObjectType: typeof(CellGlobals));
            var project = _workspace.CurrentSolution.AddProject(info).GetProject(info.Id)!;
            _editingProject = (key, project);
            return project;
        }
    }

    /// <summary>The summary, parameters and return value of an XML doc comment, as text.</summary>
    private static string DocumentationText(string? xml)
    {
        if (string.IsNullOrWhiteSpace(xml))
        {
            return "";
        }

        XElement member;
        try
        {
            member = XElement.Parse(xml);
        }
        catch (System.Xml.XmlException)
        {
            return "";
        }

        var text = new StringBuilder();
        if (member.Element("summary") is { } summary)
        {
            text.Append(Plain(summary));
        }

        foreach (var parameter in member.Elements("param"))
        {
            text.Append("\n  ").Append((string?)parameter.Attribute("name")).Append(": ").Append(Plain(parameter));
        }

        if (member.Element("returns") is { } returns)
        {
            text.Append("\nReturns: ").Append(Plain(returns));
        }

        return text.ToString().Trim();

        static string Plain(XElement element)
        {
            var sb = new StringBuilder();
            foreach (var node in element.Nodes())
            {
                sb.Append(node switch
                {
                    XText t => t.Value,
                    XElement { Name.LocalName: "see" or "seealso" } e => ((string?)e.Attribute("cref") ?? (string?)e.Attribute("langword") ?? (string?)e.Attribute("href") ?? "") is var cref && cref.Length > 2 && cref[1] == ':' ? cref[2..] : (string?)e.Attribute("cref") ?? (string?)e.Attribute("langword") ?? e.Value,
                    XElement { Name.LocalName: "paramref" or "typeparamref" } e => (string?)e.Attribute("name") ?? "",
                    XElement e => Plain(e),
                    _ => "",
                });
            }

            return Whitespace().Replace(sb.ToString(), " ").Trim();
        }
    }

    [GeneratedRegex("""^[ \t]*#r[ \t]+"[^"\r\n]*"[ \t]*$""", RegexOptions.Multiline)]
    private static partial Regex ReferenceDirective();

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();

    /// <summary>The identity of a reference list (a project is rebuilt only when a #r changed it).</summary>
    private sealed record ScriptReferencesKey(IEnumerable<MetadataReference> References)
    {
        private readonly int _count = References.Count();

        public bool Equals(ScriptReferencesKey? other) => other is not null && other._count == _count && other.References.SequenceEqual(References);

        public override int GetHashCode() => _count;
    }
}
