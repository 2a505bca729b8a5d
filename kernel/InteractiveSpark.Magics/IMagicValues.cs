namespace InteractiveSpark.Magics;

/// <summary>
/// The options of one magic as a host read them, looked up by the option as typed (<c>--topic</c>): a line this library
/// read itself (<see cref="MagicLine"/>, the Jupyter kernel) or the values a notebook host bound from its own parser
/// (the .NET Interactive extension). Each magic reads its options through this, so both hosts get the same checks and the
/// same messages.
/// </summary>
public interface IMagicValues
{
    /// <summary>The value of <paramref name="option"/>, or null when it is not given.</summary>
    string? Value(string option);

    /// <summary>Whether the flag <paramref name="option"/> is given.</summary>
    bool Flag(string option);
}
