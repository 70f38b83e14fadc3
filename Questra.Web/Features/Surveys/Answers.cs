using System.Buffers;
using System.Text.Json;

namespace Questra.Web.Features.Surveys;

/// <summary>
/// One answer as stored: the chosen option's id (single choice), the chosen ids (multiple choice), the value
/// (rating, score) or the text. Exactly one of the fields is set.
/// </summary>
public readonly record struct Answer(int? Value = null, int[]? Choices = null, string? Text = null);

/// <summary>
/// The stored form of a response's answers, in one place: a JSON object <c>{"question id": answer}</c>, where an
/// answer is a number (an option id, or a rating), an array of option ids, or a string. Questions left blank are
/// absent. Keys that name no question of the survey (older sample data) are skipped when read.
/// </summary>
public static class Answers
{
    public static string Write(IReadOnlyDictionary<long, Answer> answers)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            foreach (var (questionId, answer) in answers.OrderBy(a => a.Key))
            {
                var name = questionId.ToString(System.Globalization.CultureInfo.InvariantCulture);
                if (answer.Choices is { } choices)
                {
                    json.WriteStartArray(name);
                    foreach (var c in choices) json.WriteNumberValue(c);
                    json.WriteEndArray();
                }
                else if (answer.Text is { } text) json.WriteString(name, text);
                else if (answer.Value is { } value) json.WriteNumber(name, value);
            }
            json.WriteEndObject();
        }
        return System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    /// <summary>The answers of one stored response by question id; anything unreadable is left out.</summary>
    public static Dictionary<long, Answer> Read(string json)
    {
        var answers = new Dictionary<long, Answer>();
        try
        {
            using var doc = JsonDocument.Parse(json);
            if (doc.RootElement.ValueKind != JsonValueKind.Object) return answers;
            foreach (var property in doc.RootElement.EnumerateObject())
            {
                if (!long.TryParse(property.Name, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var id)) continue;
                var value = property.Value;
                Answer? answer = value.ValueKind switch
                {
                    JsonValueKind.Number when value.TryGetInt32(out var n) => new Answer(Value: n),
                    JsonValueKind.String => new Answer(Text: value.GetString()),
                    JsonValueKind.Array => new Answer(Choices: [.. value.EnumerateArray().Where(e => e.ValueKind == JsonValueKind.Number && e.TryGetInt32(out _)).Select(e => e.GetInt32())]),
                    _ => null,
                };
                if (answer is { } a) answers[id] = a;
            }
        }
        catch (JsonException)
        {
            // A response that is not JSON counts as one with no answers.
        }
        return answers;
    }
}
