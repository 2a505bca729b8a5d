namespace InteractiveSpark.Magics;

/// <summary>A mistake a notebook user can fix; its message says how, and is shown alone (no stack trace).</summary>
public sealed class SparkMagicException : Exception
{
    /// <summary>Creates the exception.</summary>
    public SparkMagicException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with its cause.</summary>
    public SparkMagicException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
