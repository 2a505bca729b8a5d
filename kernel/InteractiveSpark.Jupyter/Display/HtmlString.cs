namespace InteractiveSpark.Jupyter.Display;

/// <summary>HTML that a cell shows as it is (<c>display(html("&lt;b&gt;hi&lt;/b&gt;"))</c>).</summary>
/// <param name="Html">The markup.</param>
public sealed record HtmlString(string Html)
{
    /// <inheritdoc/>
    public override string ToString() => Html;
}
