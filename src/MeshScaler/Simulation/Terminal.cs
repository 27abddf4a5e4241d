using Spectre.Console;

namespace MeshScaler.Simulation;

/// <summary>
/// The verbs' console: colour and live redrawing only on a terminal, and never when <c>NO_COLOR</c> is set
/// (https://no-color.org); into a file or a pipe, plain text as wide as its lines, so nothing wraps at Spectre's
/// assumed 80 columns and no escape code lands in a log.
/// </summary>
internal static class Terminal
{
    /// <summary>Lines written to a file or pipe are never wrapped below this width.</summary>
    private const int PlainWidth = 200;

    /// <summary>Whether standard output is a terminal that may get colour and redrawing.</summary>
    public static bool IsInteractive => !Console.IsOutputRedirected;

    public static bool UsesColour => IsInteractive && string.IsNullOrEmpty(Environment.GetEnvironmentVariable("NO_COLOR"));

    public static IAnsiConsole Create()
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = IsInteractive ? AnsiSupport.Detect : AnsiSupport.No,
            ColorSystem = UsesColour ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
            Interactive = IsInteractive ? InteractionSupport.Detect : InteractionSupport.No,
            Out = new AnsiConsoleOutput(Console.Out),
        });
        if (!IsInteractive)
        {
            console.Profile.Width = PlainWidth;
        }

        return console;
    }
}
