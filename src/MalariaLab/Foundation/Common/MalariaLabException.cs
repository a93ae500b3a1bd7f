namespace MalariaLab.Foundation.Common;

/// <summary>An error a user can act on: the message names the file, key or value and what was expected.
/// The CLI prints it as one line and exits non-zero.</summary>
public class MalariaLabException(string message, Exception? inner = null) : Exception(message, inner);
