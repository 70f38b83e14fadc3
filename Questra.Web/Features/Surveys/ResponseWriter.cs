using System.Threading.Channels;
using Questra.Web.Data;

namespace Questra.Web.Features.Surveys;

/// <summary>
/// Writes checked responses, committing together those that arrive together (group commit): a respondent's
/// request waits until its own response is durably stored, but a burst of submissions shares one transaction and
/// one flush to disk instead of queueing for one each. Each insert stores the response only while its survey is
/// still Active, in the same statement, so a survey closed a moment earlier (on any instance) takes nothing.
/// The database's triggers keep the survey's count and per-day roll-up, as for every writer.
/// </summary>
public sealed partial class ResponseWriter : IAsyncDisposable
{
    private const int MaxBatch = 256;

    private const string InsertSql = """
        INSERT INTO "SurveyResponses" ("SurveyId", "SubmittedAt", "SubmittedOn", "Completed", "AnswersJson")
        SELECT $1, $2, $3, $4, $5 WHERE EXISTS (SELECT 1 FROM "Surveys" WHERE "Id" = $1 AND "Status" = 'Active')
        """;

    // The answer counts of a batch, added per survey and day in one statement (each cell once, with how many of the
    // batch's responses it gained), prepared once per number of cells.
    private static string CountSql(int cells) =>
        "INSERT INTO \"SurveyAnswerDays\" (\"SurveyId\", \"QuestionId\", \"Day\", \"Value\", \"Count\") VALUES " +
        string.Join(", ", Enumerable.Range(0, cells).Select(i => $"($1, ${3 * i + 3}, $2, ${3 * i + 4}, ${3 * i + 5})")) +
        " ON CONFLICT (\"SurveyId\", \"QuestionId\", \"Day\", \"Value\") DO UPDATE SET \"Count\" = \"SurveyAnswerDays\".\"Count\" + excluded.\"Count\"";

    // At most this many cells to a statement (well inside both databases' limits on parameters).
    private const int MaxCellsPerStatement = 100;

    private readonly record struct Cell(string SurveyId, DateOnly Day, long QuestionId, int Value);

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<int, string> CountSqls = new();

    private sealed record Pending(string SurveyId, DateTimeOffset At, string AnswersJson, IReadOnlyList<(long QuestionId, int Value)> Cells,
        TaskCompletionSource<bool> Stored);

    // The survey changed as the API shows it (its count): stamped at commit, always forward (SurveyStamp), so a
    // list of changes that passed a position before this commit cannot have passed the stamp.
    private string StampSql => SurveyStamp.Sql(database.Provider, "$1", "$2");

    private readonly PreparedReads database;
    private readonly SurveyStamps stamps;
    private readonly TimeProvider clock;
    private readonly ILogger<ResponseWriter> logger;
    private readonly Channel<Pending> queue = Channel.CreateUnbounded<Pending>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Task loop;

    public ResponseWriter(PreparedReads database, SurveyStamps stamps, TimeProvider clock, ILogger<ResponseWriter> logger)
    {
        this.database = database;
        this.stamps = stamps;
        this.clock = clock;
        this.logger = logger;
        loop = Task.Run(WriteLoopAsync);
    }

