using System.Text;

namespace RetinaSharp.Data.Csv;

/// <summary>
/// Splits CSV text into records (RFC 4180): fields separated by commas, optionally in double
/// quotes, with "" standing for a quote inside a quoted field; a quoted field may span lines.
/// Knows the line each record starts on, for messages.
/// </summary>
internal sealed class CsvRecordReader(string text)
{
    private int _pos;
    private int _line = 1;

    /// <summary>The line the last record returned by <see cref="Read"/> started on (1-based).</summary>
    public int RecordLine { get; private set; }

    /// <summary>
    /// Reads the next record into <paramref name="fields"/>; false at the end of the text. A
    /// malformed record sets <paramref name="error"/>; reading resumes at the next line.
    /// </summary>
    public bool Read(List<string> fields, out string? error)
    {
        fields.Clear();
        error = null;
        if (_pos >= text.Length) return false;
        RecordLine = _line;
        var field = new StringBuilder();
        while (true)
        {
            if (_pos < text.Length && text[_pos] == '"')
            {
                _pos++;
                while (true)
                {
                    if (_pos >= text.Length)
                    {
                        error = $"quoted field opened at line {RecordLine} is never closed";
                        return true;
                    }
                    char c = text[_pos++];
                    if (c == '"')
                    {
                        if (_pos < text.Length && text[_pos] == '"') { field.Append('"'); _pos++; continue; }
                        break;
                    }
                    if (c == '\n' || (c == '\r' && (_pos >= text.Length || text[_pos] != '\n'))) _line++;
                    field.Append(c);
                }
                if (_pos < text.Length && text[_pos] != ',' && text[_pos] != '\n' && text[_pos] != '\r')
                {
                    error = $"unexpected character '{text[_pos]}' after a closing quote";
                    SkipLine();
                    return true;
                }
            }
            else
            {
                while (_pos < text.Length && text[_pos] != ',' && text[_pos] != '\n' && text[_pos] != '\r')
                    field.Append(text[_pos++]);
            }
            fields.Add(field.ToString());
            field.Clear();
            if (_pos >= text.Length) return true;
            char sep = text[_pos++];
            if (sep == ',') continue;
            if (sep == '\r' && _pos < text.Length && text[_pos] == '\n') _pos++;
            _line++;
            return true;
        }
    }

    private void SkipLine()
    {
        while (_pos < text.Length && text[_pos] != '\n' && text[_pos] != '\r') _pos++;
        if (_pos < text.Length && text[_pos] == '\r') _pos++;
        if (_pos < text.Length && text[_pos] == '\n') _pos++;
        _line++;
    }
}
