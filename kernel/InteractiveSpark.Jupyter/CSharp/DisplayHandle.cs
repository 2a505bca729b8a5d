using InteractiveSpark.Jupyter.Display;

namespace InteractiveSpark.Jupyter.CSharp;

/// <summary>A shown value that can be replaced in place, also after its cell ended (progress, live streams).</summary>
public sealed class DisplayHandle
{
    private readonly ICellOutput _output;
    private readonly CancellationToken _cancellation;

    internal DisplayHandle(ICellOutput output, CancellationToken cancellation)
    {
        _output = output;
        _cancellation = cancellation;
    }

    /// <summary>The display id the front end knows it by.</summary>
    public string DisplayId { get; } = Guid.NewGuid().ToString("N");

    /// <summary>Replaces the shown value with <paramref name="value"/>.</summary>
    public void Update(object? value) => _output.UpdateDisplay(DisplayFormatters.Format(value, _cancellation), DisplayId);
}