    /// <summary>
    /// Stores a response and adds its <paramref name="cells"/> to the per-question counts, together; true once
    /// committed, false when its survey is not Active (nothing stored, nothing counted).
    /// </summary>
    public Task<bool> WriteAsync(string surveyId, DateTimeOffset at, string answersJson, IReadOnlyList<(long QuestionId, int Value)> cells)
    {
        var pending = new Pending(surveyId, at, answersJson, cells, new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously));
        ObjectDisposedException.ThrowIf(!queue.Writer.TryWrite(pending), this);
        return pending.Stored.Task;
    }

    private async Task WriteLoopAsync()
    {
        var batch = new List<Pending>(MaxBatch);
        while (await queue.Reader.WaitToReadAsync())
        {
            while (batch.Count < MaxBatch && queue.Reader.TryRead(out var next)) batch.Add(next);
            // Surveys in one fixed order (each insert's trigger updates its survey's row): two instances' batches
            // lock the rows they share in the same order, so they cannot deadlock.
            batch.Sort(static (x, y) => string.CompareOrdinal(x.SurveyId, y.SurveyId));
            try
            {
                await CommitAsync(batch);
            }
            catch (Exception e) when (batch.Count > 1)
            {
                // One bad row must not fail its neighbours: write them one by one, each failing alone.
                LogBatchFailed(logger, batch.Count, e);
                foreach (var one in batch)
                {
                    try { await CommitAsync([one]); }
                    catch (Exception single) { one.Stored.TrySetException(single); }
                }
            }
            catch (Exception e)
            {
                batch[0].Stored.TrySetException(e);
            }
            batch.Clear();
        }
    }

    private async Task CommitAsync(List<Pending> batch)
    {
        var stored = new bool[batch.Count];
        var cells = new Dictionary<Cell, int>();
        List<string> changed;
        await using (var session = await database.OpenAsync(CancellationToken.None))
        {
            await using var transaction = session.BeginTransaction();
            for (var i = 0; i < batch.Count; i++)
            {
                var p = batch[i];
                var day = DateOnly.FromDateTime(p.At.UtcDateTime);
                var command = session.Command(InsertSql, p.SurveyId, database.Instant(p.At), database.Date(day), true, p.AnswersJson);
                stored[i] = await command.ExecuteNonQueryAsync() == 1;
                if (!stored[i]) continue;
                foreach (var (questionId, value) in p.Cells)
                {
                    var cell = new Cell(p.SurveyId, day, questionId, value);
                    cells[cell] = cells.GetValueOrDefault(cell) + 1;
                }
            }
            await CountAsync(session, cells);
            var now = database.Instant(clock.GetUtcNow());
            changed = [.. batch.Where((_, i) => stored[i]).Select(p => p.SurveyId).Distinct()];
            foreach (var surveyId in changed)
            {
                await session.Command(StampSql, surveyId, now).ExecuteNonQueryAsync();
            }
            try
            {
                await transaction.CommitAsync();
            }
            finally
            {
                // Forgotten even when the commit's outcome is unknown: a needless forget costs one read.
                foreach (var surveyId in changed) stamps.Changed(surveyId);
            }
            // Other instances forget them too, told after the commit in as few notices as fit (a notice sent inside
            // the transaction would hold PostgreSQL's cluster-wide notify lock through the commit's flush).
            if (database.Provider == DatabaseProvider.PostgreSQL) await AnnounceAsync(session, changed);
        }
        for (var i = 0; i < batch.Count; i++) batch[i].Stored.TrySetResult(stored[i]);
    }

    // The batch's answer counts, in one fixed order (two instances' batches lock the rows they share in the same order).
    private async Task CountAsync(PreparedSession session, Dictionary<Cell, int> cells)
    {
        var ordered = cells.OrderBy(c => c.Key.SurveyId, StringComparer.Ordinal).ThenBy(c => c.Key.Day).ThenBy(c => c.Key.QuestionId).ThenBy(c => c.Key.Value);
        foreach (var group in ordered.GroupBy(c => (c.Key.SurveyId, c.Key.Day)))
        {
            foreach (var chunk in group.Chunk(MaxCellsPerStatement))
            {
                var values = new object[2 + 3 * chunk.Length];
                values[0] = group.Key.SurveyId;
                values[1] = database.Date(group.Key.Day);
                for (var c = 0; c < chunk.Length; c++)
                {
                    values[2 + 3 * c] = chunk[c].Key.QuestionId;
                    values[3 + 3 * c] = chunk[c].Key.Value;
                    values[4 + 3 * c] = chunk[c].Value;
                }
                await session.Command(CountSqls.GetOrAdd(chunk.Length, CountSql), values).ExecuteNonQueryAsync();
            }
        }
    }

    private async Task AnnounceAsync(PreparedSession session, List<string> surveyIds)
    {
        try
        {
            foreach (var payload in SurveyStamps.Payloads(surveyIds))
            {
                await session.Command(SurveyStamps.NotifySql("$1"), payload).ExecuteNonQueryAsync();
            }
        }
        catch (Exception e) when (e is System.Data.Common.DbException or TimeoutException or IOException)
        {
            // The responses are stored; other instances' remembered stamps for these surveys lapse within their lifetime.
            LogAnnounceFailed(logger, e);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not tell other instances that surveys received responses; their remembered stamps lapse within 30 s")]
    private static partial void LogAnnounceFailed(ILogger logger, Exception exception);

    public async ValueTask DisposeAsync()
    {
        queue.Writer.TryComplete();
        await loop;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Writing {Count} responses together failed; writing them one by one")]
    private static partial void LogBatchFailed(ILogger logger, int count, Exception exception);
}
