using System.Text;

namespace InteractiveSpark.Jupyter.CSharp;

/// <summary>
/// Console.Out and Console.Error while cells run: text goes to the running cell as stream messages as it is written
/// (a line at a time, or every 50 ms for partial lines), so a long cell shows its progress; text written after a cell
/// ended (a timer, a background task) goes to the last cell, as in other kernels.
/// </summary>
internal sealed class CellConsole : TextWriter
{
    private static readonly TimeSpan FlushEvery = TimeSpan.FromMilliseconds(50);
    private readonly string _name;
    private readonly StringBuilder _pending = new();
    private readonly Lock _gate = new();
    private readonly Timer _timer;
    private ICellOutput? _output;

    private CellConsole(string name)
    {
        _name = name;
        _timer = new Timer(_ => Flush(), null, Timeout.Infinite, Timeout.Infinite);
    }

    public override Encoding Encoding => Encoding.UTF8;

    /// <summary>Installs the two writers as Console.Out and Console.Error (once per process).</summary>
    public static (CellConsole Out, CellConsole Error) Install()
    {
        var stdout = new CellConsole("stdout");
        var stderr = new CellConsole("stderr");
        Console.SetOut(stdout);
        Console.SetError(stderr);
        return (stdout, stderr);
    }

    /// <summary>From now on text goes to <paramref name="output"/>.</summary>
    public void Attach(ICellOutput output)
    {
        Flush();
        lock (_gate)
        {
            _output = output;
        }
    }

    public override void Write(char value)
    {
        lock (_gate)
        {
            _pending.Append(value);
        }

        Written(value == '\n');
    }

    public override void Write(string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return;
        }

        lock (_gate)
        {
            _pending.Append(value);
        }

        Written(value.Contains('\n', StringComparison.Ordinal));
    }

    public override void Write(char[] buffer, int index, int count) => Write(new string(buffer, index, count));

    public override void Flush()
    {
        string text;
        ICellOutput? output;
        lock (_gate)
        {
            if (_pending.Length == 0)
            {
                return;
            }

            text = _pending.ToString();
            _pending.Clear();
            output = _output;
        }

        output?.Stream(_name, text);
    }

    private void Written(bool newline)
    {
        if (newline)
        {
            Flush();
        }
        else
        {
            _timer.Change(FlushEvery, Timeout.InfiniteTimeSpan);
        }
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _timer.Dispose();
        }

        base.Dispose(disposing);
    }
}
