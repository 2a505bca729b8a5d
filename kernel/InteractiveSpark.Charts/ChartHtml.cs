namespace InteractiveSpark.Charts;

/// <summary>Where chart HTML takes plotly.js from.</summary>
public enum PlotlyScriptSource
{
    /// <summary>A script tag that loads plotly.js from its CDN: small output, needs the network when viewed.</summary>
    Cdn,
}
