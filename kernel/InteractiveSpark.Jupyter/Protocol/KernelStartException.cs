namespace InteractiveSpark.Jupyter.Protocol;

/// <summary>The kernel cannot start (bad connection file, a port taken): its message is one line for the user.</summary>
public sealed class KernelStartException : Exception
{
    /// <summary>A failure with a message for the user.</summary>
    public KernelStartException(string message) : base(message)
    {
    }

    /// <summary>A failure with a message for the user and its cause.</summary>
    public KernelStartException(string message, Exception inner) : base(message, inner)
    {
    }
}
