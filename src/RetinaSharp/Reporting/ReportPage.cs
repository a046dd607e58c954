using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using RetinaSharp.Evaluation;

namespace RetinaSharp.Reporting;

/// <summary>
/// report.html: one self-contained page (inline style, no scripts, nothing fetched from elsewhere)
/// that shows the report's charts and tables and links every file by a path relative to itself,
/// so the folder can be moved, zipped or served as it is.
/// </summary>
internal sealed class ReportPage
{
    private readonly StringBuilder _body = new();
    private readonly List<(string Label, string Href)> _files = [];

    public void Heading(string title, string subtitle)
    {
        _body.Append("<h1>").Append(E(title)).Append("</h1><p class=\"sub\">").Append(E(subtitle)).Append("</p>");
    }

    public void Section(string title, string? note = null)
    {
        _body.Append("<h2>").Append(E(title)).Append("</h2>");
        if (note != null) _body.Append("<p class=\"note\">").Append(E(note)).Append("</p>");
    }

    public void Metrics(CocoEvalResult result)
    {
        _body.Append("<table class=\"num\"><tr>");
        foreach (var n in CocoEvalResult.StatNames) _body.Append("<th>").Append(E(n)).Append("</th>");
        _body.Append("</tr><tr>");
        foreach (var v in result.Stats) _body.Append("<td>").Append(v < 0 ? "-" : v.ToString("F3", CultureInfo.InvariantCulture)).Append("</td>");
        _body.Append("</tr></table>");
    }

    public void PerClass(PerClassTable table)
    {
        // A long table scrolls in its own box, so the charts stay near the top of the page.
        _body.Append(table.Rows.Count > 20 ? "<div class=\"scroll\">" : "<div>");
        _body.Append("<table class=\"num\"><tr><th class=\"l\">class</th><th>images</th><th>instances</th><th>precision</th><th>recall</th><th>F1</th><th>AP50</th><th>AP</th></tr>");
        foreach (var r in (IEnumerable<PerClassRow>)[table.All, .. table.Rows])
        {
            _body.Append(r.Label < 0 ? "<tr class=\"all\">" : "<tr>").Append("<td class=\"l\">").Append(E(r.Name)).Append("</td>")
                .Append(CultureInfo.InvariantCulture, $"<td>{r.Images}</td><td>{r.Instances}</td>")
                .Append(Cell(r.Precision)).Append(Cell(r.Recall)).Append(Cell(r.F1)).Append(Cell(r.AP50)).Append(Cell(r.AP)).Append("</tr>");
        }
        _body.Append("</table></div>");
    }

    /// <summary>Charts side by side, wrapping on narrow screens; each opens full size when clicked.</summary>
    public void Figures(IEnumerable<(string File, string Caption)> figures)
    {
        _body.Append("<div class=\"figs\">");
        foreach (var (file, caption) in figures)
        {
            var href = Href(file);
            // The charts carry their own titles; the caption is the image's alternative text.
            _body.Append("<figure><a href=\"").Append(href).Append("\"><img src=\"").Append(href).Append("\" alt=\"").Append(E(caption))
                .Append("\" title=\"").Append(E(caption)).Append("\"></a></figure>");
        }
        _body.Append("</div>");
    }

    public void Gallery(IEnumerable<string> files)
    {
        _body.Append("<div class=\"gallery\">");
        foreach (var file in files)
        {
            var href = Href(file);
            _body.Append("<a href=\"").Append(href).Append("\"><img src=\"").Append(href).Append("\" alt=\"").Append(E(file)).Append("\" loading=\"lazy\"></a>");
        }
        _body.Append("</div>");
    }

    public void Links(IEnumerable<(string Label, string File)> links)
    {
        _body.Append("<ul>");
        foreach (var (label, file) in links) _body.Append("<li><a href=\"").Append(Href(file)).Append("\">").Append(E(label)).Append("</a></li>");
        _body.Append("</ul>");
    }

    /// <summary>The caller's additions: numbers and strings in a table, objects and arrays as indented JSON.</summary>
    public void Extra(IReadOnlyDictionary<string, JsonNode?> extra)
    {
        var scalars = extra.Where(kv => kv.Value is null or JsonValue).ToList();
        if (scalars.Count > 0)
        {
            _body.Append("<table class=\"kv\">");
            foreach (var (key, value) in scalars)
            {
                var text = value is null ? "null" : value.GetValueKind() == JsonValueKind.String ? value.GetValue<string>() : value.ToJsonString();
                _body.Append("<tr><th>").Append(E(key)).Append("</th><td>").Append(E(text)).Append("</td></tr>");
            }
            _body.Append("</table>");
        }
        foreach (var (key, value) in extra.Where(kv => kv.Value is JsonObject or JsonArray))
        {
            _body.Append("<details><summary>").Append(E(key)).Append("</summary><pre>")
                .Append(E(value!.ToJsonString(new JsonSerializerOptions { WriteIndented = true }))).Append("</pre></details>");
        }
    }

    /// <summary>Registers a file for the closing list of files and returns its link.</summary>
    public string Href(string file)
    {
        // Paths are relative with forward slashes; each segment is escaped, not the separators.
        var href = string.Join('/', file.Replace('\\', '/').Split('/').Select(s => s == ".." ? s : Uri.EscapeDataString(s)));
        if (!_files.Exists(f => f.Href == href)) _files.Add((file, href));
        return href;
    }

    public string Render(string title)
    {
        var sb = new StringBuilder();
        sb.Append("<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>")
            .Append(E(title)).Append("</title><style>")
            .Append("body{font-family:system-ui,-apple-system,\"Segoe UI\",sans-serif;max-width:1320px;margin:1.5em auto;padding:0 1em;color:#222;line-height:1.4}")
            .Append("h1{margin-bottom:.2em}h2{margin-top:1.6em;border-bottom:1px solid #ddd;padding-bottom:.2em}.sub,.note{color:#555}")
            .Append("table{border-collapse:collapse;margin:.5em 0}td,th{border:1px solid #ddd;padding:3px 9px}th{background:#f4f4f4}")
            .Append("table.num td,table.num th{text-align:right}table.num .l{text-align:left}tr.all td{font-weight:bold;background:#fafafa}")
            .Append("table.kv th{text-align:left}.figs{display:flex;flex-wrap:wrap;gap:12px}figure{margin:0}figure img{max-width:100%;height:auto;border:1px solid #eee}")
            .Append(".gallery img{max-width:100%;height:auto;margin:4px 0;border:1px solid #ccc;display:block}")
            .Append("pre{background:#f6f6f6;padding:1em;overflow:auto}details{margin:.4em 0}.scroll{max-height:30em;overflow:auto;display:inline-block}.scroll th{position:sticky;top:0}</style></head><body>");
        sb.Append(_body);
        sb.Append("<h2>Files</h2><ul class=\"files\">");
        foreach (var (label, href) in _files) sb.Append("<li><a href=\"").Append(href).Append("\">").Append(E(label)).Append("</a></li>");
        sb.Append("</ul></body></html>\n");
        return sb.ToString();
    }

    private static string Cell(double v) => "<td>" + (double.IsNaN(v) ? "-" : v.ToString("F3", CultureInfo.InvariantCulture)) + "</td>";

    private static string E(string s) => WebUtility.HtmlEncode(s);
}
