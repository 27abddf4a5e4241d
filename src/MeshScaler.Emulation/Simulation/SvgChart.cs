using System.Globalization;
using System.Net;
using System.Text;

namespace MeshScaler.Emulation.Simulation;

/// <summary>One line of a chart: x in seconds since the start, y in the chart's unit.</summary>
internal sealed record ChartLine(string Name, string Color, IReadOnlyList<(double X, double Y)> Points);

/// <summary>
/// A line chart as inline SVG: round axis ticks with gridlines, axis titles with units, a legend, and room for every
/// label inside the drawing (the plot area is inset by fixed margins; lines are clipped to it).
/// </summary>
/// <remarks>
/// Ticks are "nice" numbers (1, 2, 2.5 or 5 times a power of ten), about five per axis. Time is shown in minutes when
/// the chart spans two hours or less, else in hours.
/// </remarks>
internal static class SvgChart
{
    private const double Left = 72, Right = 16, Top = 34, Bottom = 46;
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <param name="id">Unique within the page: names the chart's clip path.</param>
    public static string Render(string id, string yTitle, IReadOnlyList<ChartLine> lines, double xFrom, double xTo, double? yMax = null, double width = 1000, double height = 250)
    {
        var (xUnit, xUnitName) = xTo - xFrom <= 7200 ? (60.0, "min") : (3600.0, "h");
        var top = yMax ?? lines.SelectMany(l => l.Points).Where(p => p.X >= xFrom && p.X <= xTo).Select(p => p.Y).DefaultIfEmpty(0).Max();
        var yStep = NiceStep(top <= 0 ? 1 : top);
        var yTop = Math.Max(yStep, Math.Ceiling(top / yStep) * yStep);
        var xStep = NiceStep((xTo - xFrom) / xUnit) * xUnit;
        var plotWidth = width - Left - Right;
        var plotHeight = height - Top - Bottom;
        double Px(double x) => Left + (plotWidth * (x - xFrom) / Math.Max(1e-9, xTo - xFrom));
        double Py(double y) => Top + plotHeight - (plotHeight * Math.Clamp(y, 0, yTop) / yTop);
        var clip = $"clip-{id}";

        var svg = new StringBuilder();
        svg.Append(Inv, $"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width}\" height=\"{height}\" viewBox=\"0 0 {width} {height}\" role=\"img\" font-family=\"system-ui,sans-serif\" font-size=\"11\">");
        svg.Append(Inv, $"<defs><clipPath id=\"{clip}\"><rect x=\"{Left}\" y=\"{Top}\" width=\"{plotWidth}\" height=\"{plotHeight}\"/></clipPath></defs>");
        for (var y = 0.0; y <= yTop + (yStep / 2); y += yStep)
        {
            svg.Append(Inv, $"<line x1=\"{Left}\" y1=\"{Py(y):0.#}\" x2=\"{width - Right}\" y2=\"{Py(y):0.#}\" stroke=\"{(y == 0 ? "#868e96" : "#e9ecef")}\"/>");
            svg.Append(Inv, $"<text x=\"{Left - 6}\" y=\"{Py(y) + 4:0.#}\" text-anchor=\"end\" fill=\"#495057\">{Compact(y, yStep)}</text>");
        }

        for (var x = Math.Ceiling(xFrom / xStep) * xStep; x <= xTo + (xStep / 1000); x += xStep)
        {
            svg.Append(Inv, $"<line x1=\"{Px(x):0.#}\" y1=\"{Top}\" x2=\"{Px(x):0.#}\" y2=\"{Top + plotHeight}\" stroke=\"#f1f3f5\"/>");
            svg.Append(Inv, $"<text x=\"{Px(x):0.#}\" y=\"{Top + plotHeight + 16}\" text-anchor=\"middle\" fill=\"#495057\">{Compact(x / xUnit, xStep / xUnit)}</text>");
        }

        svg.Append(Inv, $"<text x=\"{Left + (plotWidth / 2):0.#}\" y=\"{height - 8}\" text-anchor=\"middle\" fill=\"#212529\">time since the start ({xUnitName})</text>");
        svg.Append(Inv, $"<text transform=\"translate(14 {Top + (plotHeight / 2):0.#}) rotate(-90)\" text-anchor=\"middle\" fill=\"#212529\">{Encode(yTitle)}</text>");
        svg.Append(Inv, $"<g clip-path=\"url(#{clip})\">");
        foreach (var line in lines)
        {
            svg.Append("<polyline fill=\"none\" stroke-width=\"1.4\" stroke=\"").Append(line.Color).Append("\" points=\"");
            foreach (var (x, y) in line.Points)
            {
                if (x >= xFrom && x <= xTo)
                {
                    svg.Append(Inv, $"{Px(x):0.#},{Py(y):0.#} ");
                }
            }

            svg.Append("\"><title>").Append(Encode(line.Name)).Append("</title></polyline>");
        }

        svg.Append("</g>");

        // The legend, one entry per line, above the plot.
        var legendX = Left;
        foreach (var line in lines)
        {
            svg.Append(Inv, $"<rect x=\"{legendX:0.#}\" y=\"12\" width=\"12\" height=\"4\" fill=\"{line.Color}\"/>");
            svg.Append(Inv, $"<text x=\"{legendX + 16:0.#}\" y=\"18\" fill=\"#212529\">{Encode(line.Name)}</text>");
            legendX += 28 + (6.5 * line.Name.Length);
        }

        return svg.Append("</svg>\n").ToString();
    }

    /// <summary>A round step giving about five ticks over <paramref name="range"/>.</summary>
    internal static double NiceStep(double range)
    {
        var raw = range / 5;
        var magnitude = Math.Pow(10, Math.Floor(Math.Log10(raw)));
        var normalized = raw / magnitude;
        return magnitude * normalized switch { <= 1 => 1, <= 2 => 2, <= 2.5 => 2.5, <= 5 => 5, _ => 10 };
    }

    /// <summary>A tick label with no more digits than the step needs: 1.5k, 20k, 2.5M, 0.25.</summary>
    internal static string Compact(double value, double step)
    {
        if (Math.Abs(value) >= 1_000_000)
        {
            return (value / 1_000_000).ToString(step >= 1_000_000 ? "0.#" : "0.##", Inv) + "M";
        }

        if (Math.Abs(value) >= 10_000)
        {
            return (value / 1000).ToString(step >= 1000 ? "0.#" : "0.##", Inv) + "k";
        }

        return value.ToString(step >= 1 ? "0.#" : step >= 0.1 ? "0.##" : "0.###", Inv);
    }

    private static string Encode(string text) => WebUtility.HtmlEncode(text);
}
